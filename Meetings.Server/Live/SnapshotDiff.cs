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

    /// <summary>
    /// Removes what is gone (from the end, so indexes hold). Then the elements whose order did not change stay where
    /// they are (the longest run of them in their old order), and each other element is moved once, or added, just
    /// before the element that follows it in the new order, walking that order from its end: moving one speaker any
    /// distance is one <c>move</c> (pulling each passed speaker forward instead made one for each: 999 to move the first
    /// of a thousand to the end, 60 KB to every screen; review, 2026-11-29). Last, each element that was there before is
    /// compared with what it is now, at its final place.
    /// </summary>
    private static void CompareByKey(JsonElement a, JsonElement b, string key, string path, Ops ops)
    {
        var before = new Dictionary<string, JsonElement>();
        foreach (var e in a.EnumerateArray()) before[e.GetProperty(key).GetString()!] = e;
        var after = b.EnumerateArray().ToList();
        var wanted = after.Select(e => e.GetProperty(key).GetString()!).ToList();
        var kept = wanted.ToHashSet();
        var current = a.EnumerateArray().Select(e => e.GetProperty(key).GetString()!).ToList();
        for (var i = current.Count - 1; i >= 0; i--)
            if (!kept.Contains(current[i]))
            {
                ops.Add("remove", $"{path}/{i}");
                current.RemoveAt(i);
            }
        var staying = InOrder(current, wanted);
        for (var i = wanted.Count - 1; i >= 0; i--)
        {
            var id = wanted[i];
            if (staying.Contains(id)) continue;
            var from = current.IndexOf(id);
            if (from >= 0) current.RemoveAt(from);
            var to = i + 1 < wanted.Count ? current.IndexOf(wanted[i + 1]) : current.Count;
            current.Insert(to, id);
            if (from < 0) ops.Add("add", $"{path}/{to}", after[i]);
            else if (from != to) ops.Add("move", $"{path}/{to}", from: $"{path}/{from}");
        }
        for (var i = 0; i < after.Count; i++)
            if (before.TryGetValue(wanted[i], out var was)) Compare(was, after[i], $"{path}/{i}", ops);
    }

    /// <summary>
    /// The most elements of <paramref name="current"/> that are in <paramref name="wanted"/> in the same order: a longest
    /// increasing run of their places in <paramref name="current"/>, taken in the order of <paramref name="wanted"/>.
    /// </summary>
    private static HashSet<string> InOrder(List<string> current, List<string> wanted)
    {
        var place = new Dictionary<string, int>(current.Count);
        for (var i = 0; i < current.Count; i++) place[current[i]] = i;
        List<int> places = [.. wanted.Where(place.ContainsKey).Select(id => place[id])];
        // Patience sorting: ends[k] is the index into places of the smallest end of a run k + 1 long; back links rebuild it.
        var ends = new List<int>();
        var back = new int[places.Count];
        for (var i = 0; i < places.Count; i++)
        {
            int lo = 0, hi = ends.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (places[ends[mid]] < places[i]) lo = mid + 1;
                else hi = mid;
            }
            back[i] = lo > 0 ? ends[lo - 1] : -1;
            if (lo == ends.Count) ends.Add(i);
            else ends[lo] = i;
        }
        var staying = new HashSet<string>();
        for (var i = ends.Count > 0 ? ends[^1] : -1; i >= 0; i = back[i]) staying.Add(current[places[i]]);
        return staying;
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
