using Meetings.Server.Identity;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

/// <summary>
/// Ends the live connections of a session that no longer stands: signed out (on this instance or another), or the
/// account disabled or removed. The cookie is checked once, when a connection opens, and a console that only
/// watches calls nothing that would check it again, yet it receives what only clerks may see (callers' states,
/// drafts). So signing out here ends that account's connections here at once, and every few seconds each instance
/// looks again at its few signed-in connections against the database they share.
/// </summary>
public sealed class SignedOutScreens(LocalConnections connections, IServiceScopeFactory scopes, TimeProvider clock, ILogger<SignedOutScreens> log)
    : BackgroundService
{
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Ends now this instance's connections of the account <paramref name="userId"/>, which has just signed out here.</summary>
    public void End(string userId)
    {
        foreach (var connection in connections.SignedIn)
            if (connection.UserIdentifier == userId) connection.Abort();
    }

    /// <summary>One look at the signed-in connections here: those whose session no longer stands are ended. Public so tests can drive it.</summary>
    public async Task SweepAsync(CancellationToken ct = default)
    {
        List<HubConnectionContext> signedIn = [.. connections.SignedIn];
        if (signedIn.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        foreach (var connection in signedIn)
        {
            ct.ThrowIfCancellationRequested();
            if (!await SessionCheck.IsCurrentAsync(connection.User, scope.ServiceProvider)) connection.Abort();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, clock, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A database hiccup must not end the looking for good; the next look tries again.
                log.LogWarning(e, "Looking for signed-out live connections failed; retrying.");
            }
        }
    }
}
