using System.Security.Claims;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Server.Moderation;
using Meetings.Server.Records;

namespace Meetings.Server.Journal;

public static class JournalEndpoints
{
    private const int PageSize = 1000;

    /// <summary>
    /// The public journal: <c>GET /api/meetings/{id}/journal?after={seq}</c> returns up to 1000 events after
    /// <c>seq</c>, each with the texts behind its commitments that the public may read now;
    /// <c>GET /api/meetings/{id}/journal/verify</c> checks the hash chain (cached per head). Drafts stay private.
    /// </summary>
    public static void MapJournalEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/meetings/{id:guid}/journal").WithTags("Journal");
        group.MapGet("/", async (Guid id, long? after, HttpContext http, MeetingStore store, MeetingJournal journal, JournalReadLimits reads) =>
        {
            if (after < 0) throw new InvalidInputException("after", "The sequence number cannot be negative.");
            var user = http.User;
            // Loading a meeting not held here is counted (or refused) before anything is read for it.
            if (!store.Holds(id)) reads.Count(http);
            // The entries first, then the state (as new or newer), so a text hidden meanwhile is not served.
            var entries = await journal.ReadAsync(id, after ?? 0, PageSize);
            var textIsPublic = await store.ReadAsync(id, m => MeetingEndpoints.Visible(m, user) ? PublicRecord.TextsPublicNow(entries, m) : throw new NotFoundException("No such meeting."));
            return PublicRecord.Events(entries, textIsPublic);
        }).RequireRateLimiting(RecordsRegistration.RateLimit);
        group.MapGet("/verify", async (Guid id, HttpContext http, MeetingStore store, JournalVerifier verifier, JournalReadLimits reads, CancellationToken ct) =>
        {
            await RequireVisible(id, http.User, store, () => reads.Count(http));
            return await verifier.VerifyAsync(id, http.User, ct);
        }).RequireRateLimiting(RecordsRegistration.RateLimit);
    }

    /// <summary>
    /// From the state the screens are shown while they follow the meeting here: asked over and over during a hearing,
    /// a read of the journal under the meeting's lock would keep the clerk's commands waiting behind it. Loading a
    /// meeting not held here is counted against the address.
    /// </summary>
    private static Task<bool> RequireVisible(Guid id, ClaimsPrincipal user, MeetingStore store, Action loading) =>
        store.ReadWatchedAsync(id, m => MeetingEndpoints.Visible(m, user) ? true : throw new NotFoundException("No such meeting."), loading);
}
