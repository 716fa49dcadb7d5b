using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meetings.Server.Live;

/// <summary>JSON already written once (a snapshot, an update), copied as it is wherever it is serialized again.</summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed class RawJson(byte[] utf8)
{
    public byte[] Utf8 { get; } = utf8;

    /// <summary>
    /// <paramref name="json"/> with the value between <paramref name="start"/> and <paramref name="end"/> replaced by
    /// <paramref name="time"/>: how JSON shared by many answers gets the server's time of each.
    /// </summary>
    public static RawJson WithTime(byte[] json, int start, int end, DateTimeOffset time)
    {
        var stamp = JsonSerializer.SerializeToUtf8Bytes(time, global::Meetings.Client.Contracts.LiveJson.Options);
        var bytes = new byte[start + stamp.Length + json.Length - end];
        json.AsSpan(0, start).CopyTo(bytes);
        stamp.CopyTo(bytes.AsSpan(start));
        json.AsSpan(end).CopyTo(bytes.AsSpan(start + stamp.Length));
        return new RawJson(bytes);
    }

    private sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("RawJson is written, never read.");

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8, skipInputValidation: true);
    }
}
