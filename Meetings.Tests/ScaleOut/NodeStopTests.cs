using System.Collections.Concurrent;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Meetings.Tests.ScaleOut;

/// <summary>
/// Stopping one node loses nothing it acknowledged. Two server processes on one database and one real Redis; a clerk
/// on node A adds speakers from four callers at once, as fast as A acknowledges them, and A is killed (SIGKILL)
/// under them. Node B serves every acknowledged speaker, in its journal and on the screen of a viewer who was on B
/// all along.
/// </summary>
[NonParallelizable]
public class NodeStopTests
{
    [Test]
    public async Task NodeAIsKilledMidCommand_EveryCommandItAcknowledged_IsServedByNodeB_AndReachesItsViewer()
    {
        using var redis = await RedisServer.StartAsync();
        var redisSetting = RedisServer.Settings($"127.0.0.1:{redis.Port}").Single();
        string[] settings = [$"--{redisSetting.Key}", redisSetting.Value!];
        var folder = TestHost.NewFolder();
        await using var a = await ServerProcess.StartAsync(folder, settings);
        await using var b = await ServerProcess.StartAsync(folder, settings);
        var (http, clerk) = await a.SignInAsClerkAsync();
        await using var _ = clerk;
        var meeting = await http.DemoMeeting();
        var (meetingId, itemId) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await clerk.InvokeAsync<CommandAck>("StartMeeting", meetingId);
        await clerk.InvokeAsync<CommandAck>("OpenItem", meetingId, itemId);
        await clerk.InvokeAsync<CommandAck>("OpenPublicComment", meetingId, itemId);
        await using var viewerOnB = await LiveClient.ConnectAsync(b.Address, null, "viewer on B", meetingId);

        var acknowledged = new ConcurrentDictionary<Guid, byte>();
        var callers = Enumerable.Range(0, 4).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; ; i++)
            {
                try { acknowledged[await clerk.InvokeAsync<Guid>("AddRoomSpeaker", meetingId, itemId, $"Card {caller}.{i}", null, false)] = 0; }
                catch (Exception) when (a.Killed) { return; }
            }
        })).ToList();
        await Wait.Until(() => acknowledged.Count >= 100, "a hundred speakers acknowledged by node A");
        a.Kill();
        await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));

        var journal = new List<JournalEventDto>();
        var anyone = b.Client();
        for (List<JournalEventDto> page; (page = await anyone.Get<List<JournalEventDto>>($"/api/meetings/{meetingId}/journal?after={journal.LastOrDefault()?.Sequence ?? 0}")).Count > 0;)
            journal.AddRange(page);
        var inJournal = journal.Where(e => e.Type == "SpeakerSignedUp").Select(e => e.Payload.GetProperty("entryId").GetGuid()).ToHashSet();
        Assert.That(acknowledged.Keys.Where(id => !inJournal.Contains(id)), Is.Empty, "every speaker node A acknowledged is in the journal node B serves");

        var seen = await viewerOnB.WaitForSequence(journal[^1].Sequence);
        var onScreen = seen.Speakers.Select(s => s.Id).ToHashSet();
        Assert.That(acknowledged.Keys.Where(id => !onScreen.Contains(id)), Is.Empty, "the viewer on node B holds every acknowledged speaker");
        Assert.That(viewerOnB.PatchesFailed, Is.Zero);
    }
}
