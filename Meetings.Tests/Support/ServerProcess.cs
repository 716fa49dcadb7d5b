using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Meetings.Server.Live;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Meetings.Tests.Support;

/// <summary>The built server (the same configuration as the tests) as a process of its own, on loopback, with the demo council.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process) => _process = process;

    public Uri Address => _listening.Task.Result;
    public bool Killed { get; private set; }

    /// <summary>What the server wrote to its standard output so far, line by line.</summary>
    public IReadOnlyCollection<string> Output => _output;

    public static Task<ServerProcess> StartAsync(string folder, params string[] settings) => StartAsync(folder, new Dictionary<string, string>(), settings);

    /// <summary>
    /// Starts the server with <paramref name="environment"/> added to this process's; the shared array pool's setting
    /// only as given, so what the server makes of it is its own (an in-process host of this test run sets it here).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string folder, IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Debug|Release>/net10.0
        var bin = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Server", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = bin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(bin, "Meetings.Server.dll"), "--urls", "http://127.0.0.1:0", "--Data:Folder", folder, "--Demo:Seed", "true" },
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Testing" },
        };
        foreach (var setting in settings) start.ArgumentList.Add(setting);
        start.Environment.Remove(SharedArrays.Setting);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var server = new ServerProcess(Process.Start(start)!);
        server._process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not { } text) return;
            server._output.Enqueue(text);
            if (Listening().Match(text) is { Success: true } m) server._listening.TrySetResult(new Uri(m.Groups[1].Value));
        };
        server._process.ErrorDataReceived += (_, _) => { };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try { await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(90)); }
        catch (TimeoutException) { server.Kill(); Assert.Fail("the server process did not start listening within 90 s"); }
        return server;
    }

    public HttpClient Client(CookieContainer? jar = null) =>
        new(new HttpClientHandler { CookieContainer = jar ?? new CookieContainer() }) { BaseAddress = Address };

    public async Task<(HttpClient Http, HubConnection Hub)> SignInAsClerkAsync()
    {
        var jar = new CookieContainer();
        var http = Client(jar);
        var response = await http.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email = Demo.Clerk, password = TestHost.Password });
        Assert.That(response.IsSuccessStatusCode, Is.True, $"sign-in: {response.StatusCode}");
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(Address, "/hubs/meeting"), o => { o.Cookies = jar; o.Transports = HttpTransportType.WebSockets; })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await hub.StartAsync();
        return (http, hub);
    }

    /// <summary>SIGKILL: no shutdown, no flushing, nothing the server can do about it.</summary>
    public void Kill()
    {
        Killed = true;
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(30_000);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
