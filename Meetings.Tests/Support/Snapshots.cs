using System.Text.Json.Nodes;
using Meetings.Client.Contracts;

namespace Meetings.Tests.Support;

public static class Snapshots
{
    /// <summary>
    /// A snapshot as JSON with its server time blanked and every object's properties in name order: two screens hold
    /// the same meeting when these are equal (the order of an object's members, such as a vote's seats, means nothing in JSON).
    /// </summary>
    public static string Canonical(MeetingSnapshot snapshot) => Canonical(System.Text.Json.JsonSerializer.SerializeToNode(snapshot, LiveJson.Options)!);

    /// <summary>The same for a snapshot as JSON (as a JavaScript client holds it).</summary>
    public static string Canonical(JsonNode snapshot)
    {
        var copy = snapshot.DeepClone().AsObject();
        copy["serverTime"] = null;
        return Sorted(copy)!.ToJsonString();
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
