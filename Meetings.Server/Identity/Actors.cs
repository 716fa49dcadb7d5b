using System.Security.Claims;
using Meetings.Server.Domain;

namespace Meetings.Server.Identity;

public static class Actors
{
    public const string DisplayNameClaim = "display_name";

    /// <summary>The actor the journal records for a signed-in user: their highest role and their name.</summary>
    public static Actor For(ClaimsPrincipal user)
    {
        var role = user.IsInRole(Roles.Admin) ? ActorRole.Admin
            : user.IsInRole(Roles.Clerk) ? ActorRole.Clerk
            : user.IsInRole(Roles.Official) ? ActorRole.Official
            : ActorRole.Resident;
        if (role == ActorRole.Resident) return Actor.Resident;
        var name = user.FindFirstValue(DisplayNameClaim) ?? user.Identity?.Name ?? "unknown";
        return new Actor(role, $"{role.ToString().ToLowerInvariant()}: {name}");
    }

    public static bool IsClerk(this ClaimsPrincipal user) => user.IsInRole(Roles.Clerk) || user.IsInRole(Roles.Admin);
}
