using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Meetings.Tests.Support;

/// <summary>
/// Debian's nginx running the project's own <c>infra/nginx/meetings.conf</c> on loopback, in front of test hosts:
/// the sample's instances, ports and certificate are replaced with the test's (a self-signed certificate made now),
/// nothing else. Stopped, by its process id, when disposed.
/// </summary>
public sealed partial class Nginx : IDisposable
{
    public const string Program = "/usr/sbin/nginx";
    public const string ServerName = "meetings.example.gov";

    private readonly Process _process;

    private Nginx(Process process, int port, X509Certificate2 certificate) =>
        (_process, Https, Certificate) = (process, new Uri($"https://127.0.0.1:{port}"), certificate);

    /// <summary>Where nginx takes HTTPS.</summary>
    public Uri Https { get; }

    /// <summary>The certificate it presents: a client trusts this one and no other.</summary>
    public X509Certificate2 Certificate { get; }

    public bool Presents(X509Certificate? certificate) => certificate is not null && certificate.GetCertHashString() == Certificate.Thumbprint;

    /// <summary>A client of the sample config as it is, through nginx, trusting its certificate.</summary>
    public HttpClient Client(CookieContainer? jar = null) => new(new HttpClientHandler
    {
        CookieContainer = jar ?? new CookieContainer(), AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => Presents(certificate),
    }) { BaseAddress = Https };

    public static async Task<Nginx> StartAsync(params Uri[] instances)
    {
        if (!File.Exists(Program)) Assert.Ignore($"No nginx: {Program} is not installed (infra/test.sh installs it).");
        var folder = TestHost.NewFolder();
        // Certificates are read by nginx's master; its workers (another user when run as root) only pass through this folder.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var certificate = SelfSigned();
        await File.WriteAllTextAsync(Path.Combine(folder, "fullchain.pem"), certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(folder, "privkey.pem"), certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        int http = FreePort(), https = FreePort();
        await File.WriteAllTextAsync(Path.Combine(folder, "meetings.conf"), Rendered(instances, folder, http, https));
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{folder}}/nginx.pid;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{folder}}/body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                include {{folder}}/meetings.conf;
            }
            """);
        var start = new ProcessStartInfo(Program, ["-p", folder, "-c", Path.Combine(folder, "nginx.conf"), "-e", Path.Combine(folder, "error.log")])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var errors = process.StandardError.ReadToEndAsync();
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (process.HasExited)
                Assert.Fail($"nginx refused the sample config: {await errors} {ErrorLog(folder)}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, https);
                return new Nginx(process, https, certificate);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        process.Kill();
        Assert.Fail($"nginx did not listen on {https}: {ErrorLog(folder)}");
        return null!;
    }

    /// <summary>The sample config with the test's instances, ports and certificate; each replacement must have found its line.</summary>
    private static string Rendered(Uri[] instances, string folder, int http, int https)
    {
        var sample = File.ReadAllText(Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "infra", "nginx", "meetings.conf"));
        var servers = 0;
        var text = Instance().Replace(sample, m =>
        {
            servers++;
            return $"server {instances[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1].Authority}";
        });
        Assert.That(servers, Is.EqualTo(4), "the sample names two instances in each of its two upstreams");
        foreach (var (from, to) in new[]
        {
            ("listen 80;", $"listen 127.0.0.1:{http};"),
            ("listen 443 ssl http2;", $"listen 127.0.0.1:{https} ssl http2;"),
            ("/etc/ssl/meetings/", folder + "/"),
        })
        {
            Assert.That(text, Does.Contain(from), $"the sample config has {from}");
            text = text.Replace(from, to);
        }
        // This machine's loopback may have no IPv6.
        return string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith("listen [::]", StringComparison.Ordinal)));
    }

    [GeneratedRegex(@"server 10\.0\.0\.1([12]):5000")]
    private static partial Regex Instance();

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={ServerName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static string ErrorLog(string folder) =>
        File.Exists(Path.Combine(folder, "error.log")) ? File.ReadAllText(Path.Combine(folder, "error.log")) : "";

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        Certificate.Dispose();
    }
}
