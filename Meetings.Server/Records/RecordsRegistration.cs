using System.Threading.RateLimiting;
using Meetings.Server.Security;

namespace Meetings.Server.Records;

public static class RecordsRegistration
{
    /// <summary>
    /// The rate limit on reading a meeting's record (its journal, minutes, exports and packet): each answer is worked
    /// out from the journal or built per request, so one address may ask <c>Records:PerMinute</c> times a minute (120
    /// by default). Signed-in staff are not limited.
    /// </summary>
    public const string RateLimit = "records";

    /// <summary>The public record: reading a meeting's record from its journal, and the addresses it links to (<c>PublicBaseUrl</c>).</summary>
    public static IHostApplicationBuilder AddRecords(this IHostApplicationBuilder builder)
    {
        var publicBaseUrl = builder.Configuration["PublicBaseUrl"]?.Trim().TrimEnd('/');
        // Not taken from requests: an approved rendering is kept and served to everyone, so one request's Host header
        // would become every reader's link.
        if (string.IsNullOrEmpty(publicBaseUrl) && !builder.Environment.IsDevelopment())
            Console.WriteLine("PublicBaseUrl is not set: open data, minutes and packets link to http://localhost:5000. Set it to this server's public address.");
        builder.Services.AddSingleton(new RecordLinks(string.IsNullOrEmpty(publicBaseUrl) ? "http://localhost:5000" : publicBaseUrl));
        builder.Services.AddSingleton<RecordCache>();
        builder.Services.AddScoped<MeetingRecords>();
        builder.Services.AddSingleton<VoteRows>();
        builder.Services.AddScoped<RecordDocuments>();
        var permits = builder.Configuration.GetValue("Records:PerMinute", 120);
        builder.Services.AddRateLimiter(o => o.AddPolicy(RateLimit, http => http.User.Identity?.IsAuthenticated == true
            ? RateLimitPartition.GetNoLimiter("signed in")
            : PerAddressLimits.PerMinute(http, RateLimit, permits)));
        return builder;
    }
}
