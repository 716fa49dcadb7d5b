namespace Meetings.Server.Minutes;

/// <summary>
/// A text of the minutes (a narrative, or an approved document as JSON) kept under the SHA-256 of its UTF-8 bytes.
/// The journal records only the hash, so a draft stays private until approved and no stored text can change unseen.
/// </summary>
public sealed class MinutesText
{
    public string Hash { get; set; } = "";
    public Guid MeetingId { get; set; }
    public string Text { get; set; } = "";
}
