namespace Meetings.Server.Minutes;

public static class MinutesRegistration
{
    /// <summary>Minutes: <c>Minutes:BodyName</c>, <c>Minutes:SealText</c>, and <c>Minutes:FontFolder</c> for the PDF's fonts.</summary>
    public static IHostApplicationBuilder AddMinutes(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<MinutesOptions>(builder.Configuration.GetSection("Minutes"));
        builder.Services.AddSingleton(_ => MinutesFonts.Install(builder.Configuration["Minutes:FontFolder"]));
        builder.Services.AddScoped<MinutesService>();
        builder.Services.AddSingleton<MinutesRenderings>();
        return builder;
    }
}
