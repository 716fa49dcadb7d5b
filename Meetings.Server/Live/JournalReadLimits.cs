using Meetings.Server.Errors;
using Meetings.Server.Security;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

/// <summary>
/// The watching that makes the server read a meeting's journal: catching up from far back (<c>EventsAfter</c>),
/// working out a returning screen's update from a sequence no other screen holds (<c>Rejoin</c>), and loading a meeting
/// no screen here follows (<c>Join</c>). Watching is not limited by address, since a library, a school or a whole city
/// hall behind one router watches together, and a crowd shares one read of each. But these read and fold the journal
/// for each caller, and connections cost nothing to open: one address rejoining from eight sequences after every change
/// took half a core, and forty connections catching up from the start held the clerk's commands up for seconds (review,
/// 2026-11-29). So an address gets <see cref="Burst"/> of them at once and then <see cref="PerSecond"/> a second,
/// however many connections it opens. Loading a meeting for a page or the API counts the same (<see cref="Count"/>).
/// Signed-in staff are not counted.
/// </summary>
public sealed class JournalReadLimits(TimeProvider clock)
{
    public const int Burst = 60;
    public const double PerSecond = 1;

    /// <summary>A catch-up over at most this many events is a screen that missed an update or two: it is not counted.</summary>
    public const int SmallCatchUp = 100;

    public const string TooMany = "Too many meetings were opened from this address just now; please try again in a moment.";

    private readonly AddressBuckets _perAddress = new(Burst, PerSecond, clock);

    /// <summary>Counts one read for the caller's address; false when the address has used its reads for now.</summary>
    public bool MayRead(HubCallerContext caller) => caller.User?.Identity?.IsAuthenticated == true
        || _perAddress.TryTake(caller.GetHttpContext()?.Connection.RemoteIpAddress);

    /// <summary>
    /// Counts loading a meeting for a page or the API (the meeting's detail, the resident page) as one of the request's
    /// address's reads, or refuses it: whoever asks for meetings nothing here holds makes the server read each one's
    /// whole journal, however often they ask.
    /// </summary>
    public void Count(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated != true && !_perAddress.TryTake(http.Connection.RemoteIpAddress))
            throw new TooManyRequestsException(TooMany, TimeSpan.FromSeconds(1 / PerSecond));
    }
}
