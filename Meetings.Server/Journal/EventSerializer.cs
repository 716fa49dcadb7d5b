using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Meetings.Server.Domain;

namespace Meetings.Server.Journal;

/// <summary>
/// Turns events into the journal's stored form and back: the event's type name and its JSON payload. Free text
/// (fields marked <see cref="FreeTextAttribute"/>) is sealed: the payload carries its commitment, and the salt
/// and text are kept beside it. Type names are the record names of <see cref="MeetingEvent"/>; renaming one is a
/// breaking change to stored data.
/// </summary>
public static class EventSerializer
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    private static readonly Dictionary<string, Type> Types = typeof(MeetingEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(MeetingEvent)) && !t.IsAbstract)
        .ToDictionary(t => t.Name);

    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Field)[]> FreeText = new();

    public static string TypeName(MeetingEvent e) => e.GetType().Name;

    /// <summary>The payload to store and hash, and the sealed free text to keep beside it (null when the event has none).</summary>
    public static (string Payload, IReadOnlyDictionary<string, SealedText>? Texts) Serialize(MeetingEvent e)
    {
        var fields = FreeTextFields(e.GetType());
        if (fields.Length == 0) return (JsonSerializer.Serialize(e, e.GetType(), Options), null);
        var payload = JsonSerializer.SerializeToNode(e, e.GetType(), Options)!.AsObject();
        var texts = new Dictionary<string, SealedText>();
        foreach (var (property, field) in fields)
        {
            if (property.GetValue(e) is not string text) continue;
            var sealedText = SealedText.Seal(text);
            payload[field] = sealedText.Commitment;
            texts[field] = sealedText;
        }
        return (payload.ToJsonString(Options), texts);
    }

    /// <summary>An event as stored, its free text put back from the texts kept beside it.</summary>
    public static MeetingEvent Deserialize(JournalEntry entry)
    {
        var type = TypeOf(entry.Type);
        var fields = FreeTextFields(type);
        if (fields.Length == 0) return Deserialize(type, entry.Payload);
        var payload = JsonNode.Parse(entry.Payload)!.AsObject();
        foreach (var (_, field) in fields)
            if (payload[field] is not null)
                payload[field] = entry.Texts?.GetValueOrDefault(field)?.Text
                    ?? throw new InvalidOperationException($"The text behind '{field}' of event {entry.Sequence} of meeting {entry.MeetingId} is missing.");
        return (MeetingEvent)(payload.Deserialize(type, Options) ?? throw new InvalidOperationException($"Empty journal event of type '{entry.Type}'."));
    }

    /// <summary>An event from a payload that holds its free text in place: how the first hash rule stored events.</summary>
    public static MeetingEvent DeserializeUnsealed(string type, string payload) => Deserialize(TypeOf(type), payload);

    private static MeetingEvent Deserialize(Type type, string payload) =>
        (MeetingEvent)(JsonSerializer.Deserialize(payload, type, Options) ?? throw new InvalidOperationException($"Empty journal event of type '{type.Name}'."));

    private static Type TypeOf(string type) =>
        Types.GetValueOrDefault(type) ?? throw new InvalidOperationException($"Unknown journal event type '{type}'.");

    /// <summary>The free-text properties of an event type and their names in the payload.</summary>
    public static (PropertyInfo Property, string Field)[] FreeTextFields(Type type) =>
        FreeText.GetOrAdd(type, t => [.. t.GetProperties()
            .Where(p => p.GetCustomAttribute<FreeTextAttribute>() is not null)
            .Select(p => (p, Options.PropertyNamingPolicy!.ConvertName(p.Name)))]);
}
