using System.Security.Claims;
using System.Text.Json;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Meetings;

namespace Meetings.Server.Journal;

public static class JournalEndpoints
{
    private const int PageSize = 1000;

    /// <summary>
    /// The public journal: <c>GET /api/meetings/{id}/journal?after={seq}</c> returns up to 1000 events after
    /// <c>seq</c>; <c>GET /api/meetings/{id}/journal/verify</c> checks the hash chain. Drafts stay private.
    /// </summary>
    public static void MapJournalEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/meetings/{id:guid}/journal").WithTags("Journal");
        group.MapGet("/", async (Guid id, long? after, ClaimsPrincipal user, MeetingStore store, MeetingJournal journal) =>
        {
            if (after < 0) throw new InvalidInputException("after", "The sequence number cannot be negative.");
            await RequireVisible(id, user, store);
            return (await journal.ReadAsync(id, after ?? 0, PageSize)).Select(ToDto);
        });
        group.MapGet("/verify", async (Guid id, ClaimsPrincipal user, MeetingStore store, MeetingJournal journal) =>
        {
            var events = await RequireVisible(id, user, store);
            var broken = await journal.VerifyAsync(id);
            return new JournalVerification(id, events, broken is null, broken);
        });
    }

    public static JournalEventDto ToDto(JournalEntry e)
    {
        using var payload = JsonDocument.Parse(e.Payload);
        return new(e.Sequence, e.At, e.Actor, e.Type, payload.RootElement.Clone(), e.PreviousHash, e.Hash);
    }

    private static Task<long> RequireVisible(Guid id, ClaimsPrincipal user, MeetingStore store) =>
        store.ReadAsync(id, m => MeetingEndpoints.Visible(m, user) ? m.Version : throw new NotFoundException("No such meeting."));
}
