using System.Text;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Live;

namespace Meetings.Tests.Live;

/// <summary>The shared snapshot with each answer's own time: written whole, without a copy of the snapshot per answer.</summary>
public class RawJsonTests
{
    [Test]
    public void WithTime_IsWrittenAsTheSharedJson_WithTheTimeInPlace()
    {
        var time = DateTimeOffset.UtcNow;
        var shared = Encoding.UTF8.GetBytes("{\"speakers\":[{\"id\":1}],\"serverTime\":null,\"sequence\":7}");
        var at = Encoding.UTF8.GetString(shared).IndexOf("null", StringComparison.Ordinal);

        var answer = RawJson.WithTime(shared, at, at + "null".Length, time);

        var expected = $"{{\"speakers\":[{{\"id\":1}}],\"serverTime\":{JsonSerializer.Serialize(time, LiveJson.Options)},\"sequence\":7}}";
        Assert.Multiple(() =>
        {
            Assert.That(JsonSerializer.Serialize(new { snapshot = answer }), Is.EqualTo($"{{\"snapshot\":{expected}}}"));
            Assert.That(Encoding.UTF8.GetString(answer.Utf8), Is.EqualTo(expected));
        });
    }

    [Test]
    public void WithTime_DoesNotCopyTheSharedJson()
    {
        var shared = Encoding.UTF8.GetBytes("{\"serverTime\":null,\"speakers\":[" + string.Join(",", Enumerable.Repeat("{\"id\":1}", 100_000)) + "]}");
        var at = "{\"serverTime\":".Length;
        RawJson.WithTime(shared, at, at + "null".Length, DateTimeOffset.UtcNow); // the first call's one-time costs

        var before = GC.GetAllocatedBytesForCurrentThread();
        RawJson.WithTime(shared, at, at + "null".Length, DateTimeOffset.UtcNow.AddSeconds(1));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.LessThan(4_096), $"the shared JSON is {shared.Length:N0} bytes");
    }
}
