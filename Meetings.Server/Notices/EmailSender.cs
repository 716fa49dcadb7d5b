using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Meetings.Server.Notices;

/// <summary>
/// SMTP settings: <c>Smtp:Host</c>, <c>Smtp:Port</c>, <c>Smtp:Security</c> (None, StartTls, SslOnConnect, Auto),
/// <c>Smtp:User</c>, <c>Smtp:Password</c>, <c>Smtp:From</c>, and <c>Smtp:TrustedCertificate</c>.
/// </summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Meetings <notices@localhost>";

    /// <summary>
    /// The SHA-256 fingerprint (hex) of a mail server's own certificate to accept although no authority this machine
    /// trusts issued it, as a city's internal relay often has; any other certificate must be trusted as usual.
    /// </summary>
    public string? TrustedCertificate { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>
/// Sends e-mail through SMTP with MailKit. Each message carries a one-click unsubscribe (RFC 8058) and a Message-Id in
/// the public host's domain (not this machine's name, which mail filters distrust).
/// </summary>
public sealed class EmailSender(Microsoft.Extensions.Options.IOptions<SmtpOptions> options, PublicAddress address)
{
    /// <summary>Sends a message whose body already ends with its footer (how to stop these e-mails, in the reader's language).</summary>
    public async Task SendAsync(string to, string subject, string body, string unsubscribeUrl, CancellationToken ct = default)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("E-mail is not configured (Smtp:Host).");
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(o.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(address.Host);
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Body = new TextPart("plain") { Text = body };

        using var smtp = new SmtpClient { Timeout = 30_000 };
        if (o.TrustedCertificate is { Length: > 0 } pinned)
            smtp.ServerCertificateValidationCallback = (_, certificate, _, errors) => errors == SslPolicyErrors.None || IsPinned(certificate, pinned);
        await smtp.ConnectAsync(o.Host!, o.Port, o.Security, ct);
        if (!string.IsNullOrEmpty(o.User)) await smtp.AuthenticateAsync(o.User, o.Password ?? "", ct);
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(true, ct);
    }

    private static bool IsPinned(X509Certificate? certificate, string fingerprint) =>
        certificate is not null && string.Equals(Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())),
            fingerprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
}
