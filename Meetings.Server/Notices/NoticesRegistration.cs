using Hangfire;
using Hangfire.Dashboard;
using Hangfire.SqlServer;
using Hangfire.Storage.SQLite;
using Meetings.Server.Data;
using Meetings.Server.Followers;
using Meetings.Server.Identity;
using Meetings.Server.Security;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Notices;

public static class NoticesRegistration
{
    /// <summary>
    /// Notices and reminders through Hangfire: SQLite job storage beside the database by default (so scheduled
    /// reminders survive a restart), SQL Server's with the SqlServer provider; e-mail through SMTP (<c>Smtp:*</c>).
    /// </summary>
    public static IHostApplicationBuilder AddNotices(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.Configure<SmtpOptions>(config.GetSection("Smtp"));
        builder.Services.AddSingleton<PublicAddress>();
        builder.Services.AddSingleton<CalendarFeeds>();
        builder.Services.AddSingleton<SmsCodeTries>();
        builder.Services.AddSingleton<NoticeContent>();
        builder.Services.AddHostedService<PublicAddressCheck>();
        builder.Services.AddScoped<EmailSender>();
        builder.Services.AddScoped<NoticeJobs>();
        builder.Services.AddScoped<NoticePlanner>();

        // The storage is registered here, not through Hangfire's static configuration, so two hosts in one process keep their own.
        var jobsFile = Path.Combine(DataRegistration.DataFolder(builder), "jobs.db");
        var poll = TimeSpan.FromMilliseconds(config.GetValue("Jobs:PollMilliseconds", 5000));
        builder.Services.AddSingleton<JobStorage>(services =>
        {
            Hangfire.Logging.LogProvider.SetCurrentLogProvider(new HangfireLogs(services.GetRequiredService<ILoggerFactory>()));
            // SQL Server keeps its own clock, shared by every instance; SQLite has none, so its schedule follows the app's.
            return string.Equals(config["Database:Provider"], "SqlServer", StringComparison.OrdinalIgnoreCase)
                ? new SqlServerStorage(config.GetConnectionString("Meetings"), SqlServerJobs(poll))
                : new JobStorageOnTheAppClock(new SQLiteStorage(jobsFile, new SQLiteStorageOptions { QueuePollInterval = poll }),
                    services.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddHangfire((services, c) => c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogs(services.GetRequiredService<ILoggerFactory>())));
        builder.Services.AddHangfireServer((_, o) =>
        {
            o.SchedulePollingInterval = poll;
            o.WorkerCount = config.GetValue("Jobs:Workers", 4);
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        });
        builder.Services.AddSingleton<IJournalFollower, NoticeFollower>();

        builder.Services.AddRateLimiter(o =>
        {
            o.AddPolicy(SubscriptionEndpoints.RateLimit, http => PerAddressLimits.PerMinute(http, SubscriptionEndpoints.RateLimit, config.GetValue("Subscriptions:PerMinute", 20)));
            o.AddPolicy(SubscriptionEndpoints.LinksRateLimit, http => PerAddressLimits.PerMinute(http, SubscriptionEndpoints.LinksRateLimit, config.GetValue("Subscriptions:LinksPerMinute", 120)));
        });
        return builder;
    }

    /// <summary>
    /// Hangfire's SQL Server storage with its recommended settings for the current schema, stated here rather than
    /// read from the database: its tables are installed with the migrations at start-up (see
    /// <c>MigrateMeetingsDatabaseAsync</c>), so building the app's services never opens a connection.
    /// </summary>
    public static SqlServerStorageOptions SqlServerJobs(TimeSpan poll) => new()
    {
        QueuePollInterval = poll,
        PrepareSchemaIfNecessary = false,
        TryAutoDetectSchemaDependentOptions = false,
        UseRecommendedIsolationLevel = true,
        DisableGlobalLocks = true,
        UseIgnoreDupKeyOption = true,
    };

    /// <summary>Subscriptions, the delivery report, the calendar feed, and the Hangfire dashboard at <c>/jobs</c> (administrators only).</summary>
    public static void MapNotices(this WebApplication app)
    {
        app.MapSubscriptionEndpoints();
        app.MapNoticeEndpoints();
        app.MapHangfireDashboard("/jobs", new DashboardOptions { Authorization = [new AdminsOnly()], DisplayStorageConnectionString = false },
            app.Services.GetRequiredService<JobStorage>());
    }

    /// <summary>The dashboard judges the signed-in user, never the request's address, so a reverse proxy opens nothing.</summary>
    private sealed class AdminsOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
    }
}

/// <summary>
/// Hangfire logs through the app's logging. Hangfire keeps its log provider in a static, so once a host has
/// stopped (as between tests in one process) its disposed logging is skipped rather than thrown from.
/// </summary>
internal sealed class HangfireLogs(ILoggerFactory factory) : Hangfire.Logging.ILogProvider
{
    public Hangfire.Logging.ILog GetLogger(string name)
    {
        try
        {
            return new SafeLog(new Hangfire.AspNetCore.AspNetCoreLogProvider(factory).GetLogger(name));
        }
        catch (ObjectDisposedException)
        {
            return new SafeLog(null);
        }
    }

    private sealed class SafeLog(Hangfire.Logging.ILog? inner) : Hangfire.Logging.ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                return inner?.Log(logLevel, messageFunc, exception) ?? false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
