using System.Security.Cryptography;
using System.Text;

namespace Meetings.Server.Domain;

/// <summary>An approved version of the minutes, as the journal records it.</summary>
public sealed record MinutesVersion(int Version, string DocumentHash, long AsOfSequence, string? Correction, DateTimeOffset ApprovedAt);

public sealed partial class Meeting
{
    public const int NarrativeLimit = 10_000;

    private readonly Dictionary<Guid, string> _narratives = [];
    private readonly List<MinutesVersion> _minutesVersions = [];

    /// <summary>The text hash of each item's narrative in the draft (the meeting as a whole under <see cref="Guid.Empty"/>).</summary>
    public IReadOnlyDictionary<Guid, string> Narratives => _narratives;
    public IReadOnlyList<MinutesVersion> MinutesVersions => _minutesVersions;

    /// <summary>The SHA-256 of a text's UTF-8 bytes, in lower-case hex: how the journal refers to the words of the minutes.</summary>
    public static string HashOfText(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// The clerk writes the narrative of an item, or of the meeting as a whole (no item), in the draft minutes.
    /// Only narrative: the recorded facts come from the journal. An empty text clears it.
    /// </summary>
    public MeetingEvent[] EditNarrative(DateTimeOffset now, Guid? itemId, string? text)
    {
        RequireAdjourned();
        if (itemId is { } id) Item(id);
        var words = (text ?? "").Trim();
        if (words.Length > NarrativeLimit)
            throw new InvalidInputException("text", $"A narrative may be at most {NarrativeLimit} characters.");
        var hash = HashOfText(words);
        return _narratives.GetValueOrDefault(itemId ?? Guid.Empty, HashOfText("")) == hash ? [] : [new MinutesNarrativeEdited(itemId, hash, now)];
    }

    /// <summary>
    /// Approves the minutes as the next version: the document made from the journal at <paramref name="asOfSequence"/>.
    /// A correction (any version after the first) must say what changed and why (what changed, the caller has checked).
    /// </summary>
    public MeetingEvent[] ApproveMinutes(DateTimeOffset now, int version, string documentHash, long asOfSequence, string? correction)
    {
        RequireAdjourned();
        Require(version == _minutesVersions.Count + 1 && asOfSequence == Version, "minutes-current",
            "The record changed while the minutes were being approved; please look again and approve.");
        var reason = Guard.OptionalText(correction, "correction", 2000);
        if (version > 1 && reason is null)
            throw new InvalidInputException("correction", "A correction to approved minutes must say what changed and why.");
        return [new MinutesApproved(version, documentHash, asOfSequence, version > 1 ? reason : null, now)];
    }

    private void RequireAdjourned() =>
        Require(Status == MeetingStatus.Adjourned, "minutes-after-adjournment", "Minutes are written once the meeting is adjourned.");

    private bool ApplyMinutes(MeetingEvent e)
    {
        switch (e)
        {
            case MinutesNarrativeEdited n: _narratives[n.ItemId ?? Guid.Empty] = n.TextHash; break;
            case MinutesApproved a: _minutesVersions.Add(new MinutesVersion(a.Version, a.DocumentHash, a.AsOfSequence, a.Correction, a.At)); break;
            default: return false;
        }
        return true;
    }
}
