using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Meetings.Tests.Support;

/// <summary>
/// Runs the server's own <c>Program</c> until its services are built, and stops it there (as <c>dotnet ef</c> does):
/// nothing is started, migrated or connected to. For checking how the server is put together for settings this
/// machine cannot serve, such as a SQL Server database.
/// </summary>
public static class BuiltNotStarted
{
    private static readonly AsyncLocal<TaskCompletionSource<IHost>?> Caught = new();

    public static async Task<IHost> Program(params string[] args)
    {
        var built = new TaskCompletionSource<IHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listening = DiagnosticListener.AllListeners.Subscribe(new Listeners());
        var entry = typeof(Program).Assembly.EntryPoint!;
        var running = Task.Run(() =>
        {
            Caught.Value = built;
            try
            {
                entry.Invoke(null, [args]);
                built.TrySetException(new InvalidOperationException("The program ended without building its host."));
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is HostAbortedException)
            {
                // Stopped right after the build, as asked.
            }
            catch (Exception e)
            {
                built.TrySetException(e);
            }
        });
        var host = await built.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await running;
        return host;
    }

    private sealed class Listeners : IObserver<DiagnosticListener>
    {
        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.Extensions.Hosting") listener.Subscribe(new HostEvents());
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }

    private sealed class HostEvents : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value)
        {
            // Only the host built on the thread that runs Program for this call, not another test's.
            if (value.Key != "HostBuilt" || value.Value is not IHost host || Caught.Value is not { } built) return;
            built.TrySetResult(host);
            throw new HostAbortedException();
        }

        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}
