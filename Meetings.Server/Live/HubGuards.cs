using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

/// <summary>
/// Wraps every hub call: anonymous callers are rate-limited per connection and per address, and every
/// refusal becomes a HubException with words a clerk can read. Nothing unhandled escapes to the client.
/// </summary>
internal sealed class HubGuards(ILogger<HubGuards> log, TimeProvider clock) : IHubFilter
{
    // Generous for a person, tight for a script: 20 commands in a burst, then 2 a second per connection.
    // An address may be a whole library or city hall behind one router, so it gets ten times that.
    private readonly TokenBuckets _perConnection = new(20, 2, clock);
    private readonly TokenBuckets _perAddress = new(200, 20, clock);

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (context.Context.User?.Identity?.IsAuthenticated != true && !Allowed(context.Context))
            throw new HubException("Too many requests; please wait a moment and try again.");
        try
        {
            return await next(context);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception e) when (e is MeetingRuleException or InvalidInputException or NotFoundException or ConflictException or ForbiddenException)
        {
            throw new HubException(e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Hub method {Method} failed.", context.HubMethodName);
            throw new HubException("The server could not do this; nothing was changed. Please try again.");
        }
    }

    private bool Allowed(HubCallerContext caller) =>
        _perConnection.TryTake(caller.ConnectionId) &&
        _perAddress.TryTake(caller.GetHttpContext()?.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
