using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class MinutesAndDocumentRuleTests
{
    private static readonly string Hash = new('a', 64);

    [TestCase(MeetingStatus.Published)]
    [TestCase(MeetingStatus.Live)]
    [TestCase(MeetingStatus.Recessed)]
    public void Minutes_AreWrittenOnlyAfterAdjournment(MeetingStatus status)
    {
        var m = TestMeeting.InStatus(status).Meeting;
        Assert.That(() => m.EditNarrative(TestMeeting.At(100), null, "Too early"), Refused.Rule("minutes-after-adjournment"));
        Assert.That(() => m.ApproveMinutes(TestMeeting.At(100), 1, Hash, m.Version, null), Refused.Rule("minutes-after-adjournment"));
    }

    [Test]
    public void ANarrativeEdit_RecordsTheHashOfTheText_AndTheSameTextAgainChangesNothing()
    {
        var test = TestMeeting.InStatus(MeetingStatus.Adjourned);
        var edit = (MinutesNarrativeEdited)test.Do(test.Meeting.EditNarrative(TestMeeting.At(100), test.Items[1], "  Staff presented.  ")).Single();
        Assert.That(edit.TextHash, Is.EqualTo(Meeting.HashOfText("Staff presented.")));
        Assert.That(test.Meeting.Narratives[test.Items[1]], Is.EqualTo(edit.TextHash));
        Assert.That(test.Meeting.EditNarrative(TestMeeting.At(101), test.Items[1], "Staff presented."), Is.Empty);
        Assert.That(() => test.Meeting.EditNarrative(TestMeeting.At(101), Guid.NewGuid(), "x"), Refused.Field("itemId"));
        Assert.That(() => test.Meeting.EditNarrative(TestMeeting.At(101), null, new string('x', Meeting.NarrativeLimit + 1)), Refused.Field("text"));
    }

    [Test]
    public void Approvals_AreNumberedInOrder_ACorrectionNeedsAReason_AndAStaleDocumentIsRefused()
    {
        var test = TestMeeting.InStatus(MeetingStatus.Adjourned);
        var m = test.Meeting;
        Assert.That(() => m.ApproveMinutes(TestMeeting.At(100), 2, Hash, m.Version, null), Refused.Rule("minutes-current"));
        Assert.That(() => m.ApproveMinutes(TestMeeting.At(100), 1, Hash, m.Version - 1, null), Refused.Rule("minutes-current"));
        test.Do(m.ApproveMinutes(TestMeeting.At(100), 1, Hash, m.Version, "ignored on a first version"));
        Assert.That(m.MinutesVersions.Single().Correction, Is.Null);
        Assert.That(() => m.ApproveMinutes(TestMeeting.At(101), 2, new string('b', 64), m.Version, " "), Refused.Field("correction"));
        test.Do(m.ApproveMinutes(TestMeeting.At(101), 2, new string('b', 64), m.Version, "Item 2 described more fully."));
        Assert.That(m.MinutesVersions.Select(v => (v.Version, v.Correction)),
            Is.EqualTo(new[] { (1, (string?)null), (2, "Item 2 described more fully.") }));
    }

    [Test]
    public void ADocumentAddedAfterPublication_IsAnAmendment_AndReplacingOneKeepsItsPlace()
    {
        var test = TestMeeting.Draft();
        var (first, second, replacement) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var before = (DocumentAttached)test.Do(test.Meeting.AttachDocument(TestMeeting.OnTime, first, test.Items[1], "Staff report", "report.pdf", "application/pdf", 10, Hash, null)).Single();
        Assert.That(before.IsAmendment, Is.False);
        test.Publish();
        var after = (DocumentAttached)test.Do(test.Meeting.AttachDocument(TestMeeting.OnTime, second, test.Items[1], "Slides", "slides.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation", 20, Hash, null)).Single();
        Assert.That(after.IsAmendment, Is.True);
        Assert.That(test.Meeting.Item(test.Items[1]).Amended, Is.True);
        test.Do(test.Meeting.AttachDocument(TestMeeting.OnTime, replacement, test.Items[1], "Staff report, revised", "report-2.pdf", "application/pdf", 11, Hash, first));
        Assert.That(test.Meeting.DocumentsOf(test.Items[1]).Select(d => d.Title), Is.EqualTo(new[] { "Staff report, revised", "Slides" }));
        Assert.That(() => test.Meeting.AttachDocument(TestMeeting.OnTime, Guid.NewGuid(), test.Items[0], "x", "x.pdf", "application/pdf", 1, Hash, second),
            Refused.Rule("replace-same-item"));
        var removed = (DocumentRemoved)test.Do(test.Meeting.RemoveDocument(TestMeeting.OnTime, second)).Single();
        Assert.That(removed.IsAmendment, Is.True);
        Assert.That(test.Meeting.Documents.Select(d => d.Id), Is.EqualTo(new[] { replacement }));
    }

    [TestCase(MeetingStatus.Adjourned)]
    [TestCase(MeetingStatus.Cancelled)]
    public void TheDocumentsOfAClosedMeeting_CannotChange(MeetingStatus status)
    {
        var test = TestMeeting.InStatus(status);
        Assert.That(() => test.Meeting.AttachDocument(TestMeeting.At(100), Guid.NewGuid(), test.Items[0], "Late", "late.pdf", "application/pdf", 1, Hash, null),
            Refused.Rule("agenda-closed"));
    }
}
