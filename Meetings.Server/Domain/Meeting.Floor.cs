namespace Meetings.Server.Domain;

/// <summary>A member waiting to be recognized by the chair on the current item.</summary>
public sealed record FloorRequest(Guid SeatId, Guid ItemId, DateTimeOffset At);

/// <summary>A resident's written comment on an item, read into the record; public once released (or at once, by the body's rule) unless hidden.</summary>
public sealed class WrittenComment
{
    internal WrittenComment(WrittenCommentSubmitted c, long sequence) =>
        (Id, ItemId, Name, Text, PersonKey, At, Sequence) = (c.CommentId, c.ItemId, c.Name, c.Text, c.PersonKey, c.At, sequence);

    public Guid Id { get; }
    public Guid ItemId { get; }
    public string Name { get; }
    public string Text { get; }
    public string PersonKey { get; }
    public DateTimeOffset At { get; }
    /// <summary>The journal sequence of the submission, whose text is served only while the comment is public.</summary>
    public long Sequence { get; }
    public bool Released { get; internal set; }
    public bool Hidden { get; internal set; }
    public string? HiddenReason { get; internal set; }
}

public sealed partial class Meeting
{
    public const int WrittenCommentLimit = 3000;

    private readonly List<FloorRequest> _floorRequests = [];
    private readonly List<WrittenComment> _writtenComments = [];

    /// <summary>Members waiting to speak, in the order they asked.</summary>
    public IReadOnlyList<FloorRequest> MembersWaiting => _floorRequests;
    public Guid? RecognizedSeatId { get; private set; }
    public IReadOnlyList<WrittenComment> WrittenComments => _writtenComments;

    public MeetingEvent[] AskToSpeak(DateTimeOffset now, Guid seatId)
    {
        RequireInSession();
        RequirePresentMember(seatId);
        var itemId = CurrentItemId ?? throw new MeetingRuleException("no-item", "No item is under consideration.");
        Require(_floorRequests.All(r => r.SeatId != seatId), "already-asked", "This member is already waiting to speak.");
        return [new MemberAskedToSpeak(seatId, itemId, now)];
    }

    public MeetingEvent[] WithdrawRequest(Guid seatId)
    {
        RequireInSessionOrRecess();
        Require(_floorRequests.Any(r => r.SeatId == seatId), "not-waiting", "This member is not waiting to speak.");
        return [new MemberRequestWithdrawn(seatId)];
    }

    /// <summary>The chair (through the clerk) gives a waiting member the floor.</summary>
    public MeetingEvent[] Recognize(Guid seatId)
    {
        RequireInSession();
        Require(_floorRequests.Any(r => r.SeatId == seatId), "not-waiting", "This member is not waiting to speak.");
        return [new MemberRecognized(seatId)];
    }

    /// <summary>A written comment on an item that takes public comment, from the time the agenda is posted until adjournment.</summary>
    public MeetingEvent[] SubmitWrittenComment(DateTimeOffset now, Guid commentId, Guid itemId, string name, string text, string personKey)
    {
        Require(Status is MeetingStatus.Published or MeetingStatus.Live or MeetingStatus.Recessed, "comment-window",
            "Written comments are taken from publication until adjournment.");
        var item = Item(itemId);
        Require(item.TakesPublicComment, "comment-not-taken", $"Item {item.Number} does not take public comment.");
        Require(!_writtenComments.Any(c => c.Id == commentId), "comment-unique", "This comment was already received.");
        var key = Guard.Text(personKey, "personKey", 200);
        RequireNotBlocked(key);
        return [new WrittenCommentSubmitted(commentId, itemId, Guard.Text(name, "name", 80), Guard.Text(text, "text", WrittenCommentLimit), key, now)];
    }

    /// <summary>A new item starts with no member waiting and none holding the floor.</summary>
    private void ClearFloor()
    {
        _floorRequests.Clear();
        RecognizedSeatId = null;
    }

    private bool ApplyFloor(MeetingEvent e)
    {
        switch (e)
        {
            case MemberAskedToSpeak a: _floorRequests.Add(new FloorRequest(a.SeatId, a.ItemId, a.At)); break;
            case MemberRequestWithdrawn w: _floorRequests.RemoveAll(r => r.SeatId == w.SeatId); break;
            case MemberRecognized r:
                _floorRequests.RemoveAll(f => f.SeatId == r.SeatId);
                RecognizedSeatId = r.SeatId;
                break;
            case WrittenCommentSubmitted c:
                _writtenComments.Add(new WrittenComment(c, Version + 1));
                _textAt[Version + 1] = _writtenComments[^1];
                break;
            default: return false;
        }
        return true;
    }
}
