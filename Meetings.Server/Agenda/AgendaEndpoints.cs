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
                m.AddItem(itemId, r.ParentId, r.Position, r.Title ?? "", ParseKind(r.Kind), r.Description, r.TakesPublicComment ?? DefaultComment(r.Kind), r.MinutesPerSpeaker));
            return Results.Created($"/api/meetings/{id}/agenda/{itemId}", meeting);
        }).Produces<MeetingDetail>(StatusCodes.Status201Created);
        group.MapPut("/{itemId:guid}", (Guid id, Guid itemId, AgendaItemRequest r, ClaimsPrincipal user, MeetingStore store) =>
            MeetingEndpoints.Run(store, id, user, (m, _) =>
                m.ReviseItem(itemId, r.Title ?? "", ParseKind(r.Kind), r.Description, r.TakesPublicComment ?? DefaultComment(r.Kind), r.MinutesPerSpeaker)));
        group.MapPost("/{itemId:guid}/move", (Guid id, Guid itemId, MoveItemRequest r, ClaimsPrincipal user, MeetingStore store) =>
            MeetingEndpoints.Run(store, id, user, (m, _) =>
                m.MoveItem(itemId, r.ParentId, r.Position ?? throw new InvalidInputException("position", "The position is required."))));
        group.MapDelete("/{itemId:guid}", (Guid id, Guid itemId, ClaimsPrincipal user, MeetingStore store) =>
            MeetingEndpoints.Run(store, id, user, (m, _) => m.RemoveItem(itemId)));
    }

    private static AgendaItemKind ParseKind(string? kind) =>
        Enum.TryParse<AgendaItemKind>(kind, true, out var k) && Enum.IsDefined(k) ? k
        : throw new InvalidInputException("kind", "The kind must be Procedural, PublicComment, Consent, PublicHearing, Action, Discussion or ClosedSession.");

    /// <summary>The public may speak on every item the body acts on; procedural and closed-session items take no comment by default.</summary>
    private static bool DefaultComment(string? kind) =>
        ParseKind(kind) is not (AgendaItemKind.Procedural or AgendaItemKind.ClosedSession);
}
