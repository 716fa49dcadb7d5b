using System.Net;
using System.Text.Json.Serialization;
using Meetings.Client.Contracts;
using Meetings.Server.Identity;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// A clerk's console that only watches calls nothing that would check its session again, yet it receives what only
/// clerks may see. Signing out ends it: at once on the instance signed out on, within a look on the others, and a
/// watching call from a session that no longer stands is refused.
/// </summary>
public class SignedOutScreensTests
{
    [Test]
    public async Task SigningOut_EndsTheClerksWatchingConsole_AtOnce()
    {
        using var host = new TestHost();
        var jar = new CookieContainer();
        var http = await host.SignInAsync(Demo.Clerk, jar);
        var meeting = await host.Anonymous().DemoMeetingAnyState();
        var console = await Console(host, jar, meeting.Meeting.Id);

        Assert.That((await http.PostAsync("/api/auth/logout", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        Assert.That(await console.Closed.Task.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "the server closed the console's connection");
        await console.Connection.DisposeAsync();
    }

    [Test]
    public async Task ASignOutOnAnotherInstance_EndsTheConsoleAtTheNextLook_AndNoOneElses()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeetingAnyState();
        var clerkJar = new CookieContainer();
        await host.SignInAsync(Demo.Clerk, clerkJar);
        var adminJar = new CookieContainer();
        await host.SignInAsync(Demo.Admin, adminJar);
        var clerk = await Console(host, clerkJar, meeting.Meeting.Id);
        var admin = await Console(host, adminJar, meeting.Meeting.Id);

        await SignOutElsewhereAsync(host, Demo.Clerk);
        await host.Services.GetRequiredService<SignedOutScreens>().SweepAsync();

        Assert.That(await clerk.Closed.Task.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "the clerk's console was ended");
        Assert.That(await admin.Connection.InvokeAsync<JoinResult>("Join", meeting.Meeting.Id, null), Is.Not.Null,
            "the administrator, still signed in, carries on");
        Assert.That(admin.Connection.State, Is.EqualTo(HubConnectionState.Connected));
        await clerk.Connection.DisposeAsync();
        await admin.Connection.DisposeAsync();
    }

    [Test]
    public async Task AWatchingCall_FromASessionSignedOutElsewhere_IsRefusedAndEndsTheConnection()
    {
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeetingAnyState();
        var jar = new CookieContainer();
        await host.SignInAsync(Demo.Clerk, jar);
        var console = await Console(host, jar, meeting.Meeting.Id);

        await SignOutElsewhereAsync(host, Demo.Clerk);

        // Refused: the connection is ended as the call is, so the client sees the call fail as the connection closes.
        Assert.CatchAsync(() => console.Connection.InvokeAsync<JoinResult>("Join", meeting.Meeting.Id, null), "the join does not run");
        Assert.That(await console.Closed.Task.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "and the connection was ended");
        await console.Connection.DisposeAsync();
    }

    /// <summary>What signing out on another instance leaves in the shared database: the account's stamp changed.</summary>
    private static async Task SignOutElsewhereAsync(TestHost host, string email)
    {
        using var scope = host.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<MeetingsUser>>();
        await users.UpdateSecurityStampAsync((await users.FindByEmailAsync(email))!);
    }

    private sealed record OpenConsole(HubConnection Connection, TaskCompletionSource<bool> Closed);

    /// <summary>A signed-in console that has joined the meeting and does not come back by itself once closed.</summary>
    private static async Task<OpenConsole> Console(TestHost host, CookieContainer jar, Guid meetingId)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/meeting"), o =>
            {
                o.Cookies = jar;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var closed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult(true);
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        var joined = await connection.InvokeAsync<JoinResult>("Join", meetingId, null);
        Assert.That(joined.Role, Is.Not.EqualTo("Viewer"), "the console is signed in");
        return new OpenConsole(connection, closed);
    }
}
