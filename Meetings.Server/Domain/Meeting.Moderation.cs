namespace Meetings.Server.Domain;

/// <summary>
/// The clerk's answers to a hostile crowd: hide or replace a speaker's public name, hide a written comment or
/// release it, end a remote speaker's turn and drop the call, block a person from signing up again. Each is a
/// recorded event with its reason; the original text stays in the record but stops reaching the public.
/// </summary>
public sealed partial class Meeting
{
    public const int ModerationReasonLimit = 500;

    // The entry or comment whose free text each journal event carries, by the event's sequence number.
    private readonly Dictionary<long, object> _textAt = [];
    private readonly Dictionary<string, string> _blocked = [];

    /// <summary>Person keys that may not sign up or comment again in this meeting, with the clerk's reason.</summary>
    public IReadOnlyDictionary<string, string> Blocked => _blocked;

    public WrittenComment Comment(Guid commentId) =>
        _writtenComments.FirstOrDefault(c => c.Id == commentId) ?? throw new InvalidInputException("commentId", "No such written comment in this meeting.");

    /// <summary>Whether the public may read a written comment now: not hidden, and released unless the body publishes comments at once.</summary>
    public bool IsPublic(WrittenComment comment) =>
        !comment.Hidden && (comment.Released || Rules.WrittenComments == CommentRelease.AtOnce);

    /// <summary>
    /// Whether the free text of the journal event at <paramref name="sequence"/> may be served to the public now.
    /// Events without free text have nothing to withhold.
    /// </summary>
    public bool TextIsPublic(long sequence) => _textAt.GetValueOrDefault(sequence) switch
    {
        SpeakerEntry entry => entry.GivenNameIsPublic,
        WrittenComment comment => IsPublic(comment),
        _ => true,
    };

    public MeetingEvent[] HideSpeakerName(Guid entryId, string reason)
    {
        var entry = Entry(entryId);
        Require(!entry.NameHidden, "name-hidden", "This speaker's name is already hidden.");
        return [new SpeakerNameHidden(entryId, Reason(reason))];
    }

    /// <summary>Shows another name in place of the one given (such as "Speaker 4"); this undoes a hidden name too.</summary>
    public MeetingEvent[] ReplaceSpeakerName(Guid entryId, string name, string reason)
    {
        var entry = Entry(entryId);
        var replacement = Guard.Text(name, "name", 80);
        Require(entry.PublicName != replacement, "name-changes", "The speaker is already shown so.");
        return [new SpeakerNameReplaced(entryId, replacement, Reason(reason))];
    }

    public MeetingEvent[] HideWrittenComment(Guid commentId, string reason)
    {
        Require(!Comment(commentId).Hidden, "comment-hidden", "This comment is already hidden.");
        return [new WrittenCommentHidden(commentId, Reason(reason))];
    }

    public MeetingEvent[] ReleaseWrittenComment(Guid commentId)
    {
        var comment = Comment(commentId);
        Require(!comment.Hidden, "release-hidden", "A hidden comment cannot be released.");
        Require(!IsPublic(comment), "comment-public", "This comment is already public.");
        return [new WrittenCommentReleased(commentId)];
    }

    /// <summary>
    /// Blocks the person behind a web or phone sign-up (their key in this meeting: a resident's token or a caller's
    /// number, both as keyed hashes) from signing up or commenting again here. Their entries stay as they are.
    /// </summary>
    public MeetingEvent[] BlockSpeaker(Guid entryId, string reason)
    {
        var entry = Entry(entryId);
        Require(entry.Source is SpeakerSource.Web or SpeakerSource.Phone, "block-remote",
            "Only web and phone speakers can be blocked; the clerk takes room cards by hand.");
        Require(!_blocked.ContainsKey(entry.PersonKey), "already-blocked", "This person is already blocked in this meeting.");
        return [new SpeakerBlocked(entryId, entry.PersonKey, Reason(reason))];
    }

    /// <summary>Ends a web or phone speaker's turn and drops their call, in one step.</summary>
    public MeetingEvent[] DropSpeaker(DateTimeOffset now, Guid entryId)
    {
        var entry = Entry(entryId);
        Require(entry.State == SpeakerState.Speaking, "drop-speaking", "Only the speaker who has the floor can be dropped.");
        Require(entry.Source is SpeakerSource.Web or SpeakerSource.Phone, "drop-remote", "A speaker in the room has no call to drop.");
        return [new TurnEnded(entryId, now, TurnEndReason.Dropped)];
    }

    private void RequireNotBlocked(string personKey) =>
        Require(!_blocked.ContainsKey(personKey), "blocked", "The clerk has blocked this person from signing up or commenting in this meeting.");

    private static string Reason(string reason) => Guard.Text(reason, "reason", ModerationReasonLimit);

    private bool ApplyModeration(MeetingEvent e)
    {
        switch (e)
        {
            case SpeakerNameHidden h: (_entries[h.EntryId].NameHidden, _entries[h.EntryId].ModerationReason) = (true, h.Reason); break;
            case SpeakerNameReplaced r:
                var entry = _entries[r.EntryId];
                (entry.NameHidden, entry.ReplacedName, entry.ModerationReason) = (false, r.Name, r.Reason);
                break;
            case WrittenCommentHidden h: (Comment(h.CommentId).Hidden, Comment(h.CommentId).HiddenReason) = (true, h.Reason); break;
            case WrittenCommentReleased r: Comment(r.CommentId).Released = true; break;
            case SpeakerBlocked b: _blocked[b.PersonKey] = b.Reason; break;
            default: return false;
        }
        return true;
    }
}
