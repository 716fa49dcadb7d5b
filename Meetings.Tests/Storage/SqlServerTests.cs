using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.SqlServer;
using Meetings.Server.Data;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Meetings.Tests.Storage;

/// <summary>
/// SQL Server is the production database and cannot run on this machine. What can be checked here is: every piece
/// of SQL the server sends to it parses as T-SQL for SQL Server 2019 (Microsoft's own parser), and the server, set up
/// for SQL Server, builds and validates its services without opening the database.
/// </summary>
public class SqlServerTests
{
    private static SqlServerMeetingsDbContext Context(string connection = "Server=never.invalid;Database=Meetings") =>
        new(new DbContextOptionsBuilder<SqlServerMeetingsDbContext>().UseSqlServer(connection).Options);

    /// <summary>Parses T-SQL as SQL Server 2019 does, quoted identifiers on (as EF Core and Hangfire write them).</summary>
    private static (TSqlScript Script, List<string> Errors) Parse(string sql)
    {
        var script = (TSqlScript)new TSql150Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        return (script, errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}").ToList());
    }

    [Test]
    public void TheWholeMigrationScript_IdempotentAsDotnetEfWritesIt_ParsesAsTSql_WithNoErrors()
    {
        using var db = Context();
        var migrations = db.Database.GetMigrations().ToList();

        var sql = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var (script, errors) = Parse(sql);

        Assert.That(errors, Is.Empty);
        Assert.That(migrations, Is.Not.Empty);
        Assert.That(migrations.Where(id => !sql.Contains($"N'{id}'", StringComparison.Ordinal)), Is.Empty, "every migration is in the script");
        Assert.That(script.Batches.Count, Is.GreaterThan(migrations.Count), "each migration's statements, batch by batch");
        Assert.That(script.Batches.SelectMany(b => b.Statements).OfType<IfStatement>().Count(), Is.GreaterThanOrEqualTo(migrations.Count), "idempotent: each step guarded");
    }

    [Test]
    public void HangfiresTables_AsTheServerInstallsThemBesideTheMigrations_ParseAsTSql_WithNoErrors()
    {
        var sql = SqlServerObjectsInstaller.GetInstallScript("HangFire", enableHeavyMigrations: false);

        var (script, errors) = Parse(sql);

        Assert.That(errors, Is.Empty);
        Assert.That(script.Batches.SelectMany(b => b.Statements), Is.Not.Empty);
    }

    /// <summary>Calls that hand SQL text to the database.</summary>
    private static readonly Regex SqlCall = new(
        """\b(?:ExecuteSqlRaw(?:Async)?|ExecuteSql(?:Interpolated)?(?:Async)?|FromSql(?:Raw|Interpolated)?|SqlQuery(?:Raw)?(?:<[^>]+>)?|migrationBuilder\.Sql)\s*\(\s*""",
        RegexOptions.Compiled);

    /// <summary>A C# string literal at the start of a call's arguments: regular, verbatim or interpolated (not raw).</summary>
    private static readonly Regex StringLiteral = new("""\G(?:\$@|@\$|\$|@)?"(?:[^"\\]|\\.|"")*"(?!")""", RegexOptions.Compiled);

    [Test]
    public void EveryRawSqlStringTheServerSends_IsForSqliteAlone_OrParsesAsTSql()
    {
        var server = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Server");
        var calls = Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(file => (File: Path.GetRelativePath(server, file), Text: File.ReadAllText(file)))
            .SelectMany(f => SqlCall.Matches(f.Text).Select(call =>
            {
                var line = f.Text.AsSpan(0, call.Index).Count('\n') + 1;
                var statement = f.Text[Math.Max(0, f.Text.LastIndexOf('\n', call.Index))..call.Index];
                var literal = StringLiteral.Match(f.Text, call.Index + call.Length);
                return (Where: $"{f.File}:{line}", Guarded: statement.Contains("IsSqlite()", StringComparison.Ordinal), Sql: literal.Success ? Literal(literal.Value) : null);
            }))
            .ToList();

        Assert.That(calls, Is.Not.Empty, "the search finds the raw SQL there is (the SQLite journal mode, at least)");
        Assert.That(calls.Where(c => c.Sql is null).Select(c => c.Where), Is.Empty, "SQL built away from the call cannot be checked here: write it at the call");
        foreach (var (where, _, sql) in calls.Where(c => !c.Guarded))
            Assert.That(Parse(sql!).Errors, Is.Empty, $"{where}: {sql}");
        Assert.That(calls.Where(c => c.Guarded).Select(c => c.Sql), Is.All.StartsWith("PRAGMA"), "only SQLite's own settings are sent to SQLite alone");
    }

    /// <summary>A C# string literal's text; the holes of an interpolated one become parameters, as EF Core sends them.</summary>
    private static string Literal(string literal)
    {
        var prefix = literal[..literal.IndexOf('"', StringComparison.Ordinal)];
        var text = literal[(prefix.Length + 1)..^1];
        text = prefix.Contains('@', StringComparison.Ordinal) ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : Regex.Unescape(text);
        return prefix.Contains('$', StringComparison.Ordinal) ? Regex.Replace(text, @"\{[^}]*\}", "@p0") : text;
    }

    [Test]
    public async Task SetUpForSqlServer_TheServerBuildsAndValidatesItsServices_WithoutOpeningTheDatabase()
    {
        // A "database" that counts who connects to it.
        var database = new TcpListener(IPAddress.Loopback, 0);
        database.Start();
        var port = ((IPEndPoint)database.LocalEndpoint).Port;
        var connections = 0;
        using var stop = new CancellationTokenSource();
        var counting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await database.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref connections);
                }
            }
            catch (OperationCanceledException) { }
        });
        var connection = $"Server=tcp:127.0.0.1,{port};Database=Meetings;User Id=meetings;Password=never-sent;Encrypt=False;Connect Timeout=2";

        // Development: the host checks at build that every service can be made (ValidateOnBuild, ValidateScopes).
        using var host = await BuiltNotStarted.Program("--environment=Development", "--Database:Provider=SqlServer",
            $"--ConnectionStrings:Meetings={connection}", $"--Data:Folder={TestHost.NewFolder()}");
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        using (var scope = host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
            Assert.That(db, Is.InstanceOf<SqlServerMeetingsDbContext>());
            var used = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(db.Database.GetConnectionString());
            Assert.That((used.DataSource, used.InitialCatalog), Is.EqualTo(($"tcp:127.0.0.1,{port}", "Meetings")));
            Assert.That(db.Database.CreateExecutionStrategy(), Is.InstanceOf<SqlServerRetryingExecutionStrategy>(), "connection resiliency: transient faults are retried");
            Assert.That(db.Database.GetMigrations(), Is.Not.Empty, "the SQL Server migrations are the ones applied at start-up");
        }
        var storage = host.Services.GetRequiredService<JobStorage>();
        Assert.That(storage, Is.InstanceOf<SqlServerStorage>(), "Hangfire keeps its jobs in the same SQL Server");
        Assert.That(host.Services.GetServices<IHostedService>(), Is.Not.Empty.And.All.Not.Null, "every background service is made");

        stop.Cancel();
        database.Stop();
        await counting;
        Assert.That(connections, Is.Zero, "building and validating opened no connection to the database");
    }
}
