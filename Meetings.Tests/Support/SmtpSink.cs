using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;

namespace Meetings.Tests.Support;

/// <summary>
/// A real SMTP server on loopback (Debian's python3-aiosmtpd) that keeps each message in a Maildir. infra/test.sh
/// starts one for the whole run; run alone, the tests start their own. Tests find their messages by recipient.
/// </summary>
public static class SmtpSink
{
    private static readonly Lock Gate = new();
    private static (int Port, string Maildir)? _server;

    public static int Port => Server.Port;

    public static (int Port, string Maildir) Server
    {
        get
        {
            lock (Gate) return _server ??= FromEnvironment() ?? Start();
        }
    }

    /// <summary>Settings that point a test host at this SMTP server.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "None", ["Smtp:From"] = "Harbor City Clerk <clerk@harbor.example.gov>",
    };

    /// <summary>The messages delivered to an address so far.</summary>
    public static IReadOnlyList<MimeMessage> MessagesTo(string address) => Read(Server.Maildir, address);

    /// <summary>The messages to an address in a Maildir.</summary>
    public static IReadOnlyList<MimeMessage> Read(string maildir, string address)
    {
        return new[] { "new", "cur" }.Select(d => Path.Combine(maildir, d)).Where(Directory.Exists)
            .SelectMany(Directory.GetFiles).Select(file => MimeMessage.Load(file))
            .Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(m => m.Date).ToList();
    }

    /// <summary>Waits, at most fifteen seconds, until <paramref name="count"/> messages have reached an address.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> WaitFor(string address, int count = 1)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var messages = MessagesTo(address);
            if (messages.Count >= count) return messages;
            if (stopwatch.Elapsed > TimeSpan.FromSeconds(15)) Assert.Fail($"{address} got {messages.Count} of {count} messages");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits, at most fifteen seconds, for one message to an address that is <paramref name="what"/>.</summary>
    public static async Task<MimeMessage> WaitFor(string address, Func<MimeMessage, bool> which, string what)
    {
        await Wait.Until(() => MessagesTo(address).Any(which), $"{what} to {address}");
        return MessagesTo(address).Single(which);
    }

    private static (int, string)? FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("MEETINGS_TEST_SMTP_PORT"), out var port) &&
        Environment.GetEnvironmentVariable("MEETINGS_TEST_MAILDIR") is { Length: > 0 } dir ? (port, dir) : null;

    private static (int, string) Start()
    {
        var maildir = TestFolders.New("mail-");
        foreach (var sub in new[] { "tmp", "new", "cur" }) Directory.CreateDirectory(Path.Combine(maildir, sub));
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", $"-m aiosmtpd -n -l 127.0.0.1:{port} -c aiosmtpd.handlers.Mailbox {maildir}")
        {
            RedirectStandardError = true, UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { if (!process.HasExited) process.Kill(); };
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited) Assert.Fail($"aiosmtpd did not start (apt-get install python3-aiosmtpd, or run infra/test.sh): {process.StandardError.ReadToEnd()}");
            try
            {
                using var probe = new TcpClient("127.0.0.1", port);
                return (port, maildir);
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new InvalidOperationException("aiosmtpd did not open its port within five seconds.");
    }
}
