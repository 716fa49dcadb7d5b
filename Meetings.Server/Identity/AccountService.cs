using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Identity;

/// <summary>Accounts: who is signed in, and the administrator's making of accounts.</summary>
public sealed class AccountService(UserManager<MeetingsUser> users, RoleManager<IdentityRole> roles, MeetingsDbContext db)
{
    public static async Task<UserInfo> Me(ClaimsPrincipal principal, AccountService accounts) =>
        await accounts.InfoAsync(principal.FindFirstValue(ClaimTypes.NameIdentifier)!)
        ?? throw new NotFoundException("This account no longer exists.");

    public async Task<UserInfo?> InfoAsync(string userId)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null) return null;
        var seats = await db.Set<Seat>().AsNoTracking().Where(s => s.OfficialUserId == userId)
            .Select(s => new HeldSeat(EF.Property<Guid>(s, "BodyId"), s.Id, s.Title)).ToListAsync();
        return new UserInfo(user.Id, user.Email!, user.DisplayName, [.. await users.GetRolesAsync(user)], seats);
    }

    /// <summary>Creates an account with one role. Identity's password and e-mail rules apply.</summary>
    public async Task<UserInfo> CreateAsync(CreateUserRequest request)
    {
        var role = Roles.All.FirstOrDefault(r => string.Equals(r, request.Role, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidInputException("role", "The role must be Admin, Clerk or Official.");
        var email = request.Email?.Trim();
        if (string.IsNullOrEmpty(email) || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email))
            throw new InvalidInputException("email", "A valid e-mail address is required.");
        if (await users.FindByEmailAsync(email) is not null)
            throw new ConflictException("An account with this e-mail already exists.");
        var user = new MeetingsUser
        {
            UserName = email, Email = email, EmailConfirmed = true,
            DisplayName = request.DisplayName?.Trim() is { Length: > 0 and <= 100 } name ? name
                : throw new InvalidInputException("displayName", "A display name of 1 to 100 characters is required."),
        };
        // The account and its role are made together or not at all (a full database leaves no half-made account). A
        // commit whose answer was lost (SQL Server's retries) may have taken: then the account is there, and that try
        // stands (made again, it would be refused as already existing).
        await db.Database.CreateExecutionStrategy().ExecuteAsync(0, async (_, _, ct) =>
        {
            // A try the database failed leaves its rows tracked (the role link would read as made): each try starts afresh.
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            Check(await users.CreateAsync(user, request.Password ?? ""), "password");
            await EnsureRoleAsync(role);
            Check(await users.AddToRoleAsync(user, role), "role");
            await transaction.CommitAsync(ct);
            return true;
        }, async (_, _, ct) => new ExecutionResult<bool>(await db.Users.AnyAsync(u => u.Id == user.Id, ct), true));
        return (await InfoAsync(user.Id))!;
    }

    public async Task<IReadOnlyList<UserInfo>> ListAsync()
    {
        var ids = await users.Users.OrderBy(u => u.Email).Select(u => u.Id).ToListAsync();
        var list = new List<UserInfo>(ids.Count);
        foreach (var id in ids) list.Add((await InfoAsync(id))!);
        return list;
    }

    /// <summary>Makes an account an administrator, creating it when missing (start-up and the create-admin verb).</summary>
    public async Task EnsureAdminAsync(string email, string password, string displayName = "Administrator")
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null) await CreateAsync(new CreateUserRequest(email, displayName, password, Roles.Admin));
        else if (!await users.IsInRoleAsync(user, Roles.Admin))
        {
            await EnsureRoleAsync(Roles.Admin);
            Check(await users.AddToRoleAsync(user, Roles.Admin), "role");
        }
    }

    /// <summary>The account of an official to link to a seat (null for none): one that exists and has the Official role.</summary>
    public async Task<string?> OfficialIdByEmailAsync(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return null;
        var user = await users.FindByEmailAsync(email.Trim()) ?? throw new InvalidInputException("officialEmail", "No account has this e-mail.");
        // A clerk's or an administrator's account in a seat would join as what it is, and the seat would never vote.
        return await users.IsInRoleAsync(user, Roles.Official) ? user.Id
            : throw new InvalidInputException("officialEmail", "This account is not an official's; give it the Official role first.");
    }

    private async Task EnsureRoleAsync(string role)
    {
        if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
    }

    private static void Check(IdentityResult result, string field)
    {
        if (!result.Succeeded) throw new InvalidInputException(field, string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}

/// <summary>Puts the display name into the sign-in, so the journal can name who acted without a lookup.</summary>
internal sealed class MeetingsClaimsFactory(UserManager<MeetingsUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<MeetingsUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(MeetingsUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(Actors.DisplayNameClaim, user.DisplayName));
        return identity;
    }
}

public static class UserEndpoints
{
    /// <summary>Account administration: <c>GET /api/users</c> and <c>POST /api/users</c>, for administrators only.</summary>
    public static void MapUserEndpoints(this WebApplication app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Roles.AdminPolicy);
        group.MapGet("/", (AccountService accounts) => accounts.ListAsync());
        group.MapPost("/", async (CreateUserRequest request, AccountService accounts) =>
        {
            var user = await accounts.CreateAsync(request);
            return Results.Created($"/api/users/{user.Id}", user);
        }).Produces<UserInfo>(StatusCodes.Status201Created).MeetsRules();
    }
}
