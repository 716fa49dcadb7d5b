using System.Collections.Concurrent;

namespace Meetings.Server.Minutes;

/// <summary>Minutes as sent: the body, its content type, and the file name a download is saved under (PDF only).</summary>
public sealed record RenderedMinutes(byte[] Body, string ContentType, string? FileName);

/// <summary>
/// Approved minutes as rendered, per version, format and language. An approved version never changes, so however many
/// ask for one (its PDF above all), it is laid out and rendered once while it is kept. Each request still reads the
/// version's stored text and checks it against the journal's hash before the rendering is sent; drafts are rendered
/// afresh every time.
/// </summary>
public sealed class MinutesRenderings
{
    /// <summary>How many renderings are kept (a long meeting's PDF is a few hundred KB); the one asked for least recently goes first.</summary>
    public const int Kept = 64;

    private readonly ConcurrentDictionary<(Guid, int, string, string), Rendering> _kept = new();
    private long _uses;
    private int _made;

    /// <summary>For tests and benchmarks: how many approved renderings were made.</summary>
    public int Made => Volatile.Read(ref _made);

    public async Task<RenderedMinutes> GetAsync(Guid meetingId, int version, string format, string language, Func<RenderedMinutes> render)
    {
        var key = (meetingId, version, format, language);
        // Of several asking at once, one renders and the others wait for it (a Lazy that loses the race is never started).
        var rendering = _kept.GetOrAdd(key, _ => new Rendering(new(() => Task.Run(() =>
        {
            Interlocked.Increment(ref _made);
            return render();
        }))));
        rendering.LastUse = Interlocked.Increment(ref _uses);
        try
        {
            var rendered = await rendering.Minutes.Value;
            if (_kept.Count > Kept) _kept.TryRemove(_kept.Where(k => k.Key != key).MinBy(k => k.Value.LastUse));
            return rendered;
        }
        catch
        {
            _kept.TryRemove(new(key, rendering));
            throw;
        }
    }

    private sealed class Rendering(Lazy<Task<RenderedMinutes>> minutes)
    {
        public Lazy<Task<RenderedMinutes>> Minutes { get; } = minutes;
        public long LastUse;
    }
}
