using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Meetings;

namespace Meetings.Server.Agenda;

public static class AgendaEndpoints
{
    /// <summary>
    /// Agenda editing for clerks under <c>/api/meetings/{id}/agenda</c>. Every change answers with the whole
    /// meeting; changes after publication are recorded as amendments.
    /// </summary>
    public static void MapAgendaEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/meetings/{id:guid}/agenda").WithTags("Agenda").RequireAuthorization(Roles.ClerkPolicy).MeetsRules();
        group.MapPost("/", async (Guid id, AgendaItemRequest r, ClaimsPrincipal user, MeetingStore store) =>
        {
            var itemId = Guid.NewGuid();
            var meeting = await MeetingEndpoints.Run(store, id, user, (m, _) =>
                m.AddItem(itemId, r.ParentId, r.Position, r.Title ?? "", ParseKind(r.Kind), r.Description, r.TakesPublicComment ?? DefaultComment(r.Kind), r.MinutesPerSpeaker, r.EstimatedMinutes));
            return Results.Created($"/api/meetings/{id}/agenda/{itemId}", meeting);
        }).Produces<MeetingDetail>(StatusCodes.Status201Created);
        group.MapPut("/{itemId:guid}", (Guid id, Guid itemId, AgendaItemRequest r, ClaimsPrincipal user, MeetingStore store) =>
            MeetingEndpoints.Run(store, id, user, (m, _) =>
                InTheAddress(m, itemId).ReviseItem(itemId, r.Title ?? "", ParseKind(r.Kind), r.Description, r.TakesPublicComment ?? DefaultComment(r.Kind), r.MinutesPerSpeaker, r.EstimatedMinutes)));
        group.MapPost("/{itemId:guid}/move", (Guid id, Guid itemId, MoveItemRequest r, ClaimsPrincipal user, MeetingStore store) =>
            MeetingEndpoints.Run(store, id, user, (m, _) =>
                InTheAddress(m, itemId).MoveItem(itemId, r.ParentId, r.Position ?? throw new InvalidInputException("position", "The position is required."))));
        group.MapDelete("/{itemId:guid}", (Guid id, Guid itemId, ClaimsPrincipal user, MeetingStore store) =>
            MeetingEndpoints.Run(store, id, user, (m, _) => InTheAddress(m, itemId).RemoveItem(itemId)));
    }

    /// <summary>An item named in the address that this meeting does not have is not found (404), like an unknown meeting.</summary>
    private static Meeting InTheAddress(Meeting meeting, Guid itemId) =>
        meeting.Agenda.Any(i => i.Id == itemId) ? meeting : throw new NotFoundException("This meeting has no such agenda item.");

    private static AgendaItemKind ParseKind(string? kind) =>
        Enum.TryParse<AgendaItemKind>(kind, true, out var k) && Enum.IsDefined(k) ? k
        : throw new InvalidInputException("kind", "The kind must be Procedural, PublicComment, Consent, PublicHearing, Action, Discussion or ClosedSession.");

    /// <summary>The public may speak on every item the body acts on; procedural and closed-session items take no comment by default.</summary>
    private static bool DefaultComment(string? kind) =>
        ParseKind(kind) is not (AgendaItemKind.Procedural or AgendaItemKind.ClosedSession);
}
