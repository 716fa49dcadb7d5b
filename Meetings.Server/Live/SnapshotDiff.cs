using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Meetings.Server.Live;

/// <summary>
/// The RFC 6902 JSON Patch from one snapshot's JSON to the next, as a list of operations (each one complete JSON
/// object, so that patches can be joined by concatenation). Arrays of entities (elements with a unique
/// <c>id</c> or <c>seatId</c>) are matched by that key, so a sign-up in a queue of a thousand is one <c>add</c>, a
/// state change one <c>replace</c>, a reorder a few <c>move</c>s; other arrays by index. Whenever the operations for
/// an array would cost more bytes than the array itself, they become one <c>replace</c> of the array.
/// Unchanged parts are found by comparing their serialized bytes, so the cost is a walk of the two documents.
/// </summary>
public static class SnapshotDiff
{
    private static readonly string[] Keys = ["id", "seatId"];

    public static List<byte[]> Diff(JsonElement from, JsonElement to)
    {
        using var ops = new Ops();
        Compare(from, to, "", ops);
        return ops.List;
    }

    private static void Compare(JsonElement a, JsonElement b, string path, Ops ops)
    {
        if (Raw(a).SequenceEqual(Raw(b))) return;
        if (a.ValueKind != b.ValueKind)
        {
            ops.Add("replace", path, b);
            return;
        }
        switch (b.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in b.EnumerateObject())
                {
                    var at = path + "/" + Escape(property.Name);
                    if (a.TryGetProperty(property.Name, out var before)) Compare(before, property.Value, at, ops);
                    else ops.Add("add", at, property.Value);
                }
                foreach (var property in a.EnumerateObject())
                    if (!b.TryGetProperty(property.Name, out _)) ops.Add("remove", path + "/" + Escape(property.Name));
                break;
            case JsonValueKind.Array:
                var mark = ops.Mark();
                if (KeyOf(a, b) is { } key) CompareByKey(a, b, key, path, ops);
                else CompareByIndex(a, b, path, ops);
                if (ops.BytesSince(mark) > Raw(b).Length)
                {
                    ops.Rewind(mark);
                    ops.Add("replace", path, b);
                }
                break;
            default:
                ops.Add("replace", path, b);
                break;
        }
    }

    private static void CompareByIndex(JsonElement a, JsonElement b, string path, Ops ops)
    {
        var (before, after) = (a.GetArrayLength(), b.GetArrayLength());
        for (var i = 0; i < Math.Min(before, after); i++) Compare(a[i], b[i], $"{path}/{i}", ops);
        for (var i = before; i < after; i++) ops.Add("add", $"{path}/{i}", b[i]);
        for (var i = before - 1; i >= after; i--) ops.Add("remove", $"{path}/{i}");
    }

    /// <summary>Removes what is gone (from the end, so indexes hold), then walks the new order: in place, moved here, or new.</summary>
    private static void CompareByKey(JsonElement a, JsonElement b, string key, string path, Ops ops)
    {
        var current = a.EnumerateArray().Select(e => e.GetProperty(key).GetString()!).ToList();
        var before = new Dictionary<string, JsonElement>(current.Count);
        foreach (var e in a.EnumerateArray()) before[e.GetProperty(key).GetString()!] = e;
        var after = b.EnumerateArray().ToList();
        var wanted = after.Select(e => e.GetProperty(key).GetString()!).ToList();
        var kept = wanted.ToHashSet();
        for (var i = current.Count - 1; i >= 0; i--)
            if (!kept.Contains(current[i]))
            {
                ops.Add("remove", $"{path}/{i}");
                current.RemoveAt(i);
            }
        for (var i = 0; i < after.Count; i++)
        {
            var id = wanted[i];
            if (i < current.Count && current[i] == id)
            {
                Compare(before[id], after[i], $"{path}/{i}", ops);
                continue;
            }
            var j = current.IndexOf(id, i);
            if (j < 0)
            {
                ops.Add("add", $"{path}/{i}", after[i]);
                current.Insert(i, id);
                continue;
            }
            ops.Add("move", $"{path}/{i}", from: $"{path}/{j}");
            current.RemoveAt(j);
            current.Insert(i, id);
            Compare(before[id], after[i], $"{path}/{i}", ops);
        }
    }

    /// <summary>The key that names every element of both arrays uniquely, if there is one.</summary>
    private static string? KeyOf(JsonElement a, JsonElement b)
    {
        foreach (var key in Keys)
        {
            var seenA = new HashSet<string>();
            var seenB = new HashSet<string>();
            if (a.EnumerateArray().All(e => Named(e, key, seenA)) && b.EnumerateArray().All(e => Named(e, key, seenB))) return key;
        }
        return null;
    }

    private static bool Named(JsonElement e, string key, HashSet<string> seen) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(key, out var id) && id.ValueKind == JsonValueKind.String && seen.Add(id.GetString()!);

    private static ReadOnlySpan<byte> Raw(JsonElement e) => JsonMarshal.GetRawUtf8Value(e);

    /// <summary>A JSON Pointer reference token (RFC 6901).</summary>
    private static string Escape(string name) =>
        name.Contains('~') || name.Contains('/') ? name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal) : name;

    private sealed class Ops : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(256);
        private readonly Utf8JsonWriter _writer;
        private long _bytes;

        public Ops() => _writer = new Utf8JsonWriter(_buffer);

        public List<byte[]> List { get; } = [];

        public void Add(string op, string path, JsonElement? value = null, string? from = null)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            _writer.WriteStartObject();
            _writer.WriteString("op", op);
            if (from is not null) _writer.WriteString("from", from);
            _writer.WriteString("path", path);
            if (value is { } v)
            {
                _writer.WritePropertyName("value");
                v.WriteTo(_writer);
            }
            _writer.WriteEndObject();
            _writer.Flush();
            var bytes = _buffer.WrittenSpan.ToArray();
            List.Add(bytes);
            _bytes += bytes.Length + 1;
        }

        public (int Count, long Bytes) Mark() => (List.Count, _bytes);

        public long BytesSince((int Count, long Bytes) mark) => _bytes - mark.Bytes;

        public void Rewind((int Count, long Bytes) mark)
        {
            List.RemoveRange(mark.Count, List.Count - mark.Count);
            _bytes = mark.Bytes;
        }

        public void Dispose() => _writer.Dispose();
    }
}
