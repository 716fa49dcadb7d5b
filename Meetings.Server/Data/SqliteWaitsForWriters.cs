using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Meetings.Server.Data;

/// <summary>
/// Every connection to the embedded database waits inside SQLite while another connection writes (a sign-up's commit
/// and a follower's checkpoint, say), a few milliseconds at a time, instead of being told "busy" at once.
/// Microsoft.Data.Sqlite answers "busy" by sleeping 150 ms and trying again, so two writers meeting held a command up
/// 150 ms or more: at 200 sign-ups a second (infra/bench.sh, 1,000 viewers) sign-up p99 was 337 ms, with this 93 ms.
/// </summary>
internal sealed class SqliteWaitsForWriters : DbConnectionInterceptor
{
    /// <summary>The longest SQLite itself waits for a writer; past it Microsoft.Data.Sqlite's own retries go on to the command timeout.</summary>
    public const int WaitMilliseconds = 5000;

    // Set on the native connection directly (what PRAGMA busy_timeout does), so each open costs a call, not a statement.
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        raw.sqlite3_busy_timeout(((SqliteConnection)connection).Handle, WaitMilliseconds);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionOpened(connection, eventData);
        return Task.CompletedTask;
    }
}
