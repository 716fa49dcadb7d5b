using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class SpeakerQueueTests
{
    private static TestMeeting CommentOpen(int item = 0) => TestMeeting.InSession().OpenComment(item);

    private static string Names(IEnumerable<SpeakerEntry> entries) => string.Join(", ", entries.Select(e => e.Name));

    private static Turn TurnOf(TestMeeting test, Guid entry) => test.Meeting.Entry(entry).Turn!;

    [Test]
    public void SignUp_IsRefused_WhilePublicCommentIsNotOpen()
    {
        var test = TestMeeting.InSession();
        Assert.That(() => test.Meeting.SignUp(TestMeeting.At(1), Guid.NewGuid(), test.Items[0], "Ana", SpeakerSource.Web, "k", null, false, false),
            Refused.Rule("comment-not-open"));
    }

    [Test]
    public void Queue_IsFirstComeFirstServed()
    {
        var test = CommentOpen();
        test.SignUp("Ana", minutes: 1);
        test.SignUp("Ben", minutes: 2);
        test.SignUp("Cai", minutes: 3);

        var queue = test.Meeting.QueueFor(test.Items[0]);

        Assert.That(Names(queue), Is.EqualTo("Ana, Ben, Cai"));
        Assert.That(queue.Select(e => e.State), Is.All.EqualTo(SpeakerState.Waiting));
        Assert.That(queue[1].SignedUpAt, Is.EqualTo(TestMeeting.At(2)));
    }

    [Test]
    public void SignUp_ASecondActiveEntryForOnePersonOnOneItem_IsRefused()
    {
        var test = CommentOpen();
        test.SignUp("Ana");
        Assert.That(() => test.Meeting.SignUp(TestMeeting.At(2), Guid.NewGuid(), test.Items[0], "Ana again", SpeakerSource.Phone, "key:Ana", null, false, false),
            Refused.Rule("one-place-per-person"));
    }

    [Test]
    public void SignUp_BySomeoneOnDeck_IsRefused()
    {
        var test = CommentOpen();
        test.SignUp("Ana");
        test.Do(test.Meeting.CallNext(test.Items[0]));
        Assert.That(() => test.SignUp("Ana"), Refused.Rule("one-place-per-person"));
    }

    [Test]
    public void SignUp_ForTheSamePersonOnAnotherItem_IsAllowed()
    {
        var test = CommentOpen(0).OpenComment(1);
        test.SignUp("Ana", item: 0);

        test.SignUp("Ana", item: 1);

        Assert.That(test.Meeting.QueueFor(test.Items[1]), Has.Count.EqualTo(1));
    }

    [Test]
    public void SignUp_AfterWithdrawing_IsAllowedAgain_AtTheEndOfTheQueue()
    {
        var test = CommentOpen();
        var first = test.SignUp("Ana");
        test.SignUp("Ben");
        test.Do(test.Meeting.Withdraw(first));

        test.SignUp("Ana");

        var queue = test.Meeting.QueueFor(test.Items[0]);
        Assert.That(Names(queue.Where(e => e.IsActive)), Is.EqualTo("Ben, Ana"));
        Assert.That(queue[0].State, Is.EqualTo(SpeakerState.Withdrawn));
    }

    [Test]
    public void SignUp_WithAnIdAlreadyReceived_IsRefused()
    {
        var test = CommentOpen();
        var id = test.SignUp("Ana");
        Assert.That(() => test.Meeting.SignUp(TestMeeting.At(2), id, test.Items[0], "Ben", SpeakerSource.Room, "key:Ben", null, false, false),
            Refused.Rule("entry-unique"));
    }

    [Test]
    public void Reorder_IsRecordedAsQueueReordered_AndChangesTheOrder()
    {
        var test = CommentOpen();
        var (ana, ben, cai) = (test.SignUp("Ana"), test.SignUp("Ben"), test.SignUp("Cai"));

        var events = test.Do(test.Meeting.Reorder(test.Items[0], [cai, ana, ben]));

        var reordered = (QueueReordered)events.Single();
        Assert.That(reordered.ItemId, Is.EqualTo(test.Items[0]));
        Assert.That(reordered.Order, Is.EqualTo(new[] { cai, ana, ben }));
        Assert.That(Names(test.Meeting.QueueFor(test.Items[0])), Is.EqualTo("Cai, Ana, Ben"));
        Assert.That(test.Meeting.QueueFor(test.Items[0]).Select(e => e.State), Is.All.EqualTo(SpeakerState.Waiting));
    }

    [Test]
    public void Reorder_LeavesSpeakersWhoAreNotWaitingInTheirPlaces()
    {
        var test = CommentOpen();
        var (ana, ben, cai, dee) = (test.SignUp("Ana"), test.SignUp("Ben"), test.SignUp("Cai"), test.SignUp("Dee"));
        test.Do(test.Meeting.CallNext(test.Items[0]));
        test.Do(test.Meeting.Withdraw(cai));

        test.Do(test.Meeting.Reorder(test.Items[0], [dee, ben]));

        Assert.That(Names(test.Meeting.QueueFor(test.Items[0])), Is.EqualTo("Ana, Dee, Cai, Ben"));
        Assert.That(test.Meeting.Entry(ana).State, Is.EqualTo(SpeakerState.OnDeck));
    }

    [Test]
    public void Reorder_OfAnItemNobodySignedUpFor_RecordsNothing_AndAnOldEmptyReorderStillApplies()
    {
        var test = CommentOpen();

        Assert.That(test.Meeting.Reorder(test.Items[0], []), Is.Empty);
        Assert.That(() => test.Meeting.Apply(new QueueReordered(test.Items[0], [])), Throws.Nothing, "a journal that holds one still folds");
        var ana = test.SignUp("Ana");
        Assert.That(test.Meeting.QueueFor(test.Items[0]).Select(e => e.Id), Is.EqualTo(new[] { ana }));
    }

    [TestCase("missing")]
    [TestCase("duplicate")]
    [TestCase("stranger")]
    [TestCase("onDeck")]
    public void Reorder_MustBeAPermutationOfTheWaitingSpeakers(string flaw)
    {
        var test = CommentOpen();
        var (ana, ben, cai) = (test.SignUp("Ana"), test.SignUp("Ben"), test.SignUp("Cai"));
        if (flaw == "onDeck") test.Do(test.Meeting.CallNext(test.Items[0]));
        Guid[] order = flaw switch
        {
            "missing" => [cai, ana],
            "duplicate" => [cai, ana, ana],
            "stranger" => [cai, ana, Guid.NewGuid()],
            _ => [cai, ben, ana],
        };

        Assert.That(() => test.Meeting.Reorder(test.Items[0], order), Refused.Field("order"));
    }

    [Test]
    public void CallNext_PutsTheFirstWaitingSpeakerOnDeck()
    {
        var test = CommentOpen();
        var (ana, ben) = (test.SignUp("Ana"), test.SignUp("Ben"));

        var events = test.Do(test.Meeting.CallNext(test.Items[0]));

        Assert.That(events, Is.EqualTo(new MeetingEvent[] { new SpeakerCalled(ana) }));
        Assert.That(test.Meeting.Entry(ana).State, Is.EqualTo(SpeakerState.OnDeck));
        Assert.That(test.Meeting.Entry(ben).State, Is.EqualTo(SpeakerState.Waiting));
    }

    [Test]
    public void CallNext_WhileTheOnDeckSpeakerTalks_CallsTheFollowingOne()
    {
        var test = CommentOpen();
        var (ana, ben) = (test.SignUp("Ana"), test.SignUp("Ben"));
        test.Do(test.Meeting.CallNext(test.Items[0]));
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        test.Do(test.Meeting.CallNext(test.Items[0]));

        Assert.That(test.Meeting.Entry(ben).State, Is.EqualTo(SpeakerState.OnDeck));
        Assert.That(test.Meeting.Speaking?.Id, Is.EqualTo(ana));
    }

    [Test]
    public void CallNext_IsRefused_WhileSomeoneIsOnDeck()
    {
        var test = CommentOpen();
        test.SignUp("Ana");
        test.SignUp("Ben");
        test.Do(test.Meeting.CallNext(test.Items[0]));
        Assert.That(() => test.Meeting.CallNext(test.Items[0]), Refused.Rule("one-on-deck"));
    }

    [Test]
    public void CallNext_IsRefused_WhenNobodyIsWaiting()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.Withdraw(ana));
        Assert.That(() => test.Meeting.CallNext(test.Items[0]), Refused.Rule("queue-empty"));
    }

    [Test]
    public void StartTurn_GivesTheItemsMinutesPerSpeaker()
    {
        var test = CommentOpen(1);
        var ana = test.SignUp("Ana", item: 1);

        var events = test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        Assert.That(events.Single(), Is.EqualTo(new TurnStarted(ana, TestMeeting.At(5), 120, TestMeeting.At(7))));
        Assert.That(test.Meeting.Speaking?.Id, Is.EqualTo(ana));
        Assert.That(TurnOf(test, ana).EndsAt, Is.EqualTo(TestMeeting.At(7)));
    }

    [TestCase(3)]
    [TestCase(5)]
    public void StartTurn_GivesTheBodysDefault_WhenTheItemSetsNone(int bodyMinutes)
    {
        var test = TestMeeting.InSession(rules: b => b.SetRules(null, true, bodyMinutes, new NoticeRule())).OpenComment(0);
        var ana = test.SignUp("Ana");

        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        Assert.That(TurnOf(test, ana).Seconds, Is.EqualTo(bodyMinutes * 60));
        Assert.That(TurnOf(test, ana).EndsAt, Is.EqualTo(TestMeeting.At(5 + bodyMinutes)));
    }

    [TestCase(0, 360)]
    [TestCase(1, 240)]
    public void StartTurn_GivesASpeakerUsingAnInterpreterTwiceTheTime(int item, int seconds)
    {
        var test = CommentOpen(item);
        var ana = test.SignUp("Ana", item: item, interpreter: true);

        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        Assert.That(TurnOf(test, ana).Seconds, Is.EqualTo(seconds));
        Assert.That(TurnOf(test, ana).EndsAt, Is.EqualTo(TestMeeting.At(5).AddSeconds(seconds)));
    }

    [Test]
    public void StartTurn_IsRefused_WhileAnotherSpeakerHasTheFloor_EvenOnAnotherItem()
    {
        var test = CommentOpen(0).OpenComment(1);
        var ana = test.SignUp("Ana", item: 0);
        var ben = test.SignUp("Ben", item: 0);
        var cai = test.SignUp("Cai", item: 1);
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        Assert.That(() => test.Meeting.StartTurn(TestMeeting.At(6), ben),
            Throws.TypeOf<MeetingRuleException>().With.Property(nameof(MeetingRuleException.Rule)).EqualTo("one-speaker")
                .And.Message.Contains("Ana"));
        Assert.That(() => test.Meeting.StartTurn(TestMeeting.At(6), cai), Refused.Rule("one-speaker"));
    }

    [Test]
    public void StartTurn_IsRefused_ForASpeakerWhoHasSpoken()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));
        test.Do(test.Meeting.EndTurn(TestMeeting.At(6)));

        Assert.That(() => test.Meeting.StartTurn(TestMeeting.At(7), ana), Refused.Rule("start-waiting-speaker"));
    }

    [Test]
    public void PauseTurn_KeepsTheSecondsLeft_RoundedUp_AndClearsTheEndTime()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        var events = test.Do(test.Meeting.PauseTurn(TestMeeting.At(5).AddSeconds(50.3)));

        Assert.That(events.Single(), Is.EqualTo(new TurnPaused(ana, TestMeeting.At(5).AddSeconds(50.3), 130)));
        Assert.That(TurnOf(test, ana).IsPaused, Is.True);
        Assert.That(TurnOf(test, ana).SecondsLeftWhenPaused, Is.EqualTo(130));
        Assert.That(TurnOf(test, ana).EndsAt, Is.Null);
    }

    [Test]
    public void PauseTurn_AfterTheEndTime_LeavesNoSeconds()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        test.Do(test.Meeting.PauseTurn(TestMeeting.At(9)));

        Assert.That(TurnOf(test, ana).SecondsLeftWhenPaused, Is.Zero);
    }

    [Test]
    public void ResumeTurn_SetsANewEndTimeFromTheSecondsLeft()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));
        test.Do(test.Meeting.PauseTurn(TestMeeting.At(6)));

        test.Do(test.Meeting.ResumeTurn(TestMeeting.At(10)));

        Assert.That(TurnOf(test, ana).IsPaused, Is.False);
        Assert.That(TurnOf(test, ana).EndsAt, Is.EqualTo(TestMeeting.At(12)), "120 seconds were left at the pause");
    }

    [Test]
    public void PauseAndResume_AreRefused_InTheWrongState()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        Assert.That(() => test.Meeting.PauseTurn(TestMeeting.At(5)), Refused.Rule("no-turn"));

        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));
        Assert.That(() => test.Meeting.ResumeTurn(TestMeeting.At(6)), Refused.Rule("turn-paused"));

        test.Do(test.Meeting.PauseTurn(TestMeeting.At(6)));
        Assert.That(() => test.Meeting.PauseTurn(TestMeeting.At(7)), Refused.Rule("turn-running"));
    }

    [Test]
    public void ExtendTurn_WhileRunning_MovesTheEndTime()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        test.Do(test.Meeting.ExtendTurn(30));

        Assert.That(TurnOf(test, ana).EndsAt, Is.EqualTo(TestMeeting.At(8).AddSeconds(30)));
        Assert.That(TurnOf(test, ana).Seconds, Is.EqualTo(210));
    }

    [Test]
    public void ExtendTurn_WhilePaused_AddsToTheSecondsLeft()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));
        test.Do(test.Meeting.PauseTurn(TestMeeting.At(7)));

        test.Do(test.Meeting.ExtendTurn(45));
        test.Do(test.Meeting.ResumeTurn(TestMeeting.At(20)));

        Assert.That(TurnOf(test, ana).Seconds, Is.EqualTo(225));
        Assert.That(TurnOf(test, ana).EndsAt, Is.EqualTo(TestMeeting.At(21).AddSeconds(45)), "60 left plus 45");
    }

    [TestCase(0)]
    [TestCase(3601)]
    public void ExtendTurn_OutOfRange_IsRefused(int seconds)
    {
        var test = CommentOpen();
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), test.SignUp("Ana")));
        Assert.That(() => test.Meeting.ExtendTurn(seconds), Refused.Field("seconds"));
    }

    [Test]
    public void ExpireTurn_ReturnsNothing_BeforeTheEndTime()
    {
        var test = CommentOpen();
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), test.SignUp("Ana")));

        Assert.That(test.Meeting.ExpireTurn(TestMeeting.At(8).AddMilliseconds(-1)), Is.Empty);
    }

    [TestCase(0)]
    [TestCase(2500)]
    public void ExpireTurn_EndsTheTurnAsExpired_AtOrAfterTheEndTime(int msLate)
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));
        var now = TestMeeting.At(8).AddMilliseconds(msLate);

        var events = test.Do(test.Meeting.ExpireTurn(now));

        Assert.That(events, Is.EqualTo(new MeetingEvent[] { new TurnEnded(ana, now, TurnEndReason.Expired) }));
        Assert.That(test.Meeting.Entry(ana).State, Is.EqualTo(SpeakerState.Done));
        Assert.That(TurnOf(test, ana).EndReason, Is.EqualTo(TurnEndReason.Expired));
        Assert.That(test.Meeting.Speaking, Is.Null);
    }

    [Test]
    public void ExpireTurn_RespectsAnExtension()
    {
        var test = CommentOpen();
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), test.SignUp("Ana")));
        test.Do(test.Meeting.ExtendTurn(60));

        Assert.That(test.Meeting.ExpireTurn(TestMeeting.At(8.5)), Is.Empty);
        Assert.That(test.Meeting.ExpireTurn(TestMeeting.At(9)), Has.Length.EqualTo(1));
    }

    [Test]
    public void ExpireTurn_NeverExpiresAPausedTurn()
    {
        var test = CommentOpen();
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), test.SignUp("Ana")));
        test.Do(test.Meeting.PauseTurn(TestMeeting.At(6)));

        Assert.That(test.Meeting.ExpireTurn(TestMeeting.At(600)), Is.Empty);
    }

    [Test]
    public void ExpireTurn_WithNobodySpeaking_ReturnsNothing()
    {
        var test = CommentOpen();
        test.SignUp("Ana");
        Assert.That(test.Meeting.ExpireTurn(TestMeeting.At(600)), Is.Empty);
    }

    [Test]
    public void EndTurn_ByTheClerk_LetsTheNextSpeakerStart()
    {
        var test = CommentOpen();
        var (ana, ben) = (test.SignUp("Ana"), test.SignUp("Ben"));
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        test.Do(test.Meeting.EndTurn(TestMeeting.At(6)));
        test.Do(test.Meeting.StartTurn(TestMeeting.At(6), ben));

        Assert.That(TurnOf(test, ana).EndReason, Is.EqualTo(TurnEndReason.Clerk));
        Assert.That(TurnOf(test, ana).EndedAt, Is.EqualTo(TestMeeting.At(6)));
        Assert.That(TurnOf(test, ana).EndsAt, Is.Null);
        Assert.That(test.Meeting.Speaking?.Id, Is.EqualTo(ben));
    }

    [Test]
    public void NoShow_MarksTheSpeaker_AndTheNextCanBeCalled()
    {
        var test = CommentOpen();
        var (ana, ben) = (test.SignUp("Ana"), test.SignUp("Ben"));
        test.Do(test.Meeting.CallNext(test.Items[0]));

        test.Do(test.Meeting.MarkNoShow(ana));
        test.Do(test.Meeting.CallNext(test.Items[0]));

        Assert.That(test.Meeting.Entry(ana).State, Is.EqualTo(SpeakerState.NoShow));
        Assert.That(test.Meeting.Entry(ana).IsActive, Is.False);
        Assert.That(test.Meeting.Entry(ben).State, Is.EqualTo(SpeakerState.OnDeck));
    }

    [Test]
    public void NoShow_IsRefused_ForASpeakerWhoHasTheFloor()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));
        Assert.That(() => test.Meeting.MarkNoShow(ana), Refused.Rule("no-show-while-waiting"));
    }

    [Test]
    public void Withdraw_IsAllowed_WhileWaitingOrOnDeck()
    {
        var test = CommentOpen();
        var (ana, ben) = (test.SignUp("Ana"), test.SignUp("Ben"));
        test.Do(test.Meeting.CallNext(test.Items[0]));

        test.Do(test.Meeting.Withdraw(ana));
        test.Do(test.Meeting.Withdraw(ben));

        Assert.That(test.Meeting.QueueFor(test.Items[0]).Select(e => e.State), Is.All.EqualTo(SpeakerState.Withdrawn));
    }

    [Test]
    public void Withdraw_IsRefused_OnceTheSpeakerHasTheFloorOrIsDone()
    {
        var test = CommentOpen();
        var (ana, ben) = (test.SignUp("Ana"), test.SignUp("Ben"));
        test.Do(test.Meeting.Withdraw(ben));
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        Assert.That(() => test.Meeting.Withdraw(ana), Refused.Rule("withdraw-while-waiting"));
        Assert.That(() => test.Meeting.Withdraw(ben), Refused.Rule("withdraw-while-waiting"));
        test.Do(test.Meeting.EndTurn(TestMeeting.At(6)));
        Assert.That(() => test.Meeting.Withdraw(ana), Refused.Rule("withdraw-while-waiting"));
    }

    [Test]
    public void Recess_EndsTheRunningTurn_ByTheClerk()
    {
        var test = CommentOpen();
        var ana = test.SignUp("Ana");
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), ana));

        test.Do(test.Meeting.Recess(TestMeeting.At(6)));

        Assert.That(test.Meeting.Speaking, Is.Null);
        Assert.That(TurnOf(test, ana).EndReason, Is.EqualTo(TurnEndReason.Clerk));
        Assert.That(test.Meeting.Status, Is.EqualTo(MeetingStatus.Recessed));
    }

    [Test]
    public void OpeningAnotherItem_IsRefused_WhileASpeakerHasTheFloor()
    {
        var test = CommentOpen();
        test.Do(test.Meeting.StartTurn(TestMeeting.At(5), test.SignUp("Ana")));
        Assert.That(() => test.Meeting.OpenItem(test.Items[1]), Refused.Rule("item-speaker-on-floor"));
    }
}
