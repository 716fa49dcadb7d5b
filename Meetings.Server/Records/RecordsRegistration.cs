namespace Meetings.Server.Records;

public static class RecordsRegistration
{
    /// <summary>The public record: reading a meeting's record from its journal, and the addresses it links to (<c>PublicBaseUrl</c>).</summary>
    public static IHostApplicationBuilder AddRecords(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(new RecordLinks(builder.Configuration["PublicBaseUrl"]?.TrimEnd('/') ?? "http://localhost:5000"));
        builder.Services.AddSingleton<RecordCache>();
        builder.Services.AddScoped<MeetingRecords>();
        builder.Services.AddScoped<RecordDocuments>();
        return builder;
    }
}
