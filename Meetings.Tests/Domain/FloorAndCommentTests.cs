using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

/// <summary>Members asking for the floor and being recognized; written comments; closing public comment.</summary>
public class FloorAndCommentTests
{
    private static IEnumerable<(Guid, Guid, DateTimeOffset)> Line(TestMeeting test) =>
        test.Meeting.MembersWaiting.Select(r => (r.SeatId, r.ItemId, r.At));

    // Asking for the floor

    [Test]
    public void AskToSpeak_PutsPresentMembersInLine_OnTheCurrentItem_InTheOrderTheyAsked()
    {
        var test = TestMeeting.InSession();

        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(5), test.Seats[2]));
        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(6), test.Seats[0]));

        Assert.That(Line(test), Is.EqualTo(new[] { (test.Seats[2], test.Items[0], TestMeeting.At(5)), (test.Seats[0], test.Items[0], TestMeeting.At(6)) }));
        Assert.That(test.Meeting.RecognizedSeatId, Is.Null, "asking is not yet having the floor");
    }

    [Test]
    public void AskToSpeak_Twice_IsRefused_AndTheMemberKeepsTheirPlace()
    {
        var test = TestMeeting.InSession();
        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(5), test.Seats[2]));
        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(6), test.Seats[0]));

        Assert.That(() => test.Meeting.AskToSpeak(TestMeeting.At(7), test.Seats[2]), Refused.Rule("already-asked"));
        Assert.That(test.Meeting.MembersWaiting.Select(r => r.SeatId), Is.EqualTo(new[] { test.Seats[2], test.Seats[0] }));
    }

    [Test]
    public void AskToSpeak_ByAnAbsentMember_WithNoItemOpen_OrOutOfSession_IsRefused()
    {
        var absent = TestMeeting.InSession(present: 4);
        Assert.That(() => absent.Meeting.AskToSpeak(TestMeeting.At(5), absent.Seats[4]), Refused.Rule("member-present"));

        var noItem = TestMeeting.Live().RollCall(5);
        Assert.That(() => noItem.Meeting.AskToSpeak(TestMeeting.At(5), noItem.Seats[0]), Refused.Rule("no-item"));

        var recess = TestMeeting.InSession();
        recess.Do(recess.Meeting.Recess(TestMeeting.At(30)));
        Assert.That(() => recess.Meeting.AskToSpeak(TestMeeting.At(31), recess.Seats[0]), Refused.Rule("in-session"));
    }

    [Test]
    public void WithdrawRequestToSpeak_TakesOnlyThatMemberOutOfLine()
    {
        var test = TestMeeting.InSession();
        foreach (var seat in new[] { 1, 3, 0 }) test.Do(test.Meeting.AskToSpeak(TestMeeting.At(5 + seat), test.Seats[seat]));

        test.Do(test.Meeting.WithdrawRequest(test.Seats[3]));

        Assert.That(test.Meeting.MembersWaiting.Select(r => r.SeatId), Is.EqualTo(new[] { test.Seats[1], test.Seats[0] }));
        Assert.That(test.Meeting.RecognizedSeatId, Is.Null);
    }

    [Test]
    public void WithdrawRequestToSpeak_ByAMemberNotInLine_IsRefused()
    {
        var test = TestMeeting.InSession();
        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(5), test.Seats[1]));

        Assert.That(() => test.Meeting.WithdrawRequest(test.Seats[2]), Refused.Rule("not-waiting"));
        Assert.That(test.Meeting.MembersWaiting.Select(r => r.SeatId), Is.EqualTo(new[] { test.Seats[1] }));
    }

    // Recognizing a member

    [Test]
    public void RecognizeMember_GivesThatMemberTheFloor_AndTakesThemOutOfLine_LeavingTheRestInOrder()
    {
        var test = TestMeeting.InSession();
        foreach (var seat in new[] { 1, 3, 0 }) test.Do(test.Meeting.AskToSpeak(TestMeeting.At(5 + seat), test.Seats[seat]));

        test.Do(test.Meeting.Recognize(test.Seats[3]));

        Assert.That(test.Meeting.RecognizedSeatId, Is.EqualTo(test.Seats[3]));
        Assert.That(test.Meeting.MembersWaiting.Select(r => r.SeatId), Is.EqualTo(new[] { test.Seats[1], test.Seats[0] }));

        test.Do(test.Meeting.Recognize(test.Seats[1]));
        Assert.That(test.Meeting.RecognizedSeatId, Is.EqualTo(test.Seats[1]), "the floor passes on");
        Assert.That(test.Meeting.MembersWaiting.Select(r => r.SeatId), Is.EqualTo(new[] { test.Seats[0] }));
    }

    [Test]
    public void RecognizeMember_WhoDidNotAsk_IsRefused_AndTheFloorStaysWhereItWas()
    {
        var test = TestMeeting.InSession();
        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(5), test.Seats[1]));
        test.Do(test.Meeting.Recognize(test.Seats[1]));

        Assert.That(() => test.Meeting.Recognize(test.Seats[2]), Refused.Rule("not-waiting"));
        Assert.That(() => test.Meeting.Recognize(test.Seats[1]), Refused.Rule("not-waiting"), "recognized once, no longer waiting");
        Assert.That(test.Meeting.RecognizedSeatId, Is.EqualTo(test.Seats[1]));
    }

    [Test]
    public void OpeningTheNextItem_ClearsTheLineAndTheFloor()
    {
        var test = TestMeeting.InSession();
        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(5), test.Seats[1]));
        test.Do(test.Meeting.AskToSpeak(TestMeeting.At(6), test.Seats[2]));
        test.Do(test.Meeting.Recognize(test.Seats[1]));

        test.Open(1);

        Assert.That(test.Meeting.MembersWaiting, Is.Empty);
        Assert.That(test.Meeting.RecognizedSeatId, Is.Null);
    }

    // Written comments

    [Test]
    public void SubmitWrittenComment_IsKept_WithItsItemNameTextAndTime_InTheOrderReceived()
    {
        var test = TestMeeting.InSession();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        test.Do(test.Meeting.SubmitWrittenComment(TestMeeting.At(3), first, test.Items[1], "  Pat Resident ", "Please fund the library.", "key:pat"));
        test.Do(test.Meeting.SubmitWrittenComment(TestMeeting.At(4), second, test.Items[0], "Lee", "Fix Elm Street.", "key:lee"));

        Assert.That(test.Meeting.WrittenComments, Is.EqualTo(new[]
        {
            new WrittenComment(first, test.Items[1], "Pat Resident", "Please fund the library.", TestMeeting.At(3)),
            new WrittenComment(second, test.Items[0], "Lee", "Fix Elm Street.", TestMeeting.At(4)),
        }));
    }

    [Test]
    public void SubmitWrittenComment_IsTaken_FromPublicationUntilAdjournment()
    {
        var published = TestMeeting.Published();
        published.Do(published.Meeting.SubmitWrittenComment(TestMeeting.OnTime, Guid.NewGuid(), published.Items[0], "Pat", "Early thoughts", "key:pat"));
        Assert.That(published.Meeting.WrittenComments, Has.Count.EqualTo(1), "once the agenda is posted, before the meeting");

        foreach (var status in new[] { MeetingStatus.Draft, MeetingStatus.Adjourned, MeetingStatus.Cancelled })
        {
            var test = TestMeeting.InStatus(status);
            Assert.That(() => test.Meeting.SubmitWrittenComment(TestMeeting.At(100), Guid.NewGuid(), test.Items[0], "Pat", "Too late", "key:pat"),
                Refused.Rule("comment-window"), status.ToString());
            Assert.That(test.Meeting.WrittenComments, Is.Empty);
        }
    }

    [Test]
    public void SubmitWrittenComment_OnAnItemWithoutPublicComment_OrTooLong_OrNameless_IsRefused()
    {
        var test = TestMeeting.InSession();

        Assert.That(() => test.Meeting.SubmitWrittenComment(TestMeeting.At(3), Guid.NewGuid(), test.Items[2], "Pat", "On the vote", "key:pat"),
            Refused.Rule("comment-not-taken"));
        Assert.That(() => test.Meeting.SubmitWrittenComment(TestMeeting.At(3), Guid.NewGuid(), test.Items[0], "Pat", new string('t', Meeting.WrittenCommentLimit + 1), "key:pat"),
            Refused.Field("text"));
        Assert.That(() => test.Meeting.SubmitWrittenComment(TestMeeting.At(3), Guid.NewGuid(), test.Items[0], " ", "Unsigned", "key:pat"),
            Refused.Field("name"));
        Assert.That(test.Meeting.WrittenComments, Is.Empty);
    }

    // Closing public comment

    [Test]
    public void ClosePublicComment_StopsNewSignUps_AndKeepsThoseAlreadyInLine()
    {
        var test = TestMeeting.InSession().OpenComment(0);
        test.SignUp("Ana");
        test.SignUp("Ben", minutes: 2);

        test.Do(test.Meeting.ClosePublicComment(test.Items[0]));

        Assert.That(test.Meeting.Item(test.Items[0]).CommentOpen, Is.False);
        Assert.That(() => test.SignUp("Cai", minutes: 3), Refused.Rule("comment-not-open"));
        Assert.That(test.Meeting.QueueFor(test.Items[0]).Select(e => (e.Name, e.State)),
            Is.EqualTo(new[] { ("Ana", SpeakerState.Waiting), ("Ben", SpeakerState.Waiting) }), "those who signed up in time are still heard");
    }

    [Test]
    public void ClosePublicComment_WhenItIsNotOpen_IsRefused_AndItCanBeOpenedAgain()
    {
        var test = TestMeeting.InSession().OpenComment(0);
        test.Do(test.Meeting.ClosePublicComment(test.Items[0]));

        Assert.That(() => test.Meeting.ClosePublicComment(test.Items[0]), Refused.Rule("comment-not-open"));
        Assert.That(() => test.Meeting.ClosePublicComment(test.Items[1]), Refused.Rule("comment-not-open"));

        test.OpenComment(0);
        Assert.That(test.Meeting.Item(test.Items[0]).CommentOpen, Is.True);
        test.SignUp("Cai", minutes: 3);
        Assert.That(test.Meeting.QueueFor(test.Items[0]).Select(e => e.Name), Is.EqualTo(new[] { "Cai" }));
    }
}
