using System.Text.Json;
using System.Text.Json.Nodes;
using Meetings.Client.Services;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meetings.Tests.Live;

/// <summary>
/// A screen coming back says which sequence it holds (<c>Rejoin</c>) and gets one update from there to now instead of
/// the whole meeting; it ends up holding exactly what a fresh <c>Join</c> gives.
/// </summary>
public class RejoinTests
{
    private TestHost _host = null!;
    private LiveClient _clerk = null!;
    private Guid _id, _item;

    [SetUp]
    public async Task OpenPublicComment()
    {
        _host = new TestHost();
        var meeting = await (await _host.SignInAsync(Demo.Clerk)).DemoMeeting();
        (_id, _item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        _clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _id);
        await _clerk.OpenPublicComment(_id, _item);
    }

    [TearDown]
    public async Task Stop()
    {
        await _clerk.DisposeAsync();
        _host.Dispose();
    }

    [Test]
    public async Task AScreenThatMissedChanges_GetsOnePatchFromWhatItHolds_AndHoldsWhatAJoinGives()
    {
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", _id);
        var held = JsonNode.Parse((await viewer.Connection.InvokeAsync<JsonElement>("Join", _id, null)).GetProperty("snapshot").GetRawText())!;
        var cards = new List<Guid>();
        for (var i = 0; i < 3; i++) cards.Add(await _clerk.Invoke<Guid>("AddRoomSpeaker", _id, _item, $"Card {i}", null, false));
        await _clerk.Do("HideSpeakerName", _id, cards[1], "Not a name");
        var now = (await _clerk.Do("CallNextSpeaker", _id, _item)).Sequence;
        // A rejoin is answered from the snapshot every screen shares, which follows the commit: once this screen has
        // been sent the change, that snapshot holds it too.
        await viewer.WaitForSequence(now);

        var answer = await viewer.Connection.InvokeAsync<JsonElement>("Rejoin", _id, null, held["sequence"]!.GetValue<long>());
        var whole = JsonNode.Parse((await viewer.Connection.InvokeAsync<JsonElement>("Join", _id, null)).GetProperty("snapshot").GetRawText())!;

        Assert.That(answer.GetProperty("snapshot").ValueKind, Is.EqualTo(JsonValueKind.Null), "no whole meeting");
        var update = answer.GetProperty("update");
        Assert.That((update.GetProperty("from").GetInt64(), update.GetProperty("sequence").GetInt64()), Is.EqualTo((held["sequence"]!.GetValue<long>(), now)));
        Assert.That(update.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()),
            Is.EqualTo(Enumerable.Range((int)held["sequence"]!.GetValue<long>() + 1, (int)(now - held["sequence"]!.GetValue<long>())).Select(s => (long)s)));
        var patched = JsonPatch.Apply(held, update.GetProperty("patch"))!;
        Assert.That(Snapshots.Canonical(patched), Is.EqualTo(Snapshots.Canonical(whole)), "the patch brings the screen to the meeting as a join gives it");
        Assert.That(patched.ToJsonString(), Does.Not.Contain("Card 1"), "the hidden name is in no patch");
        Assert.That(patched["serverTime"]!.GetValue<DateTimeOffset>(), Is.EqualTo(_host.Clock.GetUtcNow()), "stamped with the server's time now");
    }

    [Test]
    public async Task AScreenThatMissedNothing_GetsAnEmptyUpdate_WithTheServersTimeNow()
    {
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", _id);
        var sequence = viewer.Snapshot.Sequence;
        _host.Clock.Advance(TimeSpan.FromMinutes(5));

        var update = (await viewer.Connection.InvokeAsync<JsonElement>("Rejoin", _id, null, sequence)).GetProperty("update");

        Assert.That((update.GetProperty("from").GetInt64(), update.GetProperty("sequence").GetInt64()), Is.EqualTo((sequence, sequence)));
        Assert.That(update.GetProperty("events").GetArrayLength(), Is.Zero);
        Assert.That(update.GetProperty("patch").EnumerateArray().Select(op => op.GetProperty("path").GetString()), Is.EqualTo(new[] { "/serverTime" }));
        Assert.That(update.GetProperty("patch")[0].GetProperty("value").GetDateTimeOffset(), Is.EqualTo(_host.Clock.GetUtcNow()));
    }

    [Test]
    public async Task ScreensHoldingManyDifferentSequences_BeyondEight_GetTheWholeMeeting()
    {
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", _id);
        var now = await CardsThenNextSpeakerAsync(viewer, 10);
        Task<bool> Patched(long held) => PatchedAsync(viewer, held);

        var first = new List<bool>();
        for (var held = now - 1; held >= now - ReturningScreens.MostHeldPerState; held--) first.Add(await Patched(held));
        Assert.That(first, Is.All.True, "eight different places are each worked out");
        Assert.That(await Patched(now - ReturningScreens.MostHeldPerState - 1), Is.False, "a ninth gets the whole meeting, which is shared");
        Assert.That(await Patched(now - 1), Is.True, "one already worked out is still answered with its update");
    }

    [Test]
    public async Task WhatWasWorkedOut_IsKeptAMinute_ThenDropped()
    {
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", _id);
        var now = await CardsThenNextSpeakerAsync(viewer, 10);
        Task<bool> Patched(long held) => PatchedAsync(viewer, held);
        for (var held = now - 1; held >= now - ReturningScreens.MostHeldPerState; held--) Assert.That(await Patched(held), Is.True);
        var ninth = now - ReturningScreens.MostHeldPerState - 1;
        Assert.That(await Patched(ninth), Is.False, "eight are kept for this state of the meeting");

        _host.Clock.Advance(ReturningScreens.KeptFor + TimeSpan.FromSeconds(1));

        Assert.That(await Patched(ninth), Is.True, "a minute on, the meeting unchanged, the eight were dropped and the ninth is worked out");
    }

    [Test]
    public async Task BeyondTheMostKeptOverAllMeetings_AScreenGetsTheWholeMeeting()
    {
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", _id);
        var now = await CardsThenNextSpeakerAsync(viewer, 3);
        var shared = _host.Services.GetRequiredService<MeetingBroadcaster>().Current(_id)!;
        var returning = new ReturningScreens(_host.Services.GetRequiredService<Meetings.Server.Meetings.MeetingStore>(),
            _host.Services.GetRequiredService<IServiceScopeFactory>(), _host.Clock, NullLogger<ReturningScreens>.Instance) { MostKept = 2 };
        var time = _host.Clock.GetUtcNow();

        Assert.That(await returning.SinceAsync(_id, now - 1, shared, time, () => true), Is.Not.Null);
        Assert.That(await returning.SinceAsync(_id, now - 2, shared, time, () => true), Is.Not.Null);
        Assert.That(await returning.SinceAsync(_id, now - 3, shared, time, () => true), Is.Null, "a third is not kept: that screen gets the whole meeting");
        Assert.That(await returning.SinceAsync(_id, now - 1, shared, time, () => true), Is.Not.Null, "one kept is still answered from");
    }

    [TestCase(0L)]
    [TestCase(1_000_000L)]
    public async Task ASequenceTheServerCannotPatchFrom_GetsTheWholeMeeting(long held)
    {
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", _id);

        var answer = await viewer.Connection.InvokeAsync<JsonElement>("Rejoin", _id, null, held);

        Assert.That(answer.GetProperty("update").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(answer.GetProperty("snapshot").GetProperty("sequence").GetInt64(), Is.EqualTo(viewer.Snapshot.Sequence));
    }

    /// <summary>Adds room cards, calls the next speaker, and waits until the viewer has it: the sequence then.</summary>
    private async Task<long> CardsThenNextSpeakerAsync(LiveClient viewer, int cards)
    {
        for (var i = 0; i < cards; i++) await _clerk.Invoke<Guid>("AddRoomSpeaker", _id, _item, $"Card {i}", null, false);
        var now = (await _clerk.Do("CallNextSpeaker", _id, _item)).Sequence;
        await viewer.WaitForSequence(now);
        return now;
    }

    /// <summary>Whether a rejoin from <paramref name="held"/> is answered with an update (else with the whole meeting).</summary>
    private async Task<bool> PatchedAsync(LiveClient viewer, long held) =>
        (await viewer.Connection.InvokeAsync<JsonElement>("Rejoin", _id, null, held)).GetProperty("update").ValueKind != JsonValueKind.Null;
}
