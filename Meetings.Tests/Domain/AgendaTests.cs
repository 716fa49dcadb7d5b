using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class AgendaTests
{
    private static readonly string[] SubTitles = ["Parks", "Streets"];

    /// <summary>Four items, the last with two sub-items.</summary>
    private static (TestMeeting Test, Guid[] Subs) WithSubItems(bool publish = false)
    {
        var test = TestMeeting.Draft(items: 4);
        var subs = new[] { Guid.NewGuid(), Guid.NewGuid() };
        foreach (var (id, title) in subs.Zip(SubTitles))
            test.Do(test.Meeting.AddItem(id, test.Items[3], null, title, AgendaItemKind.Action, null, false, null));
        if (publish) test.Publish();
        return (test, subs);
    }

    private static string Numbers(Meeting m) => string.Join(" ", m.Agenda.Select(i => i.Number));

    private static string Titles(Meeting m) => string.Join(" | ", m.Agenda.Select(i => i.Title));

    [Test]
    public void Agenda_IsNumbered_WithLetteredSubItemsAfterTheirParent()
    {
        var (test, subs) = WithSubItems();

        Assert.That(Numbers(test.Meeting), Is.EqualTo("1 2 3 4 4.a 4.b"));
        Assert.That(Titles(test.Meeting), Is.EqualTo("Public comment | Budget hearing | Adopt the budget | Discussion 4 | Parks | Streets"));
        Assert.That(test.Meeting.Item(subs[1]).ParentId, Is.EqualTo(test.Items[3]));
    }

    [Test]
    public void Adding_AtAPosition_InsertsTheItemAndRenumbers()
    {
        var test = TestMeeting.Draft();
        var id = Guid.NewGuid();

        test.Do(test.Meeting.AddItem(id, null, 1, "Presentation", AgendaItemKind.Discussion, null, false, null));

        Assert.That(Titles(test.Meeting), Is.EqualTo("Public comment | Presentation | Budget hearing | Adopt the budget"));
        Assert.That(test.Meeting.Item(id).Number, Is.EqualTo("2"));
        Assert.That(test.Meeting.Item(test.Items[2]).Number, Is.EqualTo("4"));
    }

    [Test]
    public void Adding_BeyondTheEnd_Appends()
    {
        var test = TestMeeting.Draft();
        var id = Guid.NewGuid();

        test.Do(test.Meeting.AddItem(id, null, 99, "Last", AgendaItemKind.Discussion, null, false, null));

        Assert.That(test.Meeting.Item(id).Number, Is.EqualTo("4"));
    }

    [Test]
    public void Adding_AtANegativePosition_IsRefused()
    {
        var test = TestMeeting.Draft();
        Assert.That(() => test.Meeting.AddItem(Guid.NewGuid(), null, -1, "Bad", AgendaItemKind.Discussion, null, false, null),
            Refused.Field("position"));
    }

    [Test]
    public void Adding_AnItemWhoseIdExists_IsRefused()
    {
        var test = TestMeeting.Draft();
        Assert.That(() => test.Meeting.AddItem(test.Items[0], null, null, "Again", AgendaItemKind.Discussion, null, false, null),
            Refused.Rule("item-unique"));
    }

    [TestCase(0)]
    [TestCase(61)]
    public void Adding_WithMinutesPerSpeakerOutOfRange_IsRefused(int minutes)
    {
        var test = TestMeeting.Draft();
        Assert.That(() => test.Meeting.AddItem(Guid.NewGuid(), null, null, "Hearing", AgendaItemKind.PublicHearing, null, true, minutes),
            Refused.Field("minutesPerSpeaker"));
    }

    [Test]
    public void Moving_AParentToTheTop_TakesItsSubItemsAlong()
    {
        var (test, _) = WithSubItems();

        test.Do(test.Meeting.MoveItem(test.Items[3], null, 0));

        Assert.That(Numbers(test.Meeting), Is.EqualTo("1 1.a 1.b 2 3 4"));
        Assert.That(Titles(test.Meeting), Is.EqualTo("Discussion 4 | Parks | Streets | Public comment | Budget hearing | Adopt the budget"));
    }

    [Test]
    public void Moving_ASubItemWithinItsParent_ReLettersThem()
    {
        var (test, subs) = WithSubItems();

        test.Do(test.Meeting.MoveItem(subs[1], test.Items[3], 0));

        Assert.That(test.Meeting.Item(subs[1]).Number, Is.EqualTo("4.a"));
        Assert.That(test.Meeting.Item(subs[0]).Number, Is.EqualTo("4.b"));
    }

    [Test]
    public void Moving_ASubItemToTheTopLevel_NumbersItAsATopItem()
    {
        var (test, subs) = WithSubItems();

        test.Do(test.Meeting.MoveItem(subs[0], null, 1));

        Assert.That(Numbers(test.Meeting), Is.EqualTo("1 2 3 4 5 5.a"));
        Assert.That(test.Meeting.Item(subs[0]).Number, Is.EqualTo("2"));
        Assert.That(test.Meeting.Item(subs[0]).ParentId, Is.Null);
        Assert.That(test.Meeting.Item(subs[1]).Number, Is.EqualTo("5.a"));
    }

    [Test]
    public void Moving_ATopItemUnderAnother_MakesItASubItem()
    {
        var (test, _) = WithSubItems();

        test.Do(test.Meeting.MoveItem(test.Items[1], test.Items[3], 1));

        Assert.That(Numbers(test.Meeting), Is.EqualTo("1 2 3 3.a 3.b 3.c"));
        Assert.That(test.Meeting.Item(test.Items[1]).Number, Is.EqualTo("3.b"));
        Assert.That(test.Meeting.Item(test.Items[1]).ParentId, Is.EqualTo(test.Items[3]));
    }

    [Test]
    public void Removing_AnItem_ClosesTheGapInTheNumbers()
    {
        var (test, subs) = WithSubItems();

        test.Do(test.Meeting.RemoveItem(test.Items[1]));
        test.Do(test.Meeting.RemoveItem(subs[0]));

        Assert.That(Numbers(test.Meeting), Is.EqualTo("1 2 3 3.a"));
        Assert.That(test.Meeting.Item(subs[1]).Number, Is.EqualTo("3.a"));
        Assert.That(() => test.Meeting.Item(test.Items[1]), Refused.Field("itemId"));
    }

    [Test]
    public void Removing_AnItemWithSubItems_IsRefused()
    {
        var (test, _) = WithSubItems();
        Assert.That(() => test.Meeting.RemoveItem(test.Items[3]), Refused.Rule("item-has-sub-items"));
    }

    [Test]
    public void Removing_TheItemUnderConsideration_IsRefused()
    {
        var test = TestMeeting.InSession();
        Assert.That(() => test.Meeting.RemoveItem(test.Items[0]), Refused.Rule("item-is-current"));
    }

    [Test]
    public void Removing_AnItemWithSpeakersOnTheRecord_IsRefused()
    {
        var test = TestMeeting.InSession().OpenComment(1);
        test.SignUp("Ana", item: 1);
        Assert.That(() => test.Meeting.RemoveItem(test.Items[1]), Refused.Rule("item-has-record"));
    }

    [Test]
    public void Removing_AnItemWithAWrittenComment_IsRefused_ForTheMinutesAndExportsCountIt()
    {
        var test = TestMeeting.Published();
        test.Do(test.Meeting.SubmitWrittenComment(TestMeeting.OnTime, Guid.NewGuid(), test.Items[1], "Ana", "Please fund the library.", "person-ana"));
        Assert.That(() => test.Meeting.RemoveItem(test.Items[1]), Refused.Rule("item-has-record"));
        Assert.That(test.Meeting.RemoveItem(test.Items[2]), Has.Length.EqualTo(1), "an item without a record can still be removed");
    }

    [Test]
    public void SubItems_CannotHaveSubItems()
    {
        var (test, subs) = WithSubItems();
        Assert.That(() => test.Meeting.AddItem(Guid.NewGuid(), subs[0], null, "Too deep", AgendaItemKind.Action, null, false, null),
            Refused.Rule("item-nesting"));
        Assert.That(() => test.Meeting.MoveItem(test.Items[0], subs[0], 0), Refused.Rule("item-nesting"));
    }

    [Test]
    public void Moving_AnItemWithSubItemsUnderAnother_IsRefused()
    {
        var (test, _) = WithSubItems();
        Assert.That(() => test.Meeting.MoveItem(test.Items[3], test.Items[0], 0), Refused.Rule("item-nesting"));
    }

    [Test]
    public void Moving_AnItemUnderItself_IsRefused()
    {
        var test = TestMeeting.Draft();
        Assert.That(() => test.Meeting.MoveItem(test.Items[0], test.Items[0], 0), Refused.Rule("item-nesting"));
    }

    [Test]
    public void Changes_BeforePublication_AreNotAmendments()
    {
        var (test, subs) = WithSubItems();

        var revised = test.Do(test.Meeting.ReviseItem(test.Items[0], "Public comment (non-agenda)", AgendaItemKind.PublicComment, null, true, 2));
        test.Do(test.Meeting.MoveItem(subs[0], null, 0));

        Assert.That(((AgendaItemRevised)revised.Single()).IsAmendment, Is.False);
        Assert.That(test.Meeting.Agenda.Any(i => i.Amended), Is.False);
    }

    [Test]
    public void Changes_AfterPublication_AreFlaggedAsAmendments()
    {
        var (test, subs) = WithSubItems(publish: true);
        var added = Guid.NewGuid();

        test.Do(test.Meeting.AddItem(added, null, null, "Added late", AgendaItemKind.Discussion, null, false, null));
        test.Do(test.Meeting.ReviseItem(test.Items[0], "Public comment (non-agenda)", AgendaItemKind.PublicComment, null, true, 2));
        test.Do(test.Meeting.MoveItem(subs[0], null, 0));
        var removed = test.Do(test.Meeting.RemoveItem(test.Items[2]));

        Assert.That(test.Meeting.Item(added).Amended, Is.True);
        Assert.That(test.Meeting.Item(test.Items[0]).Amended, Is.True);
        Assert.That(test.Meeting.Item(test.Items[0]).Title, Is.EqualTo("Public comment (non-agenda)"));
        Assert.That(test.Meeting.Item(subs[0]).Amended, Is.True);
        Assert.That(test.Meeting.Item(subs[1]).Amended, Is.False, "untouched items stay as posted");
        Assert.That(test.Meeting.Item(test.Items[1]).Amended, Is.False);
        Assert.That(removed.Single(), Is.EqualTo(new AgendaItemRemoved(test.Items[2], true)));
    }

    [TestCase(MeetingStatus.Adjourned)]
    [TestCase(MeetingStatus.Cancelled)]
    public void Agenda_CannotChange_OnceTheMeetingIsOver(MeetingStatus status)
    {
        var test = TestMeeting.InStatus(status);
        Assert.That(() => test.Meeting.AddItem(Guid.NewGuid(), null, null, "Late", AgendaItemKind.Discussion, null, false, null),
            Refused.Rule("agenda-closed"));
        Assert.That(() => test.Meeting.RemoveItem(test.Items[1]), Refused.Rule("agenda-closed"));
    }

    [Test]
    public void OpeningAnotherItem_ClosesPublicCommentOnTheCurrentOne()
    {
        var test = TestMeeting.InSession().OpenComment(0);

        var events = test.Do(test.Meeting.OpenItem(test.Items[1]));

        Assert.That(events, Is.EqualTo(new MeetingEvent[] { new PublicCommentClosed(test.Items[0]), new ItemOpened(test.Items[1]) }));
        Assert.That(test.Meeting.Item(test.Items[0]).CommentOpen, Is.False);
        Assert.That(test.Meeting.CurrentItemId, Is.EqualTo(test.Items[1]));
    }

    [Test]
    public void OpeningTheCurrentItemAgain_IsRefused()
    {
        var test = TestMeeting.InSession();
        Assert.That(() => test.Meeting.OpenItem(test.Items[0]), Refused.Rule("item-already-open"));
    }

    [Test]
    public void PublicComment_IsRefused_OnAnItemThatDoesNotTakeIt()
    {
        var test = TestMeeting.InSession();
        Assert.That(() => test.Meeting.OpenPublicComment(test.Items[2]),
            Throws.TypeOf<MeetingRuleException>().With.Property(nameof(MeetingRuleException.Rule)).EqualTo("comment-not-taken")
                .And.Message.Contains("Item 3"));
    }

    [Test]
    public void Revising_WithTheSameValues_ChangesNothing()
    {
        var test = TestMeeting.Published();

        Assert.That(test.Meeting.ReviseItem(test.Items[1], "Budget hearing", AgendaItemKind.PublicHearing, "Fiscal year 2026", true, 2), Is.Empty);
        Assert.That(test.Meeting.ReviseItem(test.Items[1], "Budget hearing", AgendaItemKind.PublicHearing, "Fiscal year 2026", true, 3), Has.Length.EqualTo(1));
    }

    [Test]
    public void TheEstimatedLength_IsTheSumOfTheItemsEstimates_OrUnknownWithoutAny()
    {
        var test = TestMeeting.Draft();
        Assert.That(test.Meeting.EstimatedLength, Is.Null);

        test.Do(test.Meeting.ReviseItem(test.Items[0], "Public comment", AgendaItemKind.PublicComment, null, true, null, estimatedMinutes: 30));
        test.Do(test.Meeting.AddItem(Guid.NewGuid(), null, null, "Staff report", AgendaItemKind.Discussion, null, false, null, estimatedMinutes: 45));

        Assert.That(test.Meeting.EstimatedLength, Is.EqualTo(TimeSpan.FromMinutes(75)));
        Assert.That(() => test.Meeting.AddItem(Guid.NewGuid(), null, null, "Too long", AgendaItemKind.Discussion, null, false, null, estimatedMinutes: 601),
            Refused.Field("estimatedMinutes"));
    }
}
