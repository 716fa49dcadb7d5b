using System.Data.Common;
using Meetings.Server.Data;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Support;

/// <summary>
/// Counts the queries that read a meeting's journal: those made while serving a request (a page, an API call, a hub
/// connection), and apart those made by the calls a test starts through <see cref="Mark{T}"/> (followed by their async
/// flow). The server's background work (the journal's followers, the watcher, the contact sweep) reads it on its own
/// time, and under load that can fall in the middle of what a test counts; neither count includes it.
/// </summary>
public sealed class JournalReads : DbCommandInterceptor
{
    private static readonly HttpContextAccessor Requests = new();
    private readonly AsyncLocal<bool> _marking = new();
    private int _count;
    private int _marked;

    public int Count => Volatile.Read(ref _count);
    public int Marked => Volatile.Read(ref _marked);

    /// <summary>Registers this counter on a host's database.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.ConfigureDbContext<SqliteMeetingsDbContext>(o => o.AddInterceptors(this));
    }

    /// <summary>Starts <paramref name="start"/> with the journal reads it makes, now and after its awaits, counted in <see cref="Marked"/>.</summary>
    public T Mark<T>(Func<T> start)
    {
        _marking.Value = true;
        try
        {
            return start();
        }
        finally
        {
            _marking.Value = false;
        }
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData data, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        if (command.CommandText.Contains("\"JournalEvents\"", StringComparison.Ordinal))
        {
            if (Requests.HttpContext is not null) Interlocked.Increment(ref _count);
            if (_marking.Value) Interlocked.Increment(ref _marked);
        }
        return base.ReaderExecutingAsync(command, data, result, ct);
    }
}
