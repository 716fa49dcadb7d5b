using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Meetings.Client.Contracts;

namespace Meetings.Tests.Support;

/// <summary>Small helpers for calling the REST API and reading its answers the way a client would.</summary>
public static class ApiClient
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<T> Get<T>(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        await Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static async Task<T> Send<T>(this HttpClient client, HttpMethod method, string url, object? body, HttpStatusCode expected)
    {
        var response = await client.SendAsync(new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body, options: Json) });
        await Expect(response, expected);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static async Task Expect(HttpResponseMessage response, HttpStatusCode expected) =>
        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());

    /// <summary>The demo council's published meeting.</summary>
    public static async Task<MeetingDetail> DemoMeeting(this HttpClient client)
    {
        var list = await client.Get<List<MeetingSummary>>("/api/meetings");
        return await client.Get<MeetingDetail>($"/api/meetings/{list.Single(m => m.BodyName == "Harbor City Council" && m.Status == "Published").Id}");
    }

    /// <summary>The demo council's meeting, whatever its status now.</summary>
    public static async Task<MeetingDetail> DemoMeetingAnyState(this HttpClient client)
    {
        var list = await client.Get<List<MeetingSummary>>("/api/meetings");
        return await client.Get<MeetingDetail>($"/api/meetings/{list.First(m => m.BodyName == "Harbor City Council").Id}");
    }

    /// <summary>A special meeting of <paramref name="bodyId"/> with one agenda item, scheduled by a clerk's client and, if asked, published.</summary>
    public static async Task<MeetingDetail> ScheduleMeeting(this HttpClient clerk, Guid bodyId, string title, DateTime start, bool publish)
    {
        var meeting = await clerk.Send<MeetingDetail>(HttpMethod.Post, "/api/meetings",
            new MeetingRequest(bodyId, title, "Special", start, "America/Los_Angeles", "Council Chambers"), HttpStatusCode.Created);
        var detail = await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/agenda",
            new AgendaItemRequest("Sidewalk repairs", "Action"), HttpStatusCode.Created);
        return publish
            ? await clerk.Send<MeetingDetail>(HttpMethod.Post, $"/api/meetings/{meeting.Meeting.Id}/publish", new PublishRequest(), HttpStatusCode.OK)
            : detail;
    }

    /// <summary>A GET as if from <paramref name="address"/> (through the trusted proxy on loopback, as limits per address see it).</summary>
    public static Task<HttpResponseMessage> GetFrom(this HttpClient client, string path, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Forwarded-For", address);
        return client.SendAsync(request);
    }

    public static async Task<BodyDto> DemoBody(this HttpClient client) =>
        (await client.Get<List<BodyDto>>("/api/bodies")).Single(b => b.Name == "Harbor City Council");
}
