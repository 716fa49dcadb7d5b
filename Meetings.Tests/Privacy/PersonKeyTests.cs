using System.Net;
using System.Security.Cryptography;
using System.Text;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Privacy;

/// <summary>
/// A resident's person key is an HMAC, under the server's secret, of the meeting and their token: their own page
/// recognises their entries, but the same resident cannot be followed from one meeting's public journal to another's.
/// </summary>
public class PersonKeyTests
{
    private static async Task<(Guid Id, Guid Item)> CommentOpen(TestHost host, LiveClient clerk, HttpClient clerkHttp)
    {
        var body = await host.Anonymous().DemoBody();
        var start = Dates.DaysAfter(host.Clock.GetUtcNow(), 30);
        var meeting = await clerkHttp.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(body.Id, "Special Meeting", "Special", start, "America/Los_Angeles", "Council Chambers"), HttpStatusCode.Created);
        var id = meeting.Meeting.Id;
        var item = (await clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/agenda",
            new AgendaItemRequest("Park renovation", "PublicHearing", TakesPublicComment: true), HttpStatusCode.Created)).Agenda.Single().Id;
        await clerkHttp.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{id}/publish", new PublishRequest(), HttpStatusCode.OK);
        await clerk.OpenPublicComment(id, item);
        return (id, item);
    }

    [Test]
    public async Task OneResident_HasADifferentKeyInEachMeeting_AndTheirPageRecognisesTheirEntries()
    {
        using var host = new TestHost();
        var clerkHttp = await host.SignInAsync(Demo.Clerk);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", (await host.Anonymous().DemoMeeting()).Meeting.Id);
        var first = await CommentOpen(host, clerk, clerkHttp);
        var second = await CommentOpen(host, clerk, clerkHttp);
        const string Token = "the-same-browser-token-0123456789";

        var keys = new List<string>();
        foreach (var (id, item) in new[] { first, second })
        {
            await using var resident = await LiveClient.ConnectAsync(host, null, "resident", id);
            var joined = await resident.Invoke<JoinResult>("Join", id, Token);
            var entry = await resident.Invoke<Guid>("SignUpToSpeak", id, Token, new SignUpRequest(item, "Ana Ruiz"));
            var mine = (await resident.WaitUntil(s => s.Speakers.Any(e => e.Id == entry), "the sign-up")).Speakers.Single(e => e.Id == entry);
            Assert.That(mine.PersonKey, Is.EqualTo(joined.PersonKey), "the resident's page recognises its own entry");
            keys.Add(joined.PersonKey!);
        }

        Assert.That(keys[0], Is.Not.EqualTo(keys[1]), "nothing links the two meetings' entries");
        Assert.That(keys, Has.All.Match("^[0-9a-f]{24}$"));
        var unkeyed = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("resident:" + Token)))[..24];
        Assert.That(keys, Has.None.EqualTo(unkeyed), "not a plain hash of the token, which anyone holding it could compute");
        var journals = await Task.WhenAll(new[] { first.Id, second.Id }.Select(id => host.Anonymous().GetStringAsync($"/api/meetings/{id}/journal")));
        Assert.That(journals[0], Does.Not.Contain(keys[1]).And.Not.Contain(Token));
        Assert.That(journals[1], Does.Not.Contain(keys[0]).And.Not.Contain(Token));
    }

    [Test]
    public async Task TheSecret_IsMadeOnce_KeptAcrossRestarts_AndCanBeConfigured()
    {
        var folder = TestHost.NewFolder();
        const string Token = "another-browser-token-0123456789";
        async Task<string> KeyFrom(TestHost host)
        {
            var id = (await host.Anonymous().DemoMeeting()).Meeting.Id;
            await using var resident = await LiveClient.ConnectAsync(host, null, "resident", id);
            return (await resident.Invoke<JoinResult>("Join", id, Token)).PersonKey!;
        }

        string first, restarted, configured;
        using (var host = new TestHost(folder)) first = await KeyFrom(host);
        using (var host = new TestHost(folder)) restarted = await KeyFrom(host);
        using (var host = new TestHost(folder, settings: new Dictionary<string, string?> { ["Privacy:Secret"] = "a configured secret of at least thirty-two characters" }))
            configured = await KeyFrom(host);

        Assert.That(restarted, Is.EqualTo(first), "the stored secret survives a restart, so residents keep their places");
        Assert.That(configured, Is.Not.EqualTo(first));
    }
}
