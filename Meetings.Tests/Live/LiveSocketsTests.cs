using System.Collections.Concurrent;
using Meetings.Client.Contracts;
using Meetings.Server.Live;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Live;

/// <summary>
/// A screen's WebSocket to the hub is held for hours, with whatever the middleware it passed left in it, so it passes
/// by what it has no use for: the security headers and authorization always, authentication and the error pages when
/// it carries no sign-in cookie. What each connection's request went through is read from what the middleware leaves in
/// it, by a hub filter, on real WebSockets.
/// </summary>
public class LiveSocketsTests
{
    private readonly WhatEachSocketPassed _passed = new();
    private TestHost _host = null!;

    [OneTimeSetUp]
    public void StartHost() => _host = new TestHost(services: s => s.Configure<HubOptions>(o => o.AddFilter(_passed)));

    [OneTimeTearDown]
    public void StopHost() => _host.Dispose();

    [Test]
    public async Task AScreenWithNobodySignedIn_PassesBySignInAndTheErrorPages_AndWatches()
    {
        var meeting = await _host.Anonymous().DemoMeetingAnyState();
        await using var hub = await ConnectAsync("anonymous", email: null);

        var joined = await hub.InvokeAsync<JoinResult>("Join", meeting.Meeting.Id, null);

        var passed = await _passed.For("anonymous");
        Assert.That(passed.SignIn, Is.False, "authentication did not run");
        Assert.That(passed.ErrorPages, Is.False, "the status code pages did not run");
        Assert.That(passed.SecurityHeaders, Is.False, "no security headers on its 101");
        Assert.That(passed.Authorization, Is.False, "authorization did not run");
        Assert.That(passed.Authenticated, Is.False);
        Assert.That(joined.Role, Is.EqualTo("Viewer"));
    }

    [Test]
    public async Task AClerksScreen_WithTheSignInCookie_GoesThroughSignInAndTheErrorPages()
    {
        var meeting = await _host.Anonymous().DemoMeetingAnyState();
        await using var hub = await ConnectAsync("clerk", Demo.Clerk);

        var joined = await hub.InvokeAsync<JoinResult>("Join", meeting.Meeting.Id, null);

        var passed = await _passed.For("clerk");
        Assert.That(passed.SignIn, Is.True, "authentication ran");
        Assert.That(passed.Authenticated, Is.True);
        Assert.That(passed.ErrorPages, Is.True, "its session is checked as it opens: a database that cannot answer is answered 503");
        Assert.That(passed.SecurityHeaders, Is.False);
        Assert.That(passed.Authorization, Is.False);
        Assert.That(joined.Role, Is.EqualTo("Clerk"));
    }

    [Test]
    public async Task AScreenOnAnotherTransport_GoesThroughEverything()
    {
        await using var hub = await ConnectAsync("events", email: null, HttpTransportType.ServerSentEvents);

        var passed = await _passed.For("events");
        Assert.That(passed.SignIn, Is.True);
        Assert.That(passed.ErrorPages, Is.True);
        Assert.That(passed.SecurityHeaders, Is.True);
        Assert.That(passed.Authorization, Is.True);
    }

    [Test]
    public void AnEndpointAsksForAuthorization_ByAttributePolicyOrRequirement()
    {
        static Endpoint With(params object[] metadata) => new(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), "test");
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();

        Assert.That(LiveSockets.AsksForAuthorization(With(new HubMetadata(typeof(Hub)))), Is.False);
        Assert.That(LiveSockets.AsksForAuthorization(With(new AuthorizeAttribute())), Is.True);
        Assert.That(LiveSockets.AsksForAuthorization(With(policy)), Is.True);
        Assert.That(LiveSockets.AsksForAuthorization(With(new ClerksOnly())), Is.True);
    }

    /// <summary>Metadata that carries a requirement itself, as an attribute may.</summary>
    private sealed class ClerksOnly : IAuthorizationRequirementData
    {
        public IEnumerable<IAuthorizationRequirement> GetRequirements() => [new RolesAuthorizationRequirement(["Clerk"])];
    }

    /// <summary>A real connection, named by a header so that the filter can tell which one it saw.</summary>
    private Task<HubConnection> ConnectAsync(string name, string? email, HttpTransportType transport = HttpTransportType.WebSockets) =>
        _host.HubAsync(email, o =>
        {
            o.Transports = transport;
            o.Headers[WhatEachSocketPassed.Header] = name;
        });

    private sealed record Passed(bool SignIn, bool ErrorPages, bool SecurityHeaders, bool Authorization, bool Authenticated);

    /// <summary>What each connection's request went through: the features the middleware sets as a request passes.</summary>
    private sealed class WhatEachSocketPassed : IHubFilter
    {
        public const string Header = "X-Test-Screen";
        private readonly ConcurrentDictionary<string, Passed> _seen = new();

        public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
        {
            var http = context.Context.GetHttpContext()!;
            _seen[http.Request.Headers[Header].ToString()] = new Passed(
                SignIn: http.Features.Get<IAuthenticationFeature>() is not null,
                ErrorPages: http.Features.Get<IStatusCodePagesFeature>() is not null,
                SecurityHeaders: http.Response.Headers.ContainsKey("Referrer-Policy"),
                // The mark the authorization middleware leaves for the endpoint middleware's own check.
                Authorization: http.Items.ContainsKey("__AuthorizationMiddlewareWithEndpointInvoked"),
                Authenticated: http.User.Identity?.IsAuthenticated == true);
            return next(context);
        }

        public async Task<Passed> For(string name)
        {
            await Wait.Until(() => _seen.ContainsKey(name), $"the connection '{name}' reached the hub");
            return _seen[name];
        }
    }
}
