using System.Net;
using System.Text.RegularExpressions;
using Hangfire;
using Meetings.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Security;

/// <summary>
/// Hangfire's dashboard at <c>/jobs</c> changes jobs by POST. A page on another site could make an administrator's
/// browser post there with the administrator's cookie; only a post carrying the dashboard's own antiforgery token is obeyed.
/// </summary>
public partial class JobsDashboardTests
{
    [Test]
    public async Task APostWithTheAdministratorsCookie_ButWithoutTheDashboardsToken_ChangesNoJob()
    {
        using var host = new TestHost();
        var job = ScheduleAJob(host);
        var admin = await host.SignInAsync(Demo.Admin);

        var forged = new HttpRequestMessage(HttpMethod.Post, $"/jobs/jobs/actions/delete/{job}") { Content = new FormUrlEncodedContent([]) };
        forged.Headers.Add("Origin", "https://evil.example");
        var withAWrongToken = new HttpRequestMessage(HttpMethod.Post, $"/jobs/jobs/actions/delete/{job}") { Content = new FormUrlEncodedContent([]) };
        withAWrongToken.Headers.Add("X-CSRF-TOKEN", "CfDJ8-made-up");

        Assert.That((await admin.SendAsync(forged)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await admin.SendAsync(withAWrongToken)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(State(host, job), Is.EqualTo("Scheduled"), "the job is untouched");
    }

    [Test]
    public async Task TheDashboardsOwnPost_WithItsToken_Works()
    {
        using var host = new TestHost();
        var job = ScheduleAJob(host);
        var admin = await host.SignInAsync(Demo.Admin);
        var page = await admin.GetStringAsync($"/jobs/jobs/details/{job}");
        var header = Attribute().Match(page);
        Assert.That(header.Success, Is.True, "the dashboard page carries its antiforgery token");

        var post = new HttpRequestMessage(HttpMethod.Post, $"/jobs/jobs/actions/delete/{job}") { Content = new FormUrlEncodedContent([]) };
        post.Headers.Add(WebUtility.HtmlDecode(header.Groups["header"].Value), WebUtility.HtmlDecode(header.Groups["token"].Value));
        var response = await admin.SendAsync(post);

        Assert.That(response.IsSuccessStatusCode, Is.True, response.StatusCode.ToString());
        Assert.That(State(host, job), Is.EqualTo("Deleted"));
    }

    /// <summary>A job a day away, so nothing runs it during the test.</summary>
    private static string ScheduleAJob(TestHost host) =>
        host.Services.GetRequiredService<IBackgroundJobClient>().Schedule(() => Console.WriteLine("a reminder"), TimeSpan.FromDays(1));

    private static string? State(TestHost host, string job)
    {
        using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetJobData(job)?.State;
    }

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"(?<header>[^\"]+)\"\\s*/?>\\s*<meta name=\"csrf-token\" content=\"(?<token>[^\"]+)\"")]
    private static partial Regex Attribute();
}
