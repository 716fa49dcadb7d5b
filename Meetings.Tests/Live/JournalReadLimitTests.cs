using System.Net;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Meetings.Server.Meetings;

namespace Meetings.Tests.Live;

/// <summary>
/// The watching that reads a meeting's journal for one caller (a catch-up from far back, a rejoin from a sequence no
/// other screen holds, loading a meeting no screen here follows) is counted per address, however many connections the
/// address opens; watching that costs no read is not. The host's clock stands still, so nothing grows back unless a
/// test moves it.
/// </summary>
public class JournalReadLimitTests
{
    private TestHost _host = null!;
    private HttpClient _clerkHttp = null!;
    private LiveClient _clerk = null!;
    private Guid _id;
    private long _now;
    private readonly List<HubConnection> _connections = [];

    [SetUp]
    public async Task AHearingLongerThanASmallCatchUp()
    {
        _host = new TestHost();
        _clerkHttp = await _host.SignInAsync(Demo.Clerk);
        var meeting = await _clerkHttp.DemoMeeting();
        _id = meeting.Meeting.Id;
        _clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _id);
        await _clerk.OpenPublicComment(_id, meeting.Agenda[2].Id);
        for (var i = 0; i <= JournalReadLimits.SmallCatchUp; i++) await _clerk.Invoke<Guid>("AddRoomSpeaker", _id, meeting.Agenda[2].Id, $"Card {i}", null, false);
        _now = (await _clerk.Do("CallNextSpeaker", _id, meeting.Agenda[2].Id)).Sequence;
        await _clerk.WaitForSequence(_now);
    }

    [TearDown]
    public async Task Stop()
    {
        await Task.WhenAll(_connections.Select(c => c.DisposeAsync().AsTask()));
        await _clerk.DisposeAsync();
        _clerkHttp.Dispose();
        _host.Dispose();
    }

    [Test]
    public async Task CatchingUpFromTheStart_OverManyConnectionsOfOneAddress_IsServedItsBurst_ThenTheMeetingWithoutTheEvents()
    {
        var viewers = await ViewersAsync(10);
        var served = 0;
        for (var i = 0; i < JournalReadLimits.Burst; i++)
            if ((await viewers[i % viewers.Count].InvokeAsync<CatchUp>("EventsAfter", _id, 0L)).Events.Count > JournalReadLimits.SmallCatchUp) served++;

        Assert.That(served, Is.EqualTo(JournalReadLimits.Burst), "the address's burst, spread over ten connections");
        var past = await viewers[3].InvokeAsync<CatchUp>("EventsAfter", _id, 0L);
        Assert.That((past.Events.Count, past.EventsLeftOut, past.Snapshot.Sequence), Is.EqualTo((0, true, _now)), "the meeting as it is, the events left out");
        var fresh = (await ViewersAsync(1))[0];
        Assert.That((await fresh.InvokeAsync<CatchUp>("EventsAfter", _id, 0L)).EventsLeftOut, Is.True, "a new connection is the same address");
        var small = await viewers[0].InvokeAsync<CatchUp>("EventsAfter", _id, _now - 5);
        Assert.That((small.Events.Count, small.EventsLeftOut), Is.EqualTo((5, false)), "a screen that missed a few is answered in full");
        Assert.That((await _clerk.Invoke<CatchUp>("EventsAfter", _id, 0L)).Events, Has.Count.GreaterThan(JournalReadLimits.SmallCatchUp), "staff are not counted");

        _host.Clock.Advance(TimeSpan.FromSeconds(1 / JournalReadLimits.PerSecond));
        Assert.That((await viewers[0].InvokeAsync<CatchUp>("EventsAfter", _id, 0L)).Events, Has.Count.GreaterThan(JournalReadLimits.SmallCatchUp), "one more a second");
    }

    [Test]
    public async Task RejoiningFromASequenceNotWorkedOut_OnceTheAddressHasUsedItsReads_GetsTheSharedSnapshot()
    {
        var viewers = await ViewersAsync(1);
        await SpendTheBurstAsync();

        var answer = await viewers[0].InvokeAsync<JsonElement>("Rejoin", _id, null, _now - 3);

        Assert.That(answer.GetProperty("update").ValueKind, Is.EqualTo(JsonValueKind.Null), "nothing worked out for it");
        Assert.That(answer.GetProperty("snapshot").GetProperty("sequence").GetInt64(), Is.EqualTo(_now), "the whole meeting, which every screen shares");
        var clerkBack = await _clerk.Connection.InvokeAsync<JsonElement>("Rejoin", _id, null, _now - 3);
        Assert.That(clerkBack.GetProperty("update").GetProperty("from").GetInt64(), Is.EqualTo(_now - 3), "staff are not counted");
        var again = await viewers[0].InvokeAsync<JsonElement>("Rejoin", _id, null, _now - 3);
        Assert.That(again.GetProperty("update").GetProperty("from").GetInt64(), Is.EqualTo(_now - 3), "one worked out already costs no read");
    }

    [Test]
    public async Task JoiningAMeetingNoScreenFollows_OnceTheAddressHasUsedItsReads_IsRefused_AFollowedOneIsNot()
    {
        var viewers = await ViewersAsync(1);
        var other = (await _clerkHttp.ScheduleMeeting((await _clerkHttp.DemoBody()).Id, "Special Meeting on the Harbor Dredging",
            Dates.DaysAfter(_host.Clock.GetUtcNow(), 30), publish: true)).Meeting.Id;
        await SpendTheBurstAsync();

        var refused = Assert.ThrowsAsync<HubException>(() => viewers[0].InvokeAsync<JoinResult>("Join", other, null));
        Assert.That(refused!.Message, Does.Contain(HubGuards.TooMany));
        Assert.That((await viewers[0].InvokeAsync<JoinResult>("Join", _id, null)).Snapshot.Sequence, Is.EqualTo(_now), "a meeting followed here costs no read");

        var store = _host.Services.GetRequiredService<MeetingStore>();
        store.Sweep(DateTimeOffset.MaxValue, kept: m => m == _id);
        Assert.That(store.Holds(other), Is.False, "the store let go of it, as after ten minutes unused");
        Assert.That(Assert.ThrowsAsync<HubException>(() => viewers[0].InvokeAsync<JoinResult>("Join", other, null))!.Message, Does.Contain(HubGuards.TooMany),
            "loading it from its whole journal is counted too");
        Assert.That(Assert.ThrowsAsync<HubException>(() => viewers[0].InvokeAsync<CommandAck>("WithdrawSignUp", other, "a-resident-token-of-a-screen", Guid.NewGuid()))!.Message,
            Does.Contain(HubGuards.TooMany), "and so is a resident's command on it");
        Assert.That(Assert.ThrowsAsync<HubException>(() => viewers[0].InvokeAsync<CommandAck>("WithdrawSignUp", _id, "a-resident-token-of-a-screen", Guid.NewGuid()))!.Message,
            Does.Not.Contain(HubGuards.TooMany), "not one on a meeting held here: that is only refused by the meeting's rules");

        await using var clerkThere = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk there", other);
        Assert.That((await viewers[0].InvokeAsync<JoinResult>("Join", other, null)).Snapshot.Meeting.Id, Is.EqualTo(other), "once the clerk's join loaded it, neither");
    }

    private async Task<List<HubConnection>> ViewersAsync(int count)
    {
        List<HubConnection> viewers = [.. Enumerable.Range(0, count).Select(_ => _host.AnonymousHub())];
        _connections.AddRange(viewers);
        await Task.WhenAll(viewers.Select(v => v.StartAsync()));
        return viewers;
    }

    /// <summary>Catches up from the start until the address's reads are used, over connections of their own (each connection may watch twenty times at once).</summary>
    private async Task SpendTheBurstAsync()
    {
        var spenders = await ViewersAsync(5);
        for (var i = 0; i < JournalReadLimits.Burst; i++) await spenders[i % spenders.Count].InvokeAsync<CatchUp>("EventsAfter", _id, 0L);
        Assert.That((await spenders[0].InvokeAsync<CatchUp>("EventsAfter", _id, 0L)).EventsLeftOut, Is.True, "the address's reads are used");
    }
}
