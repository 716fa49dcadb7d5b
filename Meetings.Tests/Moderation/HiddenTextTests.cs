using System.Net;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Tests.Moderation;

/// <summary>
/// What the clerk hides, replaces or has not released never reaches the public: not a viewer's snapshot or live
/// update, not a catch-up, not the public journal. The original stays on the record (the clerk's view and the
/// stored journal), and the chain still verifies.
/// </summary>
public class HiddenTextTests
{
    private const string Slur = "Xyzzy Slurword";

    private TestHost _host = null!;
    private HttpClient _clerkHttp = null!;
    private LiveClient _clerk = null!;
    private BodyDto _body = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = new TestHost();
        _body = await _host.Anonymous().DemoBody();
        _clerkHttp = await _host.SignInAsync(Demo.Clerk);
        _clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", (await _host.Anonymous().DemoMeeting()).Meeting.Id);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        await _clerk.DisposeAsync();
        _clerkHttp.Dispose();
        _host.Dispose();
    }

    /// <summary>A new meeting of <paramref name="bodyId"/> (the demo council by default), in session with public comment open on its one item.</summary>
    private async Task<(Guid Id, Guid Item)> InSession(Guid? bodyId = null)
    {
        var start = Dates.DaysAfter(_host.Clock.GetUtcNow(), 30);
        var meeting = await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(bodyId ?? _body.Id, "Special Meeting", "Special", start, "America/Los_Angeles", "Council Chambers"), HttpStatusCode.Created);
        var id = meeting.Meeting.Id;
        var agenda = await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda",
            new AgendaItemRequest("Park renovation", "PublicHearing", TakesPublicComment: true), HttpStatusCode.Created);
        await _clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/publish", new PublishRequest(), HttpStatusCode.OK);
        var item = agenda.Agenda.Single().Id;
        await _clerk.OpenPublicComment(id, item);
        return (id, item);
    }

    /// <summary>
    /// Everything made for the public from a meeting: the journal, a fresh viewer's snapshot and catch-up, the meeting's
    /// page data, every open-data export, and the minutes (the draft, as the clerk will approve and publish it).
    /// </summary>
    private async Task<string> EverythingPublic(Guid id)
    {
        var anonymous = _host.Anonymous();
        await using var fresh = await LiveClient.ConnectAsync(_host, null, "a fresh viewer", id);
        var catchUp = await fresh.Invoke<CatchUp>("EventsAfter", id, 0L);
        var served = new List<string> { JsonSerializer.Serialize(fresh.Joined), JsonSerializer.Serialize(catchUp) };
        foreach (var path in new[] { "journal", "", "exports/ocd-event", "exports/ocd-votes", "exports/legistar", "exports/votes.csv" })
            served.Add(await anonymous.GetStringAsync($"/api/meetings/{id}/{path}"));
        foreach (var format in new[] { "md", "html" })
            served.Add(await _clerkHttp.GetStringAsync($"/api/meetings/{id}/minutes?draft=true&format={format}"));
        return string.Join("\n", served);
    }

    private async Task<JournalVerification> Verify(Guid id) =>
        await _host.Anonymous().Get<JournalVerification>($"/api/meetings/{id}/journal/verify");

    [Test]
    public async Task AHiddenName_NeverReachesTheViewers_TheJournal_OrACatchUp_AndTheChainStillVerifies()
    {
        var (id, item) = await InSession();
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", id);
        var troll = await viewer.Invoke<Guid>("SignUpToSpeak", id, viewer.ResidentToken, new SignUpRequest(item, Slur));
        await viewer.WaitUntil(s => s.Speakers.Any(e => e.Name == Slur), "the name as given, before the clerk acts");
        Assert.That(await EverythingPublic(id), Does.Contain(Slur), "until the clerk acts, the name is public");

        await _clerk.Do("StartTurn", id, troll);
        await _clerk.Do("EndTurn", id);
        Assert.That(await EverythingPublic(id), Does.Contain(Slur), "the minutes list the speaker by the name given");
        var hidden = await _clerk.Do("HideSpeakerName", id, troll, "Not a name");

        var after = await viewer.WaitUntil(s => s.Sequence >= hidden.Sequence, "the name hidden");
        Assert.That(after.Speakers.Single().Name, Is.Null);
        Assert.That(JsonSerializer.Serialize(after), Does.Not.Contain(Slur));
        Assert.That(JsonSerializer.Serialize(viewer.Events.Where(e => e.Sequence >= hidden.Sequence)), Does.Not.Contain(Slur), "nor in the live update");
        Assert.That(viewer.Updates.Where(u => u.Update.Sequence >= hidden.Sequence).Select(u => u.Json), Is.Not.Empty.And.None.Contains(Slur),
            "nor in any update's patch, as sent");
        await _clerk.Do("Adjourn", id);
        Assert.That(await EverythingPublic(id), Does.Not.Contain(Slur));
        Assert.That((await Verify(id)).Intact, Is.True, "the chain verifies after the redaction");
        // Kept for the official record: the clerk sees it, and the journal keeps it beside the commitment.
        var moderation = await _clerk.Invoke<ModerationView>("Moderation", id);
        Assert.That(moderation.Speakers.Single(), Is.EqualTo(new ModeratedSpeaker(troll, item, "Web", Slur, null, true, "Not a name", false)));
        Assert.That(_host.WithDb(db => db.Journal.Count(r => r.MeetingId == id && r.Texts != null && r.Texts.Contains(Slur))), Is.EqualTo(1));
        var journal = await _host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        Assert.That(journal.Single(e => e.Type == "SpeakerNameHidden").Payload.GetProperty("reason").GetString(), Is.EqualTo("Not a name"),
            "the redaction and its reason are on the public record");
    }

    [Test]
    public async Task AReplacedName_IsWhatThePublicSees()
    {
        var (id, item) = await InSession();
        var troll = await _clerk.Invoke<Guid>("SignUpToSpeak", id, $"troll-{Guid.NewGuid():N}", new SignUpRequest(item, Slur));

        var replaced = await _clerk.Do("ReplaceSpeakerName", id, troll, "Speaker 1", "Not a name");

        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", id);
        Assert.That((await viewer.WaitForSequence(replaced.Sequence)).Speakers.Single().Name, Is.EqualTo("Speaker 1"));
        Assert.That(await EverythingPublic(id), Does.Not.Contain(Slur).And.Contain("Speaker 1"));
        Assert.That((await Verify(id)).Intact, Is.True);
    }

    [Test]
    public async Task WrittenComments_WaitForTheClerksRelease_AndAHiddenOneNeverAppears()
    {
        var (id, item) = await InSession();
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", id);
        await viewer.Do("SubmitWrittenComment", id, viewer.ResidentToken, item, "Pat", "Please add shade trees to the park.");
        await viewer.Do("SubmitWrittenComment", id, viewer.ResidentToken, item, "Pat", $"{Slur} about a neighbour");
        var pending = (await _clerk.Invoke<ModerationView>("Moderation", id)).Comments;
        Assert.That(pending.Select(c => (c.State, c.Text)), Is.EqualTo(new[]
        {
            ("Pending", "Please add shade trees to the park."), ("Pending", $"{Slur} about a neighbour"),
        }));
        Assert.That(viewer.Snapshot.WrittenComments, Is.Empty);
        Assert.That(await EverythingPublic(id), Does.Not.Contain("shade trees").And.Not.Contain(Slur), "nothing before release");

        await _clerk.Do("ReleaseWrittenComment", id, pending[0].Id);
        var hidden = await _clerk.Do("HideWrittenComment", id, pending[1].Id, "Threatens a neighbour");

        var after = await viewer.WaitUntil(s => s.Sequence >= hidden.Sequence, "the release and the hiding");
        Assert.That(viewer.Updates.Select(u => u.Json), Has.None.Contains(Slur), "a comment never released is in no update, as sent");
        Assert.That(viewer.Updates.Where(u => u.Update.Sequence < hidden.Sequence - 1).Select(u => u.Json), Is.Not.Empty.And.None.Contains("shade trees"),
            "nor is one before its release");
        Assert.That(after.WrittenComments.Select(c => c.Text), Is.EqualTo(new[] { "Please add shade trees to the park." }));
        var everything = await EverythingPublic(id);
        Assert.That(everything, Does.Contain("Please add shade trees to the park.").And.Not.Contain(Slur));
        var minutes = await _clerkHttp.GetStringAsync($"/api/meetings/{id}/minutes?draft=true&format=md");
        Assert.That(minutes, Does.Contain("Written comments received: 1"), "the minutes count only the comments the public may read");
        var journal = await _host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{id}/journal");
        Assert.That(journal.Where(e => e.Type == "WrittenCommentSubmitted").Select(e => e.Texts?["text"].Text),
            Is.EqualTo(new[] { "Please add shade trees to the park.", null }), "the released comment's text is served beside its event; the hidden one's is not");
        Assert.That((await Verify(id)).Intact, Is.True);
        Assert.That(Assert.ThrowsAsync<HubException>(() => _clerk.Do("ReleaseWrittenComment", id, pending[1].Id))!.Message,
            Does.Contain("A hidden comment cannot be released"));
    }

    [Test]
    public async Task WhereTheBodySaysSo_CommentsArePublicAtOnce_UntilTheClerkHidesOne()
    {
        var admin = await _host.SignInAsync(Demo.Admin);
        var board = await admin.Send<BodyDto>(HttpMethod.Post, "/api/bodies", new BodyRequest("Parks Board", WrittenComments: "AtOnce"), HttpStatusCode.Created);
        board = await admin.Send<BodyDto>(HttpMethod.Post, $"/api/bodies/{board.Id}/seats", new SeatRequest("Chair", "Lee Chair"), HttpStatusCode.Created);
        Assert.That(board.WrittenComments, Is.EqualTo("AtOnce"));
        var (id, item) = await InSession(board.Id);
        await using var viewer = await LiveClient.ConnectAsync(_host, null, "viewer", id);

        var sent = await viewer.Do("SubmitWrittenComment", id, viewer.ResidentToken, item, "Pat", $"{Slur} at once");
        var shown = await viewer.WaitUntil(s => s.Sequence >= sent.Sequence, "the comment");
        Assert.That(shown.WrittenComments.Single().Text, Is.EqualTo($"{Slur} at once"));

        var comment = (await _clerk.Invoke<ModerationView>("Moderation", id)).Comments.Single();
        Assert.That(comment.State, Is.EqualTo("Public"));
        var hidden = await _clerk.Do("HideWrittenComment", id, comment.Id, "Slur");

        Assert.That((await viewer.WaitUntil(s => s.Sequence >= hidden.Sequence, "the hiding")).WrittenComments, Is.Empty);
        Assert.That(await EverythingPublic(id), Does.Not.Contain(Slur));
        Assert.That((await Verify(id)).Intact, Is.True);
    }

    [Test]
    public async Task ABlockedResident_CannotSignUpOrCommentAgainInThisMeeting_ButCanElsewhere()
    {
        var (id, item) = await InSession();
        var (other, otherItem) = await InSession();
        await using var troll = await LiveClient.ConnectAsync(_host, null, "troll", id);
        var entry = await troll.Invoke<Guid>("SignUpToSpeak", id, troll.ResidentToken, new SignUpRequest(item, Slur));
        await _clerk.Do("HideSpeakerName", id, entry, "Slur");
        await troll.Do("WithdrawSignUp", id, troll.ResidentToken, entry);

        await _clerk.Do("BlockSpeaker", id, entry, "Signed up with slurs");

        var again = Assert.ThrowsAsync<HubException>(() => troll.Invoke<Guid>("SignUpToSpeak", id, troll.ResidentToken, new SignUpRequest(item, "Innocent Name")));
        var comment = Assert.ThrowsAsync<HubException>(() => troll.Do("SubmitWrittenComment", id, troll.ResidentToken, item, "x", "words"));
        Assert.That(again!.Message, Does.Contain("blocked"));
        Assert.That(comment!.Message, Does.Contain("blocked"));
        Assert.That(await troll.Invoke<Guid>("SignUpToSpeak", other, troll.ResidentToken, new SignUpRequest(otherItem, "Innocent Name")), Is.Not.EqualTo(Guid.Empty),
            "a block holds in its own meeting");
        var journal = await _host.Anonymous().GetStringAsync($"/api/meetings/{id}/journal");
        Assert.That(journal, Does.Contain("SpeakerBlocked").And.Not.Contain(troll.ResidentToken!), "recorded by person key, never the token");
        var moderation = await _clerk.Invoke<ModerationView>("Moderation", id);
        Assert.That(moderation.Blocked.Single().Reason, Is.EqualTo("Signed up with slurs"));
    }
}
