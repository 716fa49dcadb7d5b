using System.Security.Claims;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Identity;

/// <summary>
/// The only account routes there are: sign in with a cookie, sign out, who am I. Accounts are made by an
/// administrator (<c>/api/users</c>); there is no registration, password reset or token route to find.
/// </summary>
public static class SignInEndpoints
{
    private const string FailedTitle =
        "Sign-in failed. Check the e-mail address and password; after several failed tries, wait 15 minutes and try again.";

    // Compared against when no account has the address, so an unknown address costs what a wrong password does.
    private static readonly Lazy<string> NoAccountHash = new(() => new PasswordHasher<MeetingsUser>().HashPassword(new MeetingsUser(), Guid.NewGuid().ToString()));

    public static void MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        // ?useCookies=true, which Identity's old route wanted, is still accepted and changes nothing: a cookie is the only way in.
        auth.MapPost("/login", SignInAsync)
            .Produces(StatusCodes.Status204NoContent).Produces<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json");
        auth.MapPost("/logout", SignOutAsync).RequireAuthorization().Produces(StatusCodes.Status204NoContent);
        auth.MapGet("/me", AccountService.Me).RequireAuthorization();
    }

    /// <summary>
    /// Unknown address, wrong password, locked account or too many tries: one answer, byte for byte, and each
    /// (but the throttled) after one password hash, so neither the words nor the time tell which it was.
    /// </summary>
    private static async Task<IResult> SignInAsync(SignInRequest request, HttpContext http, UserManager<MeetingsUser> users,
        SignInManager<MeetingsUser> signIn, IPasswordHasher<MeetingsUser> hasher, SignInThrottle throttle, RefusalLog refusals)
    {
        var email = Guard.Text(request.Email, "email", 254);
        var password = request.Password is { Length: > 0 and <= 1000 } p ? p
            : throw new InvalidInputException("password", "The password is required (at most 1000 characters).");
        var (address, network) = (ClientAddress.Of(http), ClientAddress.NetworkOf(http));
        // Counted as the account is found: every spelling Identity takes for it (other capitals, a Kelvin sign for a K) is one count.
        var account = users.NormalizeEmail(email);
        if (!throttle.TryBegin(address, network, account)) return Failed(refusals, "too many failed tries from this address");

        var user = await users.FindByEmailAsync(email);
        var passwordRight = user is not null ? await users.CheckPasswordAsync(user, password) : HashAnyway(hasher, password);
        if (user is null || !passwordRight || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
            return Failed(refusals, "wrong e-mail or password");
        throttle.Succeeded(address, network, account);
        await signIn.SignInAsync(user, isPersistent: true);
        return Results.NoContent();
    }

    /// <summary>
    /// Ends the session everywhere: a new security stamp makes each earlier cookie worthless, and its live connections
    /// end (here at once, on other instances within seconds).
    /// </summary>
    private static async Task<IResult> SignOutAsync(ClaimsPrincipal principal, UserManager<MeetingsUser> users, SignInManager<MeetingsUser> signIn,
        Live.SignedOutScreens liveConnections)
    {
        if (await users.GetUserAsync(principal) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
            liveConnections.End(user.Id);
        }
        await signIn.SignOutAsync();
        return Results.NoContent();
    }

    private static bool HashAnyway(IPasswordHasher<MeetingsUser> hasher, string password)
    {
        hasher.VerifyHashedPassword(new MeetingsUser(), NoAccountHash.Value, password);
        return false;
    }

    private static IResult Failed(RefusalLog refusals, string why)
    {
        refusals.Refused("sign-in", why);
        // Written without the per-request trace id, so every failure reads the same.
        return Results.Json(new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = FailedTitle },
            contentType: "application/problem+json", statusCode: StatusCodes.Status401Unauthorized);
    }
}

/// <summary>
/// Checks on every request that the cookie's security stamp is still the account's: after sign-out (or any
/// change of stamp) a saved cookie no longer signs anyone in. One lookup by key per signed-in request.
/// </summary>
internal static class SessionCheck
{
    public static async Task ValidateAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        if (context.Principal is { } principal && await IsCurrentAsync(principal, context.HttpContext.RequestServices)) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }

    /// <summary>Whether the session behind <paramref name="principal"/> still stands: its account exists and has not signed out since.</summary>
    public static async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, IServiceProvider services)
    {
        var users = services.GetRequiredService<UserManager<MeetingsUser>>();
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var stamp = principal.FindFirstValue(stampClaim);
        var user = users.GetUserId(principal) is { } id ? await users.FindByIdAsync(id) : null;
        return user is not null && stamp is not null && stamp == await users.GetSecurityStampAsync(user);
    }
}
