using Meetings.Server.Data;
using Meetings.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Meetings;

public static class Startup
{
    /// <summary>
    /// Runs a command-line verb instead of serving, when one is given:
    /// <c>create-admin EMAIL PASSWORD</c> makes (or promotes) an administrator. Returns true when a verb ran.
    /// </summary>
    public static async Task<bool> RunStartupVerbAsync(this WebApplication app, string[] args)
    {
        if (args.Length == 0 || args[0] != "create-admin") return false;
        if (args.Length != 3)
        {
            await Console.Error.WriteLineAsync("usage: create-admin EMAIL PASSWORD");
            Environment.ExitCode = 2;
            return true;
        }
        await using var scope = app.Services.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<AccountService>().EnsureAdminAsync(args[1], args[2]);
            Console.WriteLine($"{args[1]} is an administrator.");
        }
        catch (Domain.InvalidInputException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            Environment.ExitCode = 1;
        }
        return true;
    }

    /// <summary>
    /// The first administrator from <c>Admin:Email</c> and <c>Admin:Password</c>, and in Development (or with
    /// <c>Demo:Seed=true</c>) the demo council on an empty database.
    /// </summary>
    public static async Task SeedAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (app.Configuration["Admin:Email"] is { Length: > 0 } email && app.Configuration["Admin:Password"] is { Length: > 0 } password)
            await services.GetRequiredService<AccountService>().EnsureAdminAsync(email, password);
        if (app.Configuration.GetValue("Demo:Seed", app.Environment.IsDevelopment()))
            await ActivatorUtilities.CreateInstance<DemoSeed>(services).SeedAsync();
    }

    /// <summary><c>GET /healthz</c>: 200 when the database answers, 503 when it does not.</summary>
    public static void MapHealthEndpoint(this WebApplication app) =>
        app.MapGet("/healthz", async (MeetingsDbContext db, CancellationToken ct) =>
            await db.Database.CanConnectAsync(ct) ? Results.Text("ok") : Results.Text("database unavailable", statusCode: 503))
        .WithTags("Health").Produces<string>(StatusCodes.Status200OK, "text/plain").Produces<string>(StatusCodes.Status503ServiceUnavailable, "text/plain");
}
