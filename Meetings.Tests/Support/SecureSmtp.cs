using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;

namespace Meetings.Tests.Support;

/// <summary>
/// A mail server as a city runs one, on loopback: Debian's aiosmtpd with a self-signed certificate made here,
/// STARTTLS required before anything else, then a login. It keeps each message in a Maildir of its own.
/// </summary>
public sealed class SecureSmtp : IDisposable
{
    public const string User = "meetings-notices";
    public const string Password = "a long mail relay password";

    private readonly Process _server;
    private readonly string _folder;

    private SecureSmtp(Process server, string folder, int port, string fingerprint)
    {
        (_server, _folder, Port, CertificateSha256) = (server, folder, port, fingerprint);
    }

    public int Port { get; }

    /// <summary>The SHA-256 fingerprint of the server's certificate, as <c>Smtp:TrustedCertificate</c> takes it.</summary>
    public string CertificateSha256 { get; }

    public string Maildir => Path.Combine(_folder, "mail");

    /// <summary>Settings that point a host at this server, with STARTTLS and the login.</summary>
    public Dictionary<string, string?> Settings(string? password = Password, string security = "StartTls") => new()
    {
        ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = security, ["Smtp:User"] = User, ["Smtp:Password"] = password,
        ["Smtp:From"] = "Harbor City Clerk <clerk@harbor.example.gov>", ["Smtp:TrustedCertificate"] = CertificateSha256,
    };

    public IReadOnlyList<MimeMessage> MessagesTo(string address) => SmtpSink.Read(Maildir, address);

    public static SecureSmtp Start()
    {
        var folder = TestFolders.New("secure-mail-");
        foreach (var sub in new[] { "tmp", "new", "cur" }) Directory.CreateDirectory(Path.Combine(folder, "mail", sub));
        var fingerprint = WriteCertificate(folder);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var script = Path.Combine(AppContext.BaseDirectory, "Support", "secure_smtp.py");
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { script, "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"), Path.Combine(folder, "mail"), User, Password })
            start.ArgumentList.Add(arg);
        var server = Process.Start(start) ?? throw new InvalidOperationException("Could not start aiosmtpd.");
        var ready = server.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(20)) || ready.Result != "ready")
        {
            if (!server.HasExited) server.Kill();
            Assert.Fail($"aiosmtpd with STARTTLS did not start (apt-get install python3-aiosmtpd): {server.StandardError.ReadToEnd()}");
        }
        return new SecureSmtp(server, folder, port, fingerprint);
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, as PEM files; returns its SHA-256 fingerprint.</summary>
    private static string WriteCertificate(string folder)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=mail.harbor.example.gov", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(folder, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        return Convert.ToHexString(SHA256.HashData(certificate.RawData));
    }

    public void Dispose()
    {
        if (!_server.HasExited)
        {
            _server.StandardInput.Close();
            if (!_server.WaitForExit(5000)) _server.Kill();
        }
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
