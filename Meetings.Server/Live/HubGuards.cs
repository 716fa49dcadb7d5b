using System.Reflection;
using System.Runtime.ExceptionServices;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Security;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

/// <summary>
/// Wraps every hub call: anonymous commands are rate-limited per connection and per address; a signed-in call, even
/// one that only watches, runs only while its session stands (the cookie is checked once, when the connection opens;
/// <see cref="SignedOutScreens"/> ends the connections of a session signed out); every refusal becomes a HubException
/// with words a clerk can read, logged as one bounded Information line (<see cref="RefusalLog"/>). Nothing unhandled
/// escapes to the client.
/// </summary>
internal sealed class HubGuards(ILogger<HubGuards> log, RefusalLog refusals, TimeProvider clock) : IHubFilter
{
    /// <summary>The words for every refusal of a rate limit on the hub.</summary>
    public const string TooMany = "Too many requests; please wait a moment and try again.";

    // Watching changes nothing, and a whole library or school behind one address joins at once when a meeting
    // starts (or when a server comes back): it is limited per connection, so a script cannot spin on it, and by address
    // only where it reads a journal for one caller (JournalReadLimits).
    private static readonly HashSet<string> Watching = [nameof(MeetingHub.Join), nameof(MeetingHub.Rejoin), nameof(MeetingHub.EventsAfter), nameof(MeetingHub.Leave)];

    // Generous for a person, tight for a script: 20 commands in a burst, then 2 a second per connection.
    // An address may be a whole library or city hall behind one router, so it gets ten times that.
    private readonly TokenBuckets _perConnection = new(20, 2, clock);
    private readonly AddressBuckets _perAddress = new(200, 20, clock);
    private readonly TokenBuckets _watchingPerConnection = new(20, 2, clock);

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            if (context.Context.User?.Identity?.IsAuthenticated != true && !Allowed(context))
                throw new HubException(TooMany);
            if (context.Context.User?.Identity?.IsAuthenticated == true
                && !await Identity.SessionCheck.IsCurrentAsync(context.Context.User, context.ServiceProvider))
            {
                // Signed out (on any screen) since this connection opened: it acts for nobody now, and a new one comes back as anonymous.
                context.Context.Abort();
                throw new HubException("You were signed out; sign in again.");
            }
            return await next(context);
        }
        catch (Exception e)
        {
            var thrown = Unwrapped(e);
            if (thrown is OperationCanceledException) ExceptionDispatchInfo.Throw(thrown); // neither a refusal nor a failure
            throw Answer(context, thrown);
        }
    }

    // SignalR calls the hub's methods, and reads a Task<T>'s result, by reflection (Meetings.Server.csproj says why):
    // what a method throws before its first await, or its Task<T> fails with, comes wrapped in a TargetInvocationException.
    private static Exception Unwrapped(Exception e) => e is TargetInvocationException { InnerException: { } thrown } ? thrown : e;

    private HubException Answer(HubInvocationContext context, Exception thrown)
    {
        switch (thrown)
        {
            case HubException refusal:
                return Refused(context, refusal);
            case MeetingRuleException or InvalidInputException or NotFoundException or ConflictException or ForbiddenException:
                return Refused(context, new HubException(thrown.Message));
            default:
                log.LogError(thrown, "Hub method {Method} failed.", context.HubMethodName);
                return new HubException("The server could not do this; nothing was changed. Please try again.");
        }
    }

    private HubException Refused(HubInvocationContext context, HubException refusal)
    {
        refusals.Refused($"hub {context.HubMethodName}", refusal.Message);
        return refusal;
    }

    private bool Allowed(HubInvocationContext call) => Watching.Contains(call.HubMethodName)
        ? _watchingPerConnection.TryTake(call.Context.ConnectionId)
        : _perConnection.TryTake(call.Context.ConnectionId) &&
          _perAddress.TryTake(call.Context.GetHttpContext()?.Connection.RemoteIpAddress);
}
