using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Meetings.Server.Data;

public static class DataRegistration
{
    /// <summary>
    /// Registers the database. <c>Database:Provider</c> is <c>Sqlite</c> (default: one file in the data
    /// folder) or <c>SqlServer</c>; <c>ConnectionStrings:Meetings</c> overrides where it lives. The options are built
    /// once (they depend on nothing per request), not again for every scope that opens the database.
    /// </summary>
    public static IHostApplicationBuilder AddMeetingsData(this IHostApplicationBuilder builder)
    {
        var provider = builder.Configuration["Database:Provider"] ?? "Sqlite";
        var connection = builder.Configuration.GetConnectionString("Meetings");
        switch (provider.ToUpperInvariant())
        {
            case "SQLITE":
                connection ??= $"Data Source={Path.Combine(DataFolder(builder), "meetings.db")}";
                builder.Services.AddDbContext<MeetingsDbContext, SqliteMeetingsDbContext>(o => o.UseSqlite(connection).AddInterceptors(new SqliteWaitsForWriters()),
                    optionsLifetime: ServiceLifetime.Singleton);
                break;
            case "SQLSERVER":
                builder.Services.AddDbContext<MeetingsDbContext, SqlServerMeetingsDbContext>(o => o.UseSqlServer(
                    connection ?? throw new InvalidOperationException("Database:Provider is SqlServer but ConnectionStrings:Meetings is not set."),
                    sql => sql.EnableRetryOnFailure()), optionsLifetime: ServiceLifetime.Singleton);
                break;
            default:
                throw new InvalidOperationException($"Database:Provider '{provider}' is not supported: use Sqlite or SqlServer.");
        }
        // The keys sign-in cookies are sealed with live in the database, under one application name whatever folder an
        // instance runs from: every instance on it reads the others' cookies, and the keys are backed up with the data.
        builder.Services.AddDataProtection().SetApplicationName("Meetings").PersistKeysToDbContext<MeetingsDbContext>();
        return builder;
    }

    /// <summary>Where the embedded database lives: <c>Data:Folder</c>, else a <c>data</c> folder beside the app's content.</summary>
    public static string DataFolder(IHostApplicationBuilder builder)
    {
        var folder = builder.Configuration["Data:Folder"] ?? Path.Combine(builder.Environment.ContentRootPath, "data");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// Applies migrations at start-up, and with SQL Server installs Hangfire's tables; SQLite is switched to
    /// write-ahead logging so readers never block the writer (and writers wait for each other: <see cref="SqliteWaitsForWriters"/>).
    /// </summary>
    public static async Task MigrateMeetingsDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        if (db.Database.IsSqlite()) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlServer())
        {
            // Hangfire keeps its jobs in the same database: its tables are brought up to date here, with ours.
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            Hangfire.SqlServer.SqlServerObjectsInstaller.Install(connection);
            await connection.CloseAsync();
        }
    }
}

/// <summary>Lets <c>dotnet ef</c> build each provider's context without starting the app.</summary>
internal sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteMeetingsDbContext>
{
    public SqliteMeetingsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteMeetingsDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class SqlServerDesignFactory : IDesignTimeDbContextFactory<SqlServerMeetingsDbContext>
{
    public SqlServerMeetingsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerMeetingsDbContext>().UseSqlServer("Server=design;Database=Meetings").Options);
}
