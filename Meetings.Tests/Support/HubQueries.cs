using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;

namespace Meetings.Tests.Support;

/// <summary>
/// Counts the database commands a hub method runs, by method name: SignalR starts an activity for each invocation
/// (with the method in its <c>rpc.method</c> tag) when someone listens, and EF Core reports each command it runs
/// within it. Lets a test say "Join read nothing from the database" of the server itself, whatever else runs beside it.
/// </summary>
public sealed class HubQueries : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly ActivityListener _activities = new()
    {
        ShouldListenTo = s => s.Name == "Microsoft.AspNetCore.SignalR.Server",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
    };
    private readonly IDisposable _listeners;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ConcurrentQueue<(string Method, string Sql)> _commands = new();

    public HubQueries()
    {
        ActivitySource.AddActivityListener(_activities);
        _listeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>The commands run so far by invocations of <paramref name="method"/>.</summary>
    public IReadOnlyList<string> Of(string method) => [.. _commands.Where(c => c.Method == method).Select(c => c.Sql)];

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "Microsoft.EntityFrameworkCore") lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> e)
    {
        if (!e.Key.EndsWith("CommandExecuting", StringComparison.Ordinal)) return;
        var command = e.Value?.GetType().GetProperty("Command")?.GetValue(e.Value) as DbCommand;
        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
            if (activity.GetTagItem("rpc.method") is string method)
            {
                _commands.Enqueue((method, command?.CommandText ?? e.Key));
                return;
            }
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        _listeners.Dispose();
        lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
        _activities.Dispose();
    }
}
