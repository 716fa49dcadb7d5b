using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Meetings;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Bodies;

public static class BodyEndpoints
{
    /// <summary>
    /// Bodies and their seats: anyone may read them (<c>GET /api/bodies</c>, <c>GET /api/bodies/{id}</c>);
    /// administrators create and change them.
    /// </summary>
    public static void MapBodyEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/bodies").WithTags("Bodies");
        group.MapGet("/", async (MeetingsDbContext db) =>
            (await db.Bodies.AsNoTracking().Include(b => b.Seats).OrderBy(b => b.Name).ToListAsync()).Select(ToDto));
        group.MapGet("/{id:guid}", async (Guid id, MeetingsDbContext db) => ToDto(await FindAsync(db, id, tracked: false)));

        var admin = group.MapGroup("/").RequireAuthorization(Roles.AdminPolicy);
        admin.MapPost("/", async (BodyRequest request, MeetingsDbContext db) =>
        {
            var body = new Body(Guid.NewGuid(), request.Name ?? "");
            ApplyRules(body, request);
            db.Bodies.Add(body);
            await db.SaveChangesAsync();
            return Results.Created($"/api/bodies/{body.Id}", ToDto(body));
        }).Produces<BodyDto>(StatusCodes.Status201Created);
        admin.MapPut("/{id:guid}", async (Guid id, BodyRequest request, MeetingsDbContext db) =>
        {
            var body = await FindAsync(db, id);
            body.Rename(request.Name ?? "");
            ApplyRules(body, request);
            await db.SaveChangesAsync();
            return ToDto(body);
        });
        admin.MapPost("/{id:guid}/seats", async (Guid id, SeatRequest request, MeetingsDbContext db, AccountService accounts) =>
        {
            var body = await FindAsync(db, id);
            var seat = body.AddSeat(Guid.NewGuid(), request.Title ?? "", request.MemberName, await accounts.OfficialIdByEmailAsync(request.OfficialEmail));
            if (request.IsChair == true) body.SetChair(seat.Id);
            await db.SaveChangesAsync();
            return Results.Created($"/api/bodies/{id}", ToDto(body));
        }).Produces<BodyDto>(StatusCodes.Status201Created).MeetsRules();
        admin.MapPut("/{id:guid}/seats/{seatId:guid}", async (Guid id, Guid seatId, SeatRequest request, MeetingsDbContext db, AccountService accounts,
            MeetingStore store, ClaimsPrincipal user) =>
        {
            var body = await FindAsync(db, id);
            var seat = SeatInTheAddress(body, seatId);
            seat.Rename(request.Title ?? "");
            body.AssignSeat(seat.Id, request.MemberName, await accounts.OfficialIdByEmailAsync(request.OfficialEmail));
            if (request.IsChair is { } chair) body.SetChair(chair ? seatId : body.ChairSeatId == seatId ? null : body.ChairSeatId);
            await db.SaveChangesAsync();
            await SeatInSessionAsync(db, store, user, body);
            return ToDto(body);
        }).MeetsRules();
        admin.MapDelete("/{id:guid}/seats/{seatId:guid}", async (Guid id, Guid seatId, MeetingsDbContext db) =>
        {
            var body = await FindAsync(db, id);
            body.RemoveSeat(SeatInTheAddress(body, seatId).Id);
            await db.SaveChangesAsync();
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent).MeetsRules();
    }

    /// <summary>
    /// A seat that changed hands while a meeting of the body is in session (the oath of office as an agenda item): that
    /// meeting's record names the new member from now on, as the login that votes for the seat is already theirs.
    /// </summary>
    private static async Task SeatInSessionAsync(MeetingsDbContext db, MeetingStore store, ClaimsPrincipal user, Body body)
    {
        var sitting = await db.Meetings.AsNoTracking()
            .Where(m => m.BodyId == body.Id && (m.Status == MeetingStatus.Live || m.Status == MeetingStatus.Recessed)).Select(m => m.Id).ToListAsync();
        var seats = body.ToRules().Seats;
        foreach (var meetingId in sitting)
            await store.ExecuteAsync(meetingId, Actors.For(user), (m, _) => m.InSessionOrRecess ? m.SeatMembers(seats) : []);
    }

    /// <summary>A seat named in the address that this body does not have is not found (404), like an unknown body.</summary>
    private static Seat SeatInTheAddress(Body body, Guid seatId) =>
        body.Seats.FirstOrDefault(s => s.Id == seatId) ?? throw new NotFoundException("This body has no such seat.");

    public static async Task<Body> FindAsync(MeetingsDbContext db, Guid id, bool tracked = true) =>
        await (tracked ? db.Bodies : db.Bodies.AsNoTracking()).Include(b => b.Seats).SingleOrDefaultAsync(b => b.Id == id)
        ?? throw new NotFoundException("No such body.");

    private static void ApplyRules(Body body, BodyRequest r)
    {
        body.SetRules(r.QuorumCount, r.MotionsNeedSecond ?? true, r.SpeakerMinutes ?? 3,
            r.Notice is { } n ? new NoticeRule(n.Regular, n.Special, n.Emergency, n.ReminderHours ?? "24,1", n.UpSoonAhead ?? 2, n.MeetingMinutes ?? 120) : new NoticeRule());
        body.SetRecordRules(
            Parse(r.WrittenComments, "writtenComments", CommentRelease.AfterRelease, "Written comments are public AfterRelease or AtOnce."),
            Parse(r.SilenceCountsAs, "silenceCountsAs", VoteChoice.NotVoting, "Silence counts as NotVoting, Aye, Nay or Abstain."));
    }

    /// <summary>An enum by its exact name (any case), or the default when omitted; never a number.</summary>
    private static T Parse<T>(string? value, string field, T omitted, string message) where T : struct, Enum =>
        value is null ? omitted
        : Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name ? Enum.Parse<T>(name)
        : throw new InvalidInputException(field, message);

    public static BodyDto ToDto(Body b) => new(
        b.Id, b.Name, b.Seats.Select(s => new SeatDto(s.Id, s.Title, s.MemberName, s.OfficialUserId is not null)).ToList(),
        b.ChairSeatId, b.QuorumCount, b.ToRules().QuorumNeeded, b.MotionsNeedSecond, b.SpeakerMinutes,
        new NoticeHours(b.Notice.RegularHours, b.Notice.SpecialHours, b.Notice.EmergencyHours, b.Notice.ReminderHours, b.Notice.UpSoonAhead, b.Notice.MeetingMinutes),
        b.WrittenComments.ToString(), b.SilenceCountsAs.ToString());
}
