using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Meetings.Server.Live;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Meetings.Server.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Meetings.Tests.Support;

/// <summary>
/// The real server (Kestrel on a loopback port) on a SQLite file of its own, with the demo council seeded
/// and a clock the test moves. Two hosts given the same folder share one database, as two app instances would.
/// </summary>
public sealed class TestHost : WebApplicationFactory<Program>
{
    public const string Password = Meetings.Server.Meetings.DemoSeed.Password;

    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly FakeTimeProvider? _networkClock;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="networkClock">When given, the clock of the calls to Twilio (their timeouts, retries and circuit breaker); real time otherwise.</param>
    /// <param name="services">Changes to the server's services for this test only (an interceptor that fills the disk, say).</param>
    /// <param name="port">A loopback port to listen on, such as the one a stopped host used (a restart); by default one the system picks.</param>
    public TestHost(string? dataFolder = null, FakeTimeProvider? clock = null, IReadOnlyDictionary<string, string?>? settings = null,
        FakeTimeProvider? networkClock = null, string environment = "Testing", Action<IServiceCollection>? services = null, int port = 0)
    {
        _networkClock = networkClock;
        _settings = settings ?? new Dictionary<string, string?>();
        _environment = environment;
        _services = services;
        DataFolder = dataFolder ?? NewFolder();
        Clock = clock ?? new FakeTimeProvider(DateTimeOffset.UtcNow);
        UseKestrel(o => o.Listen(IPAddress.Loopback, port));
    }

    /// <summary>Where the server listens, starting it on first use.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
    }

    /// <summary>A client with its own cookie jar, as a separate browser would have.</summary>
    public HttpClient Anonymous(CookieContainer? jar = null) =>
        new(new HttpClientHandler { CookieContainer = jar ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };

    /// <summary>A hub connection over WebSockets with nobody signed in, not started yet.</summary>
    public HubConnection AnonymousHub() => new HubConnectionBuilder()
        .WithUrl(new Uri(BaseAddress, "/hubs/meeting"), o => o.Transports = HttpTransportType.WebSockets)
        .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
        .Build();

    /// <summary>
    /// A started hub connection over WebSockets with the sign-in cookie of <paramref name="email"/> (nobody when null),
    /// as a browser sends it; <paramref name="options"/> adds what else it sends (an <c>Origin</c>, say).
    /// </summary>
    public async Task<HubConnection> HubAsync(string? email, Action<HttpConnectionOptions>? options = null)
    {
        var jar = new CookieContainer();
        if (email is not null) (await SignInAsync(email, jar)).Dispose();
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "/hubs/meeting"), o =>
            {
                o.Cookies = jar;
                o.Transports = HttpTransportType.WebSockets;
                options?.Invoke(o);
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        await hub.StartAsync();
        return hub;
    }

    public string DataFolder { get; }
    public FakeTimeProvider Clock { get; }

    /// <summary>What the server logged at Warning and above.</summary>
    public LogSink Logs { get; } = new();

    public static string NewFolder() => TestFolders.New();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("Data:Folder", DataFolder);
        builder.UseSetting("Demo:Seed", "true");
        // Every test on a host reads the record from one address; the limit's own test sets it low.
        builder.UseSetting("Records:PerMinute", "1000000");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            if (_networkClock is not null) services.AddKeyedSingleton<TimeProvider>(Meetings.Server.Phone.TwilioGateway.NetworkClock, _networkClock);
            _services?.Invoke(services);
        });
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    /// <summary>
    /// The factory's Kestrel is registered after the server's services, and with it Kestrel's own socket blocks: the
    /// server's are put back in front, as they are when it runs (its Kestrel is registered before its services).
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureServices(services => services.AddSingleton<IMemoryPoolFactory<byte>>(sp => sp.GetRequiredService<SocketBlocks>()));
        return base.CreateHost(builder);
    }

    /// <summary>A client signed in with cookies as one of the demo accounts (see DemoSeed).</summary>
    public async Task<HttpClient> SignInAsync(string email, CookieContainer? jar = null)
    {
        var client = Anonymous(jar);
        var response = await client.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password = Password });
        Assert.That(response.IsSuccessStatusCode, Is.True, $"sign-in as {email} failed: {response.StatusCode}");
        return client;
    }

    public T WithDb<T>(Func<MeetingsDbContext, T> use)
    {
        using var scope = Services.CreateScope();
        return use(scope.ServiceProvider.GetRequiredService<MeetingsDbContext>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

public static class Demo
{
    public const string Admin = "admin@demo.city";
    public const string Clerk = "clerk@demo.city";
    public const string Mayor = "mayor@demo.city";
}
