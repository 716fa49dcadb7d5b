using Microsoft.AspNetCore.Identity;

namespace Meetings.Server.Identity;

/// <summary>An account of a clerk, an official or an administrator. Residents have none.</summary>
public sealed class MeetingsUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
}

/// <summary>The roles, and the policies built from them.</summary>
public static class Roles
{
    public const string Admin = nameof(Admin);
    public const string Clerk = nameof(Clerk);
    public const string Official = nameof(Official);

    public static readonly string[] All = [Admin, Clerk, Official];

    /// <summary>Clerks run meetings; an admin may do whatever a clerk may.</summary>
    public const string ClerkPolicy = "clerk";
    public const string AdminPolicy = "admin";
}
