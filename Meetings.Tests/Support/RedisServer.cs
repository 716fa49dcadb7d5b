using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Meetings.Tests.Support;

/// <summary>
/// A real redis-server (Debian's) on loopback. infra/test.sh starts one for the whole run and names it in
/// <c>MEETINGS_TEST_REDIS</c> (host:port); run alone, the tests start their own when redis-server is installed, and
/// are skipped, saying why, when it is not. Settings carry a key prefix of the test's own, so tests sharing one
/// server never hear each other.
/// </summary>
public sealed class RedisServer : IDisposable
{
    public const string Program = "/usr/bin/redis-server";
    private static readonly Lock Gate = new();
    private static string? _shared;
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The run's Redis (host:port), or the test is skipped when there is none to be had.</summary>
    public static string Shared
    {
        get
        {
            lock (Gate)
            {
                if (_shared is not null) return _shared;
                if (Environment.GetEnvironmentVariable("MEETINGS_TEST_REDIS") is { Length: > 0 } named) return _shared = named;
                if (!File.Exists(Program))
                    Assert.Ignore($"No Redis: {Program} is not installed and MEETINGS_TEST_REDIS is not set (infra/test.sh installs and starts one).");
                var own = StartAsync().GetAwaiter().GetResult();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => own.Dispose();
                return _shared = $"127.0.0.1:{own.Port}";
            }
        }
    }

    /// <summary>Server settings that put an instance on this Redis, on channels of its own.</summary>
    public static IReadOnlyDictionary<string, string?> Settings(string endpoint) => new Dictionary<string, string?>
    {
        ["Redis:Configuration"] = $"{endpoint},channelPrefix=test-{Guid.NewGuid():N}",
    };

    /// <summary>A redis-server of this test's own on a free loopback port, nothing saved to disk.</summary>
    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        if (!File.Exists(Program)) Assert.Ignore($"No Redis: {Program} is not installed (infra/test.sh installs it).");
        var server = new RedisServer(port ?? FreePort());
        await server.RunAsync();
        return server;
    }

    /// <summary>Stops the server, as when Redis restarts or its machine goes away.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false }) _process.Kill();
        _process?.WaitForExit();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts it again on the same port.</summary>
    public Task RestartAsync()
    {
        Stop();
        return RunAsync();
    }

    private async Task RunAsync()
    {
        var start = new ProcessStartInfo(Program, ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", TestHost.NewFolder()])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        _process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                {
                    _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                    _ = _process.StandardError.BaseStream.CopyToAsync(Stream.Null);
                    return;
                }
        }
        catch (OperationCanceledException)
        {
        }
        Stop();
        Assert.Fail($"redis-server did not start on port {Port}");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose() => Stop();
}
