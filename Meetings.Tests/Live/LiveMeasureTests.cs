using System.Diagnostics;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Live;

/// <summary>
/// Not part of the suite (speed is measured, never asserted): a quick bounded loopback measure of what a sign-up costs with
/// fifty screens watching, and the bytes of its update, at 200 and at 1,000 speakers. Run it by name:
/// <c>dotnet test Meetings.Tests --filter "FullyQualifiedName~LiveMeasureTests"</c>; it prints its figures.
/// </summary>
[Explicit("a measurement, run by hand or by infra/bench.sh")]
public class LiveMeasureTests
{
    [Test]
    public async Task SignUps_WithFiftyScreensWatching()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await clerk.OpenPublicComment(id, item);
        await using var screens = new LiveCrowd();
        for (var i = 0; i < 50; i++) screens.Add(await LiveClient.ConnectAsync(host, null, $"screen {i}", id));
        var added = 0;
        foreach (var size in new[] { 200, 1000 })
        {
            for (; added < size - 100; added++) await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card speaker {added:D4}", null, false);
            var times = new List<double>();
            for (var i = 0; i < 100; i++, added++)
            {
                var watch = Stopwatch.StartNew();
                await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card speaker {added:D4}", null, false);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            var last = screens[^1];
            await last.WaitUntil(s => s.Speakers.Count == added, $"{added} speakers");
            await Task.WhenAll(screens.Select(s => s.WaitUntil(x => x.Speakers.Count == added, $"{added} speakers")));
            times.Sort();
            var bytes = last.Updates[^1].Bytes;
            TestContext.Out.WriteLine($"{added} speakers, 50 screens: sign-up p50 {times[49]:F1} ms, p99 {times[98]:F1} ms; update {bytes} bytes");
        }
    }
}
