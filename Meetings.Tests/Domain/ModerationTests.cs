using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class ModerationTests
{
    private static Guid SignUp(TestMeeting test, string name, string key, SpeakerSource source = SpeakerSource.Web)
    {
        var id = Guid.NewGuid();
        test.Do(test.Meeting.SignUp(TestMeeting.At(1), id, test.Items[0], name, source, key, null, false, false));
        return id;
    }

    private static Guid Comment(TestMeeting test, string key = "key:writer", string text = "Fix the potholes on Elm.")
    {
        var id = Guid.NewGuid();
        test.Do(test.Meeting.SubmitWrittenComment(TestMeeting.At(2), id, test.Items[0], "Writer", text, key));
        return id;
    }

    // Names

    [Test]
    public void HidingAName_KeepsItForTheRecord_ButNotForThePublic()
    {
        var test = TestMeeting.InSession().OpenComment();
        var entry = SignUp(test, "A slur", "key:troll");
        var signedUpAt = test.Meeting.Version;

        var events = test.Do(test.Meeting.HideSpeakerName(entry, "Not a name"));

        Assert.That(events, Is.EqualTo(new MeetingEvent[] { new SpeakerNameHidden(entry, "Not a name") }));
        var e = test.Meeting.Entry(entry);
        Assert.That((e.Name, e.PublicName, e.ModerationReason), Is.EqualTo(("A slur", (string?)null, "Not a name")));
        Assert.That(test.Meeting.TextIsPublic(signedUpAt), Is.False, "the sign-up's text is withheld from the public journal");
    }

    [Test]
    public void ReplacingAName_ShowsTheReplacement_AndWithholdsTheOriginal()
    {
        var test = TestMeeting.InSession().OpenComment();
        var entry = SignUp(test, "A slur", "key:troll");
        var signedUpAt = test.Meeting.Version;
        test.Do(test.Meeting.HideSpeakerName(entry, "Not a name"));

        test.Do(test.Meeting.ReplaceSpeakerName(entry, "Speaker 4", "Not a name"));

        Assert.That(test.Meeting.Entry(entry).PublicName, Is.EqualTo("Speaker 4"), "replacing undoes the hiding");
        Assert.That(test.Meeting.TextIsPublic(signedUpAt), Is.False);
        Assert.That(() => test.Meeting.ReplaceSpeakerName(entry, "Speaker 4", "again"), Refused.Rule("name-changes"));
    }

    [Test]
    public void AnUntouchedName_IsPublic_AndSoIsItsText()
    {
        var test = TestMeeting.InSession().OpenComment();
        var entry = SignUp(test, "Ana Ruiz", "key:ana");

        Assert.That(test.Meeting.Entry(entry).PublicName, Is.EqualTo("Ana Ruiz"));
        Assert.That(test.Meeting.TextIsPublic(test.Meeting.Version), Is.True);
        Assert.That(test.Meeting.TextIsPublic(1), Is.True, "an event without free text has nothing to withhold");
    }

    [Test]
    public void Moderation_NeedsAReason_AndRefusesRepeats()
    {
        var test = TestMeeting.InSession().OpenComment();
        var entry = SignUp(test, "A slur", "key:troll");

        Assert.That(() => test.Meeting.HideSpeakerName(entry, " "), Refused.Field("reason"));
        Assert.That(() => test.Meeting.HideSpeakerName(Guid.NewGuid(), "x"), Refused.Field("entryId"));
        test.Do(test.Meeting.HideSpeakerName(entry, "Not a name"));
        Assert.That(() => test.Meeting.HideSpeakerName(entry, "again"), Refused.Rule("name-hidden"));
    }

    // Written comments

    [Test]
    public void AWrittenComment_WaitsForTheClerk_ByDefault()
    {
        var test = TestMeeting.InSession();
        var id = Comment(test);
        var at = test.Meeting.Version;
        Assert.That(test.Meeting.IsPublic(test.Meeting.Comment(id)), Is.False);
        Assert.That(test.Meeting.TextIsPublic(at), Is.False);

        test.Do(test.Meeting.ReleaseWrittenComment(id));

        Assert.That(test.Meeting.IsPublic(test.Meeting.Comment(id)), Is.True);
        Assert.That(test.Meeting.TextIsPublic(at), Is.True);
        Assert.That(() => test.Meeting.ReleaseWrittenComment(id), Refused.Rule("comment-public"));
    }

    [Test]
    public void AWrittenComment_IsPublicAtOnce_WhereTheBodySaysSo_UntilHidden()
    {
        var test = TestMeeting.InSession(rules: b => b.SetRecordRules(CommentRelease.AtOnce, VoteChoice.NotVoting));
        var id = Comment(test);
        Assert.That(test.Meeting.IsPublic(test.Meeting.Comment(id)), Is.True);

        test.Do(test.Meeting.HideWrittenComment(id, "Names a neighbour with a threat"));

        Assert.That(test.Meeting.IsPublic(test.Meeting.Comment(id)), Is.False);
        Assert.That(test.Meeting.Comment(id).Text, Is.EqualTo("Fix the potholes on Elm."), "kept for the official record");
        Assert.That(() => test.Meeting.ReleaseWrittenComment(id), Refused.Rule("release-hidden"));
    }

    // Blocking and dropping

    [Test]
    public void ABlockedPerson_CannotSignUpOrCommentAgain_InThisMeeting()
    {
        var test = TestMeeting.InSession().OpenComment().OpenComment(1);
        var entry = SignUp(test, "Troll", "key:troll");

        var events = test.Do(test.Meeting.BlockSpeaker(entry, "Shouted slurs"));

        Assert.That(events, Is.EqualTo(new MeetingEvent[] { new SpeakerBlocked(entry, "key:troll", "Shouted slurs") }));
        Assert.That(() => test.Meeting.SignUp(TestMeeting.At(3), Guid.NewGuid(), test.Items[1], "Troll again", SpeakerSource.Web, "key:troll", null, false, false),
            Refused.Rule("blocked"));
        Assert.That(() => test.Meeting.SubmitWrittenComment(TestMeeting.At(3), Guid.NewGuid(), test.Items[0], "Troll", "words", "key:troll"),
            Refused.Rule("blocked"));
        Assert.That(() => SignUp(test, "Someone else", "key:other"), Throws.Nothing, "only that person is blocked");
        Assert.That(() => test.Meeting.BlockSpeaker(entry, "again"), Refused.Rule("already-blocked"));
    }

    [Test]
    public void ARoomSpeaker_IsNotBlocked_TheClerkTakesCardsByHand()
    {
        var test = TestMeeting.InSession().OpenComment();
        var entry = SignUp(test, "Card", "card:x", SpeakerSource.Room);

        Assert.That(() => test.Meeting.BlockSpeaker(entry, "Rude"), Refused.Rule("block-remote"));
    }

    [TestCase(SpeakerSource.Phone)]
    [TestCase(SpeakerSource.Web)]
    public void DroppingARemoteSpeaker_EndsTheirTurn_AsDropped(SpeakerSource source)
    {
        var test = TestMeeting.InSession().OpenComment();
        var entry = SignUp(test, "Caller ending 1234", "phone:x", source);
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), entry));

        var events = test.Do(test.Meeting.DropSpeaker(TestMeeting.At(6), entry));

        Assert.That(events, Is.EqualTo(new MeetingEvent[] { new TurnEnded(entry, TestMeeting.At(6), TurnEndReason.Dropped) }));
        Assert.That(test.Meeting.Speaking, Is.Null);
        Assert.That(test.Meeting.Entry(entry).Turn!.EndReason, Is.EqualTo(TurnEndReason.Dropped));
    }

    [Test]
    public void Dropping_OnlyTheRemoteSpeakerWhoHasTheFloor()
    {
        var test = TestMeeting.InSession().OpenComment();
        var waiting = SignUp(test, "Waiting", "key:w");
        var room = SignUp(test, "In the room", "card:r", SpeakerSource.Room);

        Assert.That(() => test.Meeting.DropSpeaker(TestMeeting.At(5), waiting), Refused.Rule("drop-speaking"));
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), room));
        Assert.That(() => test.Meeting.DropSpeaker(TestMeeting.At(6), room), Refused.Rule("drop-remote"));
    }

    [Test]
    public void Moderation_SurvivesAReplayOfTheJournal()
    {
        var test = TestMeeting.InSession().OpenComment();
        var entry = SignUp(test, "A slur", "key:troll");
        var comment = Comment(test);
        test.Do(test.Meeting.HideSpeakerName(entry, "Not a name"));
        test.Do(test.Meeting.BlockSpeaker(entry, "Slurs"));
        test.Do(test.Meeting.ReleaseWrittenComment(comment));

        var replayed = Meeting.FromHistory(test.History);

        Assert.That(replayed.Entry(entry).PublicName, Is.Null);
        Assert.That(replayed.Blocked.Keys, Is.EqualTo(new[] { "key:troll" }));
        Assert.That(replayed.IsPublic(replayed.Comment(comment)), Is.True);
        Assert.That(Enumerable.Range(1, (int)replayed.Version).Select(i => replayed.TextIsPublic(i)),
            Is.EqualTo(Enumerable.Range(1, (int)test.Meeting.Version).Select(i => test.Meeting.TextIsPublic(i))));
    }
}
