using Meetings.Server.Domain;
using Meetings.Server.Notices;
using Meetings.Tests.Domain;

namespace Meetings.Tests.Notices;

public class MeetingChangesTests
{
    [Test]
    public void SeveralEdits_ReadAsOneListOfChanges_WithTheItemNumbers()
    {
        var test = TestMeeting.Draft(items: 4).Publish();
        var before = test.History.Count;
        var (comment, hearing, adopt, discussion) = (test.Items[0], test.Items[1], test.Items[2], test.Items[3]);
        var closed = Guid.NewGuid();
        var staff = Guid.NewGuid();
        test.Do(test.Meeting.Reschedule("Regular meeting", TestMeeting.Start.AddDays(1), TestMeeting.Zone, "Library", TestMeeting.OnTime));
        test.Do(test.Meeting.RemoveItem(discussion));
        test.Do(test.Meeting.AddItem(closed, null, null, "Closed session", AgendaItemKind.ClosedSession, null, false, null));
        test.Do(test.Meeting.ReviseItem(closed, "Closed session: labor negotiations", AgendaItemKind.ClosedSession, null, false, null));
        test.Do(test.Meeting.ReviseItem(hearing, "Budget public hearing", AgendaItemKind.PublicHearing, "Fiscal year 2026", true, 2));
        test.Do(test.Meeting.MoveItem(adopt, null, 0));
        test.Do(test.Meeting.AddItem(staff, null, null, "Staff report", AgendaItemKind.Discussion, null, false, null));
        test.Do(test.Meeting.RemoveItem(staff));

        var changes = MeetingChanges.Between(test.History, before);

        Assert.That(changes, Is.EqualTo(new MeetingChange[]
        {
            new MeetingMoved(TestMeeting.Start, TestMeeting.Start.AddDays(1), TestMeeting.Zone),
            new PlaceChanged("Council Chambers", "Library"),
            new ItemMoved("3", "1", "Adopt the budget"),
            new ItemReworded("3", "Budget hearing", "Budget public hearing"),
            new ItemAdded("4", "Closed session: labor negotiations"),
            new ItemRemoved("4", "Discussion 4"),
        }), "public comment was only renumbered; the staff report came and went");
        Assert.That(comment, Is.Not.EqualTo(Guid.Empty));
    }

    [Test]
    public void EditsThatUndoEachOther_ReadAsNoChange()
    {
        var test = TestMeeting.Draft().Publish();
        var before = test.History.Count;
        var hearing = test.Items[1];
        test.Do(test.Meeting.ReviseItem(hearing, "Budget workshop", AgendaItemKind.PublicHearing, "Fiscal year 2026", true, 2));
        test.Do(test.Meeting.ReviseItem(hearing, "Budget hearing", AgendaItemKind.PublicHearing, "Fiscal year 2026", true, 2));

        Assert.That(MeetingChanges.Between(test.History, before), Is.Empty);
    }

    [Test]
    public void DocumentsAddedOrRemoved_AreListedWithTheirItemsNumber()
    {
        var test = TestMeeting.Draft().Publish();
        var staleReport = Guid.NewGuid();
        test.Do(test.Meeting.AttachDocument(TestMeeting.OnTime, staleReport, test.Items[1], "Old staff report", "old.pdf", "application/pdf", 1000, new string('a', 64), null));
        var before = test.History.Count;
        test.Do(test.Meeting.AttachDocument(TestMeeting.OnTime, Guid.NewGuid(), test.Items[2], "Resolution 2026-14", "resolution.pdf", "application/pdf", 2000, new string('b', 64), null));
        test.Do(test.Meeting.RemoveDocument(TestMeeting.OnTime, staleReport));

        Assert.That(MeetingChanges.Between(test.History, before), Is.EqualTo(new MeetingChange[]
        {
            new ItemDocumentAdded("3", "Resolution 2026-14"),
            new ItemDocumentRemoved("2", "Old staff report"),
        }));
    }
}
