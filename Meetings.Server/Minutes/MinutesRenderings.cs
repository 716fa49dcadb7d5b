using Microsoft.Extensions.Caching.Memory;

namespace Meetings.Server.Minutes;

/// <summary>Minutes as sent: the body, its content type, and the file name a download is saved under (PDF only).</summary>
public sealed record RenderedMinutes(byte[] Body, string ContentType, string? FileName);

/// <summary>
/// Approved minutes as rendered, per version, format and language. An approved version never changes, so however many
/// ask for one (its PDF above all), it is laid out and rendered once while it is kept. Each request still reads the
/// version's stored text and checks it against the journal's hash before the rendering is sent; drafts are rendered
/// afresh every time.
/// </summary>
public sealed class MinutesRenderings : IDisposable
{
    /// <summary>How many renderings are kept (a long meeting's PDF is a few hundred KB); the cache drops some when full.</summary>
    public const int Kept = 64;

    private readonly MemoryCache _kept = new(new MemoryCacheOptions { SizeLimit = Kept });
    private int _made;

    /// <summary>For tests and benchmarks: how many approved renderings were made.</summary>
    public int Made => Volatile.Read(ref _made);

    public async Task<RenderedMinutes> GetAsync(Guid meetingId, int version, string format, string language, Func<RenderedMinutes> render)
    {
        var key = (meetingId, version, format, language);
        // Lazy: of several asking at once, one renders and the others wait for it.
        var rendering = _kept.GetOrCreate(key, entry =>
        {
            entry.Size = 1;
            return new Lazy<Task<RenderedMinutes>>(() => Task.Run(() =>
            {
                Interlocked.Increment(ref _made);
                return render();
            }));
        })!;
        try
        {
            return await rendering.Value;
        }
        catch
        {
            _kept.Remove(key);
            throw;
        }
    }

    public void Dispose() => _kept.Dispose();
}
