using Meetings.Server.Privacy;

namespace Meetings.Tests.Privacy;

/// <summary>Providers' refusals keep their meaning and lose the number or address they quote.</summary>
public class ContactsMaskedTests
{
    [TestCase("400 Account not authorized to call +15035557788. Perhaps you need to enable some international permissions",
        "400 Account not authorized to call …7788. Perhaps you need to enable some international permissions")]
    [TestCase("Twilio 400: The 'To' number (503) 555-7788 is not a valid phone number.", "Twilio 400: The 'To' number …7788 is not a valid phone number.")]
    [TestCase("+44 20 7946 0958 is unreachable", "…0958 is unreachable")]
    [TestCase("5.1.1 <rosa.delgado@example.org>: Recipient address rejected: User unknown", "5.1.1 <(address)>: Recipient address rejected: User unknown")]
    [TestCase("Mailbox unavailable for ana@mail.example.gov", "Mailbox unavailable for (address)")]
    public void ANumberOrAddressQuoted_IsMasked(string said, string kept) => Assert.That(ContactsMasked.In(said), Is.EqualTo(kept));

    [TestCase("Twilio 429: Too Many Requests (code 20429)")]
    [TestCase("Error 21215 on 2026-11-26 at 18:00:05")]
    [TestCase("The operation has timed out after 100000 ms.")]
    [TestCase("Connection refused (127.0.0.1:5025)")]
    public void TextWithoutANumberOrAddress_IsKeptAsItIs(string said) => Assert.That(ContactsMasked.In(said), Is.EqualTo(said));
}
