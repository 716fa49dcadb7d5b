using Meetings.Server.Journal;

namespace Meetings.Server.Meetings;

public static class MeetingsRegistration
{
    /// <summary>The journal, its verifier, the meeting store and the one clock they share.</summary>
    public static IHostApplicationBuilder AddMeetings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<MeetingJournal>();
        builder.Services.AddSingleton<MeetingStore>();
        builder.Services.AddSingleton<JournalVerifier>();
        return builder;
    }
}
