using System.Net;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Live;

/// <summary>
/// A meeting copies its body's seats when it is scheduled; a member sworn in before it is called to order (a new term)
/// is the one its roll and votes name, not the member who held the seat when it was posted; one sworn in during the
/// meeting, from then on.
/// </summary>
public class SeatsAtCallToOrderTests
{
    [Test]
    public async Task AMemberSwornInAfterTheMeetingWasPosted_IsNamedFromTheCallToOrder_OrFromTheOathDuringIt()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var body = await host.Anonymous().DemoBody();
        var id = meeting.Meeting.Id;
        var seat = body.Seats.Single(s => s.Title == "Mayor");
        Assert.That(seat.MemberName, Is.EqualTo("Maria Alvarez"));

        // The new term: the seat and its login go to Lee Park.
        var admin = await host.SignInAsync(Demo.Admin);
        await admin.Send<BodyDto>(HttpMethod.Put, $"/api/bodies/{body.Id}/seats/{seat.Id}", new SeatRequest("Mayor", "Lee Park", Demo.Mayor), HttpStatusCode.OK);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await using var viewer = await LiveClient.ConnectAsync(host, null, "viewer", id);
        Assert.That(viewer.Snapshot.Members.Single(m => m.SeatId == seat.Id).Name, Is.EqualTo("Maria Alvarez"), "as posted");

        await clerk.Do("StartMeeting", id);
        var seated = await viewer.WaitUntil(s => s.Meeting.Status == "Live", "called to order");
        Assert.That(seated.Members.Single(m => m.SeatId == seat.Id).Name, Is.EqualTo("Lee Park"), "as called to order");
        Assert.That(seated.Members.Select(m => m.Name), Does.Not.Contain("Maria Alvarez"));
        var journal = await host.Anonymous().GetStringAsync($"/api/meetings/{id}/journal");
        Assert.That(journal, Does.Contain("\"MembersSeated\"").And.Contain("Lee Park"), "on the record");

        // Sworn in during the meeting: named from then on.
        await admin.Send<BodyDto>(HttpMethod.Put, $"/api/bodies/{body.Id}/seats/{seat.Id}", new SeatRequest("Mayor", "Dana Cruz", Demo.Mayor), HttpStatusCode.OK);
        await viewer.WaitUntil(s => s.Members.Single(m => m.SeatId == seat.Id).Name == "Dana Cruz", "the member sworn in during the meeting");
    }
}
