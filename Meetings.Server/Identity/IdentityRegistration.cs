using Meetings.Server.Data;
using Microsoft.AspNetCore.Identity;

namespace Meetings.Server.Identity;

public static class IdentityRegistration
{
    /// <summary>
    /// Identity with EF stores, cookie sign-in checked against the account's security stamp on every request,
    /// password rules, the sign-in throttle (in place of Identity's lockout, which anyone could use to lock a
    /// clerk out) and the role policies.
    /// </summary>
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
                // Wrong passwords are throttled per address and per (account, address) by SignInThrottle instead.
                o.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<IdentityRole>()
            .AddClaimsPrincipalFactory<MeetingsClaimsFactory>()
            .AddEntityFrameworkStores<MeetingsDbContext>()
            .AddSignInManager();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "meetings.auth";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.Events.OnValidatePrincipal = SessionCheck.ValidateAsync;
            // An API answers 401 and 403; it never redirects to a sign-in page.
            o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
            o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
        });
        builder.Services.AddScoped<AccountService>();
        builder.Services.AddSingleton<SignInThrottle>();
        return builder;
    }

    /// <summary>The account routes (<c>/api/auth/login</c>, <c>/logout</c>, <c>/me</c>) and account administration (<c>/api/users</c>).</summary>
    public static void MapAuthEndpoints(this WebApplication app)
    {
        app.MapSignInEndpoints();
        app.MapUserEndpoints();
    }
}
