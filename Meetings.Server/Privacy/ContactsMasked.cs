using System.Text.RegularExpressions;

namespace Meetings.Server.Privacy;

/// <summary>
/// A provider's words about a refusal (Twilio's, a mail server's), made fit to keep and to show a clerk. Such texts
/// often quote the number or the address they refused ("Account not authorized to call +15035557788", "550 5.1.1
/// &lt;rosa@example.org&gt;: user unknown"), and residents' numbers and addresses are shown to nobody and deleted
/// on schedule: a number keeps its last four digits, as a caller is shown; an address is left out.
/// </summary>
public static partial class ContactsMasked
{
    public static string In(string text) =>
        Address().Replace(Number().Replace(text, m => Digits(m.Value) is { Length: >= 10 } d ? $"…{d[^4..]}" : m.Value), "(address)");

    private static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));

    /// <summary>A run of digits with the separators numbers are written with (at least ten digits to count as a number).</summary>
    [GeneratedRegex(@"\+?\(?\d[\d ().-]{8,}\d")]
    private static partial Regex Number();

    [GeneratedRegex(@"[^\s<>()""',;:\[\]]+@[^\s<>()""',;:\[\]]+\.[A-Za-z]{2,}")]
    private static partial Regex Address();
}
