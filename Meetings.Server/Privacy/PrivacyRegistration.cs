using Meetings.Server.Data;

namespace Meetings.Server.Privacy;

public static class PrivacyRegistration
{
    /// <summary>The server secret and the person keys made with it, and the sweep that deletes phone numbers no longer needed.</summary>
    public static IHostApplicationBuilder AddPrivacy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ServerSecret>();
        builder.Services.AddSingleton<PersonKeys>();
        builder.Services.AddSingleton<ContactSweep>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ContactSweep>());
        return builder;
    }

    /// <summary>Loads (or, on first start, makes) the server secret; run after migrations, before anything makes a person key.</summary>
    public static async Task LoadServerSecretAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await app.Services.GetRequiredService<ServerSecret>().LoadAsync(
            scope.ServiceProvider.GetRequiredService<MeetingsDbContext>(), app.Configuration);
    }
}
