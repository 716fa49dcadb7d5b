using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meetings.Server.Live;

/// <summary>
/// JSON already written once (a snapshot, an update), copied as it is wherever it is serialized again. It may be held in
/// pieces: JSON shared by many answers, with each answer's own time in the middle, is never copied whole for one answer.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed class RawJson
{
    private readonly ReadOnlySequence<byte> _json;
    private readonly byte[]? _whole;

    public RawJson(byte[] utf8) => (_json, _whole) = (new ReadOnlySequence<byte>(utf8), utf8);

    private RawJson(ReadOnlySequence<byte> json) => _json = json;

    /// <summary>The JSON in one array: the array it was made from, or a copy of its pieces (for reading it, not sending it).</summary>
    public byte[] Utf8 => _whole ?? _json.ToArray();

    /// <summary>
    /// The JSON parsed from its pieces, without a new array the size of all of them (which would be on the large object
    /// heap): the parser copies pieces into an array it rents from the shared pool and gives back when disposed.
    /// </summary>
    public JsonDocument Parse() => JsonDocument.Parse(_json);

    /// <summary>
    /// <paramref name="json"/> with the value between <paramref name="start"/> and <paramref name="end"/> replaced by
    /// <paramref name="time"/>: how JSON shared by many answers gets the server's time of each. The shared bytes are not
    /// copied (a hearing's snapshot is megabytes, asked for by every screen that joins or catches up).
    /// </summary>
    public static RawJson WithTime(byte[] json, int start, int end, DateTimeOffset time)
    {
        var stamp = JsonSerializer.SerializeToUtf8Bytes(time, global::Meetings.Client.Contracts.LiveJson.Options);
        var first = new Piece(json.AsMemory(0, start), 0);
        var last = first.Then(stamp).Then(json.AsMemory(end));
        return new RawJson(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));
    }

    private sealed class Piece : ReadOnlySequenceSegment<byte>
    {
        public Piece(ReadOnlyMemory<byte> bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Piece Then(ReadOnlyMemory<byte> bytes)
        {
            var next = new Piece(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    private sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("RawJson is written, never read.");

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value._json, skipInputValidation: true);
    }
}
