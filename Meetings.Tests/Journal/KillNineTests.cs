using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Journal;

/// <summary>
/// Nothing acknowledged is lost when the server is killed outright. The real server runs as a process of its own on
/// a SQLite file; a clerk's commands stream into it from four callers at once; it is killed with SIGKILL while
/// commands are in flight, started again on the same file, and every command that was acknowledged must be in the
/// journal, whose chain still verifies. Three kills; the counts go to <c>artifacts/crash-summary.txt</c> for the README.
/// </summary>
[NonParallelizable]
public class KillNineTests
{
    private const int Kills = 3;

    [Test]
    public async Task KilledThreeTimesMidCommand_EveryAcknowledgedCommandIsInTheJournal_AndTheChainVerifies()
    {
        var folder = TestHost.NewFolder();
        var acknowledged = new ConcurrentDictionary<Guid, int>();
        var inFlightAtKill = 0;
        Guid meetingId = default, itemId = default;
        for (var kill = 1; kill <= Kills; kill++)
        {
            await using var server = await ServerProcess.StartAsync(folder);
            var (http, hub) = await server.SignInAsClerkAsync();
            await using var _ = hub;
            if (kill == 1)
            {
                var meeting = await http.DemoMeeting();
                (meetingId, itemId) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
                await hub.InvokeAsync<CommandAck>("StartMeeting", meetingId);
                await hub.InvokeAsync<CommandAck>("OpenItem", meetingId, itemId);
                await hub.InvokeAsync<CommandAck>("OpenPublicComment", meetingId, itemId);
            }

            // Four callers add room cards as fast as the server acknowledges them, until it is killed under them.
            var before = acknowledged.Count;
            var sent = 0;
            var callers = Enumerable.Range(0, 4).Select(caller => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    Interlocked.Increment(ref sent);
                    try { acknowledged[await hub.InvokeAsync<Guid>("AddRoomSpeaker", meetingId, itemId, $"Card {kill}.{caller}.{i}", null, false)] = kill; }
                    catch (Exception) when (server.Killed) { return; }
                }
            })).ToList();
            await Wait.Until(() => acknowledged.Count >= before + 100, "a hundred commands acknowledged before the kill");
            server.Kill();
            await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));
            inFlightAtKill += sent - (acknowledged.Count - before);
        }

        await using var last = await ServerProcess.StartAsync(folder);
        var anyone = last.Client();
        var signedUp = new HashSet<Guid>();
        var lastSequence = 0L;
        for (List<JournalEventDto> page; (page = await anyone.Get<List<JournalEventDto>>($"/api/meetings/{meetingId}/journal?after={lastSequence}")).Count > 0;)
        {
            signedUp.UnionWith(page.Where(e => e.Type == "SpeakerSignedUp").Select(e => e.Payload.GetProperty("entryId").GetGuid()));
            lastSequence = page[^1].Sequence;
        }
        var verified = await anyone.Get<JournalVerification>($"/api/meetings/{meetingId}/journal/verify");
        var found = acknowledged.Keys.Count(signedUp.Contains);

        await WriteSummary($"{DateTime.UtcNow:yyyy-MM-dd}: killed with SIGKILL {Kills} times mid-command; {acknowledged.Count} commands acknowledged, " +
            $"{found} found in the journal after restarts; {inFlightAtKill} in flight at the kills, {signedUp.Count - found} of them committed; " +
            $"journal of {verified.Events} events intact: {verified.Intact}");
        Assert.That(found, Is.EqualTo(acknowledged.Count), "every acknowledged command survived the kills");
        Assert.That(verified.Intact, Is.True);
        Assert.That(verified.HeadSequence, Is.EqualTo(lastSequence), "the verified chain is the journal served");
    }

    private static async Task WriteSummary(string line)
    {
        var folder = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "artifacts");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "crash-summary.txt"), line + Environment.NewLine);
        TestContext.Progress.WriteLine(line);
    }
}
