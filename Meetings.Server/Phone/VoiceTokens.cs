using System.Text.RegularExpressions;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Server.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twilio.Jwt.AccessToken;

namespace Meetings.Server.Phone;

/// <summary>
/// Access tokens that let a web speaker's browser call into the meeting's conference through Twilio's Voice SDK.
/// One per sign-up, for its owner only, while the sign-up is in line; short-lived, outgoing calls only, to the
/// TwiML App whose voice URL is <c>/phone/voice/browser</c>. The identity names the sign-up and nothing else.
/// </summary>
public sealed partial class VoiceTokens(MeetingsDbContext db, MeetingStore store, IOptions<PhoneOptions> options, PersonKeys keys, TimeProvider clock)
{
    /// <summary>
    /// Tokens one address may ask for a minute: a speaker's page asks once a turn, and again every few minutes; more
    /// is someone making the server check sign-ups under the meeting's lock during the hearing.
    /// </summary>
    public const int PerMinute = 30;
    public const string RateLimit = "voice-tokens";

    /// <summary>How long a token lets a browser connect; the page asks for a fresh one before it runs out.</summary>
    public static TimeSpan Lifetime { get; } = TimeSpan.FromMinutes(5);

    public static string Identity(Guid meetingId, Guid entryId) => $"meeting_{meetingId:N}_entry_{entryId:N}";

    /// <summary>Reads the identity back from Twilio's <c>From</c> (<c>client:meeting_…_entry_…</c>).</summary>
    public static bool TryRead(string? from, out Guid meetingId, out Guid entryId)
    {
        (meetingId, entryId) = (Guid.Empty, Guid.Empty);
        var match = IdentityPattern().Match(from ?? "");
        return match.Success && Guid.TryParseExact(match.Groups[1].Value, "N", out meetingId) && Guid.TryParseExact(match.Groups[2].Value, "N", out entryId);
    }

    public async Task<VoiceToken> IssueAsync(Guid meetingId, Guid entryId, string? residentToken)
    {
        var o = options.Value;
        if (!o.BrowserAudioEnabled) throw new NotFoundException("Browser audio is not set up on this server; call in by phone instead.");
        var key = keys.Resident(meetingId, residentToken);
        await store.ReadAsync(meetingId, m =>
        {
            var entry = m.Status == MeetingStatus.Draft ? null : m.FindEntry(entryId);
            if (entry is null) throw new NotFoundException("No such sign-up in this meeting.");
            if (entry.PersonKey != key) throw new ForbiddenException("Only the resident who signed up may speak from the browser for this sign-up.");
            var inLine = entry.State == SpeakerState.Speaking
                || (entry.State is SpeakerState.Waiting or SpeakerState.OnDeck && m.Item(entry.ItemId).CommentOpen);
            if (!inLine) throw new MeetingRuleException("voice-while-in-line", "Browser audio is for a sign-up that is waiting, on deck or speaking on an item open to comment.");
            return true;
        });
        var browsers = await db.PhoneCalls.CountAsync(c => c.MeetingId == meetingId && c.Leg == CallLeg.Browser && !c.HungUp && c.EntryId != entryId);
        if (browsers >= o.BrowserLimit)
            throw new MeetingRuleException("browser-limit", $"{o.BrowserLimit} browsers are already connected to this meeting; please call in by phone instead.");

        var identity = Identity(meetingId, entryId);
        var expires = clock.GetUtcNow() + Lifetime;
        var grant = new VoiceGrant { OutgoingApplicationSid = o.TwimlAppSid, IncomingAllow = false };
        var token = new Token(o.AccountSid, o.ApiKeySid, o.ApiKeySecret, identity, expiration: expires.UtcDateTime, grants: [grant]);
        return new VoiceToken(token.ToJwt(), identity, expires);
    }

    [GeneratedRegex("^(?:client:)?meeting_([0-9a-f]{32})_entry_([0-9a-f]{32})$")]
    private static partial Regex IdentityPattern();
}
