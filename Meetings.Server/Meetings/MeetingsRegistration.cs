using Meetings.Server.Journal;

namespace Meetings.Server.Meetings;

public static class MeetingsRegistration
{
    /// <summary>The journal, its verifier, the meeting store and the one clock they share; the stream players a page may frame.</summary>
    public static IHostApplicationBuilder AddMeetings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<MeetingJournal>();
        builder.Services.AddSingleton<MeetingStore>();
        builder.Services.AddSingleton<JournalVerifier>();
        builder.Services.AddSingleton<PublicFolds>();
        builder.Services.Configure<Security.ContentSecurityPolicy>(p => p.Add("frame-src", StreamEmbed.Players));
        return builder;
    }
}
