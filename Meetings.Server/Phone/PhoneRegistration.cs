namespace Meetings.Server.Phone;

public static class PhoneRegistration
{
    /// <summary>Phone participation through Twilio; off, with a notice at start-up, when Twilio is not configured.</summary>
    public static IHostApplicationBuilder AddPhone(this IHostApplicationBuilder builder)
    {
        var options = PhoneOptions.From(builder.Configuration);
        builder.Services.Configure<PhoneOptions>(o => PhoneOptions.From(builder.Configuration).CopyTo(o));
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<PhoneOptions>()
            .Validate(o => PhoneOptions.ApiBaseUrlIsSafe(o.ApiBaseUrl, development), PhoneOptions.ApiBaseUrlRule)
            .ValidateOnStart();
        TwilioGateway.Register(builder.Services);
        builder.Services.AddScoped<TwilioGateway>();
        builder.Services.AddScoped<PhoneService>();
        builder.Services.AddScoped<WebhookReceipts>();
        builder.Services.AddScoped<VoiceTokens>();
        builder.Services.AddRateLimiter(o => o.AddPolicy(VoiceTokens.RateLimit, http => Security.PerAddressLimits.PerMinute(http, VoiceTokens.RateLimit, VoiceTokens.PerMinute)));
        builder.Services.AddSingleton<CallScript>();
        builder.Services.AddSingleton<TwilioHealth>();
        builder.Services.AddSingleton<PhoneSync>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PhoneSync>());
        builder.Services.AddSingleton<Followers.IJournalFollower, PhoneFollower>();
        if (!options.IsConfigured)
            Console.WriteLine("Phone participation is off: set Twilio:AccountSid, Twilio:AuthToken, Twilio:PhoneNumber and PublicBaseUrl to turn it on.");
        return builder;
    }
}
