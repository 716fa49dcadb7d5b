using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class StreamTests
{
    [Test]
    public void AStreamAndCaptions_AreSet_Changed_AndCleared()
    {
        var test = TestMeeting.Draft(seats: 3);

        var set = test.Do(test.Meeting.SetStream(" https://www.youtube.com/watch?v=dQw4w9WgXcQ ", "https://captions.example.org/council"));
        Assert.That(set, Is.EqualTo(new[] { new StreamChanged("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://captions.example.org/council") }));
        Assert.That(test.Meeting.StreamUrl, Is.EqualTo("https://www.youtube.com/watch?v=dQw4w9WgXcQ"));
        Assert.That(test.Meeting.SetStream("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://captions.example.org/council"), Is.Empty, "no change, no event");

        test.Do(test.Meeting.SetStream(null, ""));
        Assert.That((test.Meeting.StreamUrl, test.Meeting.CaptionsUrl), Is.EqualTo(((string?)null, (string?)null)));
    }

    [TestCase("http://www.youtube.com/watch?v=dQw4w9WgXcQ")]
    [TestCase("javascript:alert(1)")]
    [TestCase("www.youtube.com/watch?v=dQw4w9WgXcQ")]
    [TestCase("https://clerk:secret@stream.example.org/live")]
    [TestCase("ftp://stream.example.org/live")]
    public void OnlyAnHttpsAddressWithoutCredentials_IsAccepted(string address)
    {
        var test = TestMeeting.Draft(seats: 3);
        Assert.That(() => test.Meeting.SetStream(address, null), Refused.Field("streamUrl"));
        Assert.That(() => test.Meeting.SetStream(null, address), Refused.Field("captionsUrl"));
        Assert.That(() => test.Meeting.SetStream("https://example.org/" + new string('a', 500), null), Refused.Field("streamUrl"));
    }

    [Test]
    public void ACancelledMeeting_IsNotStreamed()
    {
        var test = TestMeeting.InStatus(MeetingStatus.Cancelled);
        Assert.That(() => test.Meeting.SetStream("https://vimeo.com/123456789", null), Refused.Rule("stream-of-cancelled"));
    }
}
