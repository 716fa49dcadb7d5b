using System.Net;
using Meetings.Client.Contracts;
using Meetings.Server.Meetings;
using Meetings.Tests.Support;

namespace Meetings.Tests.Api;

/// <summary>The livestream beside the agenda: set by the clerk, carried by the meeting and the live snapshot, embedded where the provider allows.</summary>
public class StreamApiTests
{
    [TestCase("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")]
    [TestCase("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")]
    [TestCase("https://www.youtube.com/live/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")]
    [TestCase("https://vimeo.com/123456789", "https://player.vimeo.com/video/123456789")]
    [TestCase("https://vimeo.com/event/4242", "https://vimeo.com/event/4242/embed")]
    [TestCase("https://harborcity.granicus.com/player/camera/2", null)]
    [TestCase("https://www.youtube.com/watch?v=not-an-id", null)]
    [TestCase("https://www.youtube.com/@HarborCity/live", null)]
    public void YouTubeAndVimeo_AreEmbedded_OtherProvidersAreLinked(string address, string? embed) =>
        Assert.That(StreamEmbed.For(address), Is.EqualTo(embed));
    [Test]
    public async Task TheClerkSetsAStream_AndEveryoneSeesIt_InTheMeetingAndLive()
    {
        using var host = new TestHost();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var meeting = await clerk.DemoMeeting();
        var id = meeting.Meeting.Id;
        await using var resident = await LiveClient.ConnectAsync(host, null, "resident", id);

        var detail = await clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{id}/stream",
            new StreamRequest("https://youtu.be/dQw4w9WgXcQ", "https://captions.example.org/harbor"), HttpStatusCode.OK);

        var expected = new StreamDto("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://captions.example.org/harbor");
        Assert.That(detail.Stream, Is.EqualTo(expected));
        Assert.That((await host.Anonymous().Get<MeetingDetail>($"/api/meetings/{id}")).Stream, Is.EqualTo(expected));
        var live = await resident.WaitUntil(s => s.Stream is not null, "the stream in the snapshot");
        Assert.That(live.Stream, Is.EqualTo(expected));

        var linked = await clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{id}/stream",
            new StreamRequest("https://harborcity.granicus.com/player/camera/2", null), HttpStatusCode.OK);
        Assert.That(linked.Stream, Is.EqualTo(new StreamDto("https://harborcity.granicus.com/player/camera/2", null, null)));
        var cleared = await clerk.Send<MeetingDetail>(HttpMethod.Put, $"/api/meetings/{id}/stream", new StreamRequest(null, null), HttpStatusCode.OK);
        Assert.That(cleared.Stream, Is.Null);
    }

    [Test]
    public async Task AStreamThatIsNotHttps_IsRefusedWithAFieldError_AndOnlyAClerkMaySetOne()
    {
        using var host = new TestHost();
        var clerk = await host.SignInAsync(Demo.Clerk);
        var id = (await clerk.DemoMeeting()).Meeting.Id;

        var bad = await clerk.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/meetings/{id}/stream")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new StreamRequest("javascript:alert(1)", null)),
        });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("streamUrl"));

        var anonymous = await host.Anonymous().PutAsync($"/api/meetings/{id}/stream", System.Net.Http.Json.JsonContent.Create(new StreamRequest("https://vimeo.com/1", null)));
        var official = await (await host.SignInAsync(Demo.Mayor)).PutAsync($"/api/meetings/{id}/stream", System.Net.Http.Json.JsonContent.Create(new StreamRequest("https://vimeo.com/1", null)));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(official.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await host.Anonymous().Get<MeetingDetail>($"/api/meetings/{id}")).Stream, Is.Null, "nothing changed");
    }
}
