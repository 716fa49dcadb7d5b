using Meetings.Server.Domain;

namespace Meetings.Server.Live;

/// <summary>
/// Where a call-back to a web speaker stands: due (on deck, to be called), dialling (Twilio asked), placed (Twilio took
/// the call; the line's own state says the rest), or failed (Twilio refused it, or its fate is unknown: never called twice).
/// </summary>
public enum CallBackState { None, Due, Dialling, Placed, Failed }

/// <summary>
/// A speaker's phone number, for a text when they are next and, if they asked, a call when they are on deck. Kept
/// apart from the public journal, which records only that a text was wanted.
/// </summary>
public sealed class SpeakerContact
{
    public Guid EntryId { get; set; }
    public Guid MeetingId { get; set; }
    public string Phone { get; set; } = "";
    /// <summary>When it was kept: a number younger than a few minutes may belong to a sign-up still being committed.</summary>
    public DateTimeOffset SavedAt { get; set; }
    /// <summary>The language the speaker used on the page (en or es): texts and the call-back are in it.</summary>
    public string Language { get; set; } = "en";
    /// <summary>"Call me when I'm up": the server calls this number when the sign-up goes on deck.</summary>
    public bool CallMe { get; set; }
    public CallBackState CallBack { get; set; }
    /// <summary>When the call-back started dialling: one dialling far longer than Twilio takes was left by a server that stopped.</summary>
    public DateTimeOffset? DiallingSince { get; set; }
    public int CallBackAttempts { get; set; }
    /// <summary>Why the last call-back could not be placed (Twilio's answer).</summary>
    public string? CallBackProblem { get; set; }

    /// <summary>A phone number in E.164 form (+15551234567); US numbers may omit the +1.</summary>
    public static string? NormalizePhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone)) return null;
        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        if (!phone.TrimStart().StartsWith('+') && digits.Length == 10) digits = "1" + digits;
        return digits.Length is >= 8 and <= 15 && phone.All(c => char.IsAsciiDigit(c) || " +-().".Contains(c))
            ? "+" + digits
            : throw new InvalidInputException("phone", "The phone number should look like +1 555 123 4567.");
    }
}
