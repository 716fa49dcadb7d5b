using Meetings.Server.Data;
using Microsoft.AspNetCore.Identity;

namespace Meetings.Server.Identity;

public static class IdentityRegistration
{
    /// <summary>Identity with EF stores, cookie sign-in, lockout, password rules and the role policies.</summary>
    public static IHostApplicationBuilder AddMeetingsIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.ClerkPolicy, p => p.RequireRole(Roles.Clerk, Roles.Admin))
            .AddPolicy(Roles.AdminPolicy, p => p.RequireRole(Roles.Admin));
        builder.Services.AddIdentityCore<MeetingsUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length over composition, as NIST SP 800-63B advises: a long passphrase beats "Passw0rd!".
                o.Password.RequiredLength = 10;
                o.Password.RequiredUniqueChars = 4;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddClaimsPrincipalFactory<MeetingsClaimsFactory>()
            .AddEntityFrameworkStores<MeetingsDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddApiEndpoints();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "meetings.auth";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            // An API answers 401 and 403; it never redirects to a sign-in page.
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
        });
        builder.Services.AddScoped<AccountService>();
        return builder;
    }

    /// <summary>
    /// Identity's sign-in endpoints under <c>/api/auth</c> (login with cookies, manage/info and so on), with
    /// open registration and bearer tokens closed: accounts are made by an administrator at <c>/api/users</c>.
    /// </summary>
    public static void MapAuthEndpoints(this WebApplication app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth");
        auth.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            var path = request.Path.Value ?? "";
            if (path.EndsWith("/register", StringComparison.OrdinalIgnoreCase))
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Accounts are created by an administrator.");
            // Sign-in is by cookie only: bearer tokens (and refreshing them) are not offered.
            if (path.EndsWith("/refresh", StringComparison.OrdinalIgnoreCase) ||
                (path.EndsWith("/login", StringComparison.OrdinalIgnoreCase) && request.Query["useCookies"] != "true" && request.Query["useSessionCookies"] != "true"))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Sign in with cookies: POST /api/auth/login?useCookies=true.");
            return await next(context);
        });
        auth.MapIdentityApi<MeetingsUser>();
        auth.MapPost("/logout", async (SignInManager<MeetingsUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.NoContent();
        }).RequireAuthorization();
        auth.MapGet("/me", AccountService.Me).RequireAuthorization();
        app.MapUserEndpoints();
    }
}
