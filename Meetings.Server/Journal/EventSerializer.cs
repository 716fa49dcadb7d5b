using System.Text.Json;
using System.Text.Json.Serialization;
using Meetings.Server.Domain;

namespace Meetings.Server.Journal;

/// <summary>
/// Turns events into the journal's stored form and back: the event's type name and its JSON. Type names
/// are the record names of <see cref="MeetingEvent"/>; renaming one is a breaking change to stored data.
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

    public static string TypeName(MeetingEvent e) => e.GetType().Name;

    public static string Serialize(MeetingEvent e) => JsonSerializer.Serialize(e, e.GetType(), Options);

    public static MeetingEvent Deserialize(string type, string payload) =>
        (MeetingEvent)(JsonSerializer.Deserialize(payload, Types.GetValueOrDefault(type)
            ?? throw new InvalidOperationException($"Unknown journal event type '{type}'."), Options)
            ?? throw new InvalidOperationException($"Empty journal event of type '{type}'."));

    public static MeetingEvent Deserialize(JournalEntry entry) => Deserialize(entry.Type, entry.Payload);
}
