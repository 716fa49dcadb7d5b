using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meetings.Client.Services;

/// <summary>A JSON Patch operation that could not be applied: the document is not what the patch was made from.</summary>
public sealed class JsonPatchException(string message) : Exception(message);

/// <summary>
/// RFC 6902 JSON Patch (add, remove, replace, move, copy, test) applied to a <see cref="JsonNode"/> in place.
/// Small on purpose: the client applies each update's patch to the snapshot it holds, and a failure means
/// "catch up", so there is nothing to roll back.
/// </summary>
public static class JsonPatch
{
    /// <summary>Applies the operations in order and returns the document (a new root only when an operation replaced the whole document).</summary>
    public static JsonNode? Apply(JsonNode? document, JsonElement patch)
    {
        if (patch.ValueKind != JsonValueKind.Array) throw new JsonPatchException("A patch is an array of operations.");
        foreach (var op in patch.EnumerateArray())
        {
            var path = Text(op, "path");
            switch (Text(op, "op"))
            {
                case "add": document = Add(document, path, Value(op)); break;
                case "remove": document = Remove(document, path, out _); break;
                case "replace":
                    document = Remove(document, path, out _);
                    document = Add(document, path, Value(op));
                    break;
                case "move":
                    var from = Text(op, "from");
                    document = Remove(document, from, out var moved);
                    document = Add(document, path, moved);
                    break;
                case "copy": document = Add(document, path, Get(document, Text(op, "from"))?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), Value(op))) throw new JsonPatchException($"test failed at '{path}'.");
                    break;
                default: throw new JsonPatchException($"Unknown operation in {op.GetRawText()}.");
            }
        }
        return document;
    }

    private static string Text(JsonElement op, string name) =>
        op.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new JsonPatchException($"An operation without '{name}'.");

    private static JsonNode? Value(JsonElement op) =>
        op.TryGetProperty("value", out var value) ? JsonNode.Parse(value.GetRawText()) : throw new JsonPatchException("An operation without 'value'.");

    private static JsonNode? Add(JsonNode? document, string path, JsonNode? value)
    {
        if (path.Length == 0) return value;
        var (parent, key) = Parent(document, path);
        switch (parent)
        {
            case JsonObject o:
                o[key] = value;
                break;
            case JsonArray a when key == "-":
                a.Add(value);
                break;
            case JsonArray a:
                a.Insert(Index(key, a.Count), value);
                break;
            default: throw new JsonPatchException($"No container at '{path}'.");
        }
        return document;
    }

    private static JsonNode? Remove(JsonNode? document, string path, out JsonNode? removed)
    {
        if (path.Length == 0)
        {
            removed = document;
            return null;
        }
        var (parent, key) = Parent(document, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(key):
                removed = o[key];
                o.Remove(key);
                break;
            case JsonArray a:
                var index = Index(key, a.Count - 1);
                removed = a[index];
                a.RemoveAt(index);
                break;
            default: throw new JsonPatchException($"Nothing at '{path}'.");
        }
        return document;
    }

    private static JsonNode? Get(JsonNode? document, string path)
    {
        var node = document;
        foreach (var token in Tokens(path)) node = Child(node, token, path);
        return node;
    }

    private static (JsonNode? Parent, string Key) Parent(JsonNode? document, string path)
    {
        var tokens = Tokens(path);
        var node = document;
        for (var i = 0; i < tokens.Count - 1; i++) node = Child(node, tokens[i], path);
        return (node, tokens[^1]);
    }

    private static JsonNode? Child(JsonNode? node, string token, string path) => node switch
    {
        JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
        JsonArray a => a[Index(token, a.Count - 1)],
        _ => throw new JsonPatchException($"Nothing at '{path}'."),
    };

    private static int Index(string token, int max) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= max && (token == "0" || token[0] != '0')
            ? i : throw new JsonPatchException($"'{token}' is not an index here.");

    /// <summary>The reference tokens of a JSON Pointer (RFC 6901): "/a~1b/0" is ["a/b", "0"].</summary>
    private static List<string> Tokens(string path)
    {
        if (path.Length == 0 || path[0] != '/') throw new JsonPatchException($"'{path}' is not a JSON Pointer.");
        return [.. path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }
}
