using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Bodies;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Live;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Meetings;

public static class MeetingEndpoints
{
    /// <summary>
    /// Meetings: the public list and detail, and the clerk's scheduling, rescheduling, publishing and
    /// cancelling, and the livestream beside the agenda. Drafts are seen only by clerks and administrators.
    /// </summary>
    public static void MapMeetingEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/meetings").WithTags("Meetings");
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", async (Guid id, HttpContext http, MeetingStore store, JournalReadLimits reads) =>
        {
            var user = http.User;
            MeetingDetail Detail(Meeting m) => Visible(m, user) ? MeetingViews.Detail(m) : throw new NotFoundException("No such meeting.");
            // A clerk reads the journal's latest, so a change they just made through another instance is in it. Loading
            // a meeting not held here is counted against the address, as a screen's join of it is.
            return await (user.IsClerk() ? store.ReadAsync(id, Detail) : store.ReadWatchedAsync(id, Detail, loading: () => reads.Count(http)));
        }).ProducesProblem(StatusCodes.Status429TooManyRequests);

        var clerk = group.MapGroup("/").RequireAuthorization(Roles.ClerkPolicy).MeetsRules();
        clerk.MapPost("/", Schedule).Produces<MeetingDetail>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status404NotFound);
        clerk.MapPut("/{id:guid}", (Guid id, MeetingRequest r, ClaimsPrincipal user, MeetingStore store) =>
        {
            RequireAdminForLateNotice(r.LateNoticeReason, user);
            return Run(store, id, user, (m, now) =>
            {
                var (title, start, zone, location) = Parse(r, now);
                return m.Reschedule(title, start, zone, location, now, r.LateNoticeReason);
            });
        });
        clerk.MapPost("/{id:guid}/publish", (Guid id, PublishRequest? r, ClaimsPrincipal user, MeetingStore store) =>
        {
            RequireAdminForLateNotice(r?.LateNoticeReason, user);
            return Run(store, id, user, (m, now) => m.Publish(now, r?.LateNoticeReason));
        });
        clerk.MapPost("/{id:guid}/cancel", (Guid id, CancelRequest r, ClaimsPrincipal user, MeetingStore store) =>
            Run(store, id, user, (m, now) => m.Cancel(now, r.Reason ?? "")));
        clerk.MapPut("/{id:guid}/stream", (Guid id, StreamRequest r, ClaimsPrincipal user, MeetingStore store) =>
            Run(store, id, user, (m, _) => m.SetStream(r.StreamUrl, r.CaptionsUrl)));
    }

    /// <summary>Runs a clerk's command and answers with the meeting as it now stands.</summary>
    public static async Task<MeetingDetail> Run(MeetingStore store, Guid id, ClaimsPrincipal user, Func<Meeting, DateTimeOffset, MeetingEvent[]> decide) =>
        (await store.ExecuteAsync(id, Actors.For(user), decide, MeetingViews.Detail)).View;

    private static async Task<IEnumerable<MeetingSummary>> List(ClaimsPrincipal user, MeetingsDbContext db, Guid? bodyId)
    {
        var rows = db.Meetings.AsNoTracking();
        if (!user.IsClerk()) rows = rows.Where(m => m.Posted);
        if (bodyId is { } b) rows = rows.Where(m => m.BodyId == b);
        return (await rows.ToListAsync()).OrderBy(m => m.Start).Select(MeetingViews.Summary);
    }

    private static async Task<IResult> Schedule(MeetingRequest r, ClaimsPrincipal user, MeetingsDbContext db, MeetingStore store, TimeProvider clock)
    {
        var body = await BodyEndpoints.FindAsync(db, r.BodyId ?? throw new InvalidInputException("bodyId", "The body is required."), tracked: false);
        var (title, start, zone, location) = Parse(r, clock.GetUtcNow());
        var kind = Enum.TryParse<MeetingKind>(r.Kind ?? nameof(MeetingKind.Regular), true, out var k) && Enum.IsDefined(k) ? k
            : throw new InvalidInputException("kind", "The meeting kind must be Regular, Special or Emergency.");
        var scheduled = Meeting.Schedule(Guid.NewGuid(), body, title, kind, start, zone, location, await NewAccessCodeAsync(db));
        var result = await store.ScheduleAsync(scheduled, Actors.For(user), []);
        return Results.Created($"/api/meetings/{scheduled.MeetingId}", MeetingViews.Detail(result.View));
    }

    private static (string Title, DateTimeOffset Start, string Zone, string Location) Parse(MeetingRequest r, DateTimeOffset now)
    {
        var zone = r.TimeZone ?? throw new InvalidInputException("timeZone", "The time zone is required.");
        var start = LocalTime.ToStart(r.Start ?? throw new InvalidInputException("start", "The start time is required."), zone, now);
        return (r.Title ?? "", start, zone, r.Location ?? "");
    }

    /// <summary>A six-digit code that no meeting still to be held is using, for callers to key in.</summary>
    private static async Task<string> NewAccessCodeAsync(MeetingsDbContext db)
    {
        var inUse = (await db.Meetings.AsNoTracking()
            .Where(m => m.Status != MeetingStatus.Adjourned && m.Status != MeetingStatus.Cancelled)
            .Select(m => m.AccessCode).ToListAsync()).ToHashSet();
        string code;
        do code = System.Security.Cryptography.RandomNumberGenerator.GetInt32(100_000, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        while (inUse.Contains(code));
        return code;
    }

    /// <summary>Anyone who runs meetings may post on time; only an administrator may excuse late notice.</summary>
    private static void RequireAdminForLateNotice(string? reason, ClaimsPrincipal user)
    {
        if (!string.IsNullOrWhiteSpace(reason) && !user.IsInRole(Roles.Admin))
            throw new ForbiddenException("Only an administrator may give notice late.");
    }

    /// <summary>A meeting is public once its agenda was posted; before that (a draft, or a draft cancelled) only clerks see it.</summary>
    public static bool Visible(Meeting m, ClaimsPrincipal user) => m.PublishedAt is not null || user.IsClerk();
}
