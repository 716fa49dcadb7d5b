namespace Meetings.Server.Domain;

public enum SpeakerState { Waiting, OnDeck, Speaking, Done, Withdrawn, NoShow }

/// <summary>A public speaker's place in an item's queue, and their turn once given the floor.</summary>
public sealed class SpeakerEntry
{
    internal SpeakerEntry(SpeakerSignedUp s, long sequence) =>
        (Id, ItemId, Name, Source, PersonKey, Stance, UsesInterpreter, WantsText, SignedUpAt, SignedUpSequence) =
        (s.EntryId, s.ItemId, s.Name, s.Source, s.PersonKey, s.Stance, s.UsesInterpreter, s.WantsText, s.At, sequence);

    public Guid Id { get; }
    public Guid ItemId { get; }
    /// <summary>The name as given: for the official record and the clerk. The public sees <see cref="PublicName"/>.</summary>
    public string Name { get; }
    /// <summary>The journal sequence of the sign-up, whose text is served only while the name is public.</summary>
    public long SignedUpSequence { get; }
    public bool NameHidden { get; internal set; }
    /// <summary>The name the clerk put in place of the one given, if any.</summary>
    public string? ReplacedName { get; internal set; }
    /// <summary>Why the clerk hid or replaced the name.</summary>
    public string? ModerationReason { get; internal set; }
    /// <summary>The name as the public may see it: null while hidden, the clerk's replacement, else the name given.</summary>
    public string? PublicName => NameHidden ? null : ReplacedName ?? Name;
    /// <summary>Whether the name as given is what the public sees (so its text is served beside the journal).</summary>
    public bool GivenNameIsPublic => !NameHidden && ReplacedName is null;
    public SpeakerSource Source { get; }
    public string PersonKey { get; }
    public Stance? Stance { get; }
    public bool UsesInterpreter { get; }
    public bool WantsText { get; }
    public DateTimeOffset SignedUpAt { get; }
    public SpeakerState State { get; internal set; }
    public Turn? Turn { get; internal set; }
    public bool IsActive => State is SpeakerState.Waiting or SpeakerState.OnDeck or SpeakerState.Speaking;
}

/// <summary>
/// A turn at the microphone. The end time is a fact kept on the server; clients count down from it.
/// While paused there is no end time, only the seconds left.
/// </summary>
public sealed class Turn
{
    public int Seconds { get; internal set; }
    public DateTimeOffset StartedAt { get; internal set; }
    public DateTimeOffset? EndsAt { get; internal set; }
    public int? SecondsLeftWhenPaused { get; internal set; }
    public DateTimeOffset? EndedAt { get; internal set; }
    public TurnEndReason? EndReason { get; internal set; }
    public bool IsPaused => SecondsLeftWhenPaused is not null;
}

public sealed partial class Meeting
{
    private readonly Dictionary<Guid, SpeakerEntry> _entries = [];
    private readonly Dictionary<Guid, List<Guid>> _queues = [];
    // Each person's entries on each item (nearly always one): the one-place rule then looks at those, not at a queue
    // that may be thousands long, on every sign-up of a crowded hearing.
    private readonly Dictionary<(Guid ItemId, string PersonKey), List<Guid>> _entriesOf = [];

    /// <summary>An item's speakers in queue order, including those who are done.</summary>
    public IReadOnlyList<SpeakerEntry> QueueFor(Guid itemId) =>
        _queues.TryGetValue(itemId, out var order) ? order.Select(id => _entries[id]).ToList() : [];

    public SpeakerEntry? Speaking => _entries.Values.FirstOrDefault(e => e.State == SpeakerState.Speaking);

    /// <summary>Whether the person already has a place in the item's queue (waiting, on deck or speaking).</summary>
    public bool HoldsPlace(Guid itemId, string personKey) =>
        _entriesOf.TryGetValue((itemId, personKey), out var ids) && ids.Exists(id => _entries[id].IsActive);

    /// <summary>A speaker entry, or null when the meeting has none by that id.</summary>
    public SpeakerEntry? FindEntry(Guid entryId) => _entries.GetValueOrDefault(entryId);

    public SpeakerEntry Entry(Guid entryId) =>
        _entries.GetValueOrDefault(entryId) ?? throw new InvalidInputException("entryId", "No such speaker in this meeting.");

    /// <summary>
    /// Puts a speaker in an item's queue, first come first served. <paramref name="personKey"/> tells one
    /// person's entries apart (a resident's token hash, a caller's id, a card's name) so nobody holds two
    /// places on one item.
    /// </summary>
    public MeetingEvent[] SignUp(
        DateTimeOffset now, Guid entryId, Guid itemId, string name, SpeakerSource source, string personKey,
        Stance? stance, bool usesInterpreter, bool wantsText)
    {
        RequireInSession();
        var item = Item(itemId);
        Require(item.CommentOpen, "comment-not-open", $"Public comment on item {item.Number} is not open.");
        Require(!_entries.ContainsKey(entryId), "entry-unique", "This sign-up was already received.");
        if (!Enum.IsDefined(source)) throw new InvalidInputException("source", "Unknown source.");
        if (stance is { } s && !Enum.IsDefined(s)) throw new InvalidInputException("stance", "Stance is Support, Oppose or Neutral.");
        var key = Guard.Text(personKey, "personKey", 200);
        RequireNotBlocked(key);
        Require(!HoldsPlace(itemId, key), "one-place-per-person",
            $"This person is already in the queue for item {item.Number}.");
        return [new SpeakerSignedUp(entryId, itemId, Guard.Text(name, "name", 80), source, key, stance, usesInterpreter, wantsText, now)];
    }

    public MeetingEvent[] Withdraw(Guid entryId)
    {
        RequireInSessionOrRecess();
        var entry = Entry(entryId);
        Require(entry.State is SpeakerState.Waiting or SpeakerState.OnDeck, "withdraw-while-waiting",
            $"A speaker who is {entry.State} cannot withdraw.");
        return [new SpeakerWithdrawn(entryId)];
    }

    /// <summary>The clerk reorders the waiting speakers of an item; the order given must name each exactly once.</summary>
    public MeetingEvent[] Reorder(Guid itemId, IReadOnlyList<Guid> order)
    {
        RequireInSession();
        Item(itemId);
        var waiting = QueueFor(itemId).Where(e => e.State == SpeakerState.Waiting).Select(e => e.Id).ToHashSet();
        if (order.Count != waiting.Count || !waiting.SetEquals(order))
            throw new InvalidInputException("order", "The new order must list every waiting speaker of the item exactly once.");
        // Nobody waiting: nothing to put in order, and nothing to record.
        return waiting.Count == 0 ? [] : [new QueueReordered(itemId, order.ToList())];
    }

    /// <summary>Puts the next waiting speaker of an item on deck.</summary>
    public MeetingEvent[] CallNext(Guid itemId)
    {
        RequireInSession();
        var queue = QueueFor(itemId);
        Require(!queue.Any(e => e.State == SpeakerState.OnDeck), "one-on-deck", "A speaker is already on deck.");
        var next = queue.FirstOrDefault(e => e.State == SpeakerState.Waiting)
            ?? throw new MeetingRuleException("queue-empty", "Nobody is waiting to speak on this item.");
        return [new SpeakerCalled(next.Id)];
    }

    /// <summary>
    /// Gives a speaker the floor for the item's minutes (or the body's default); a speaker using an
    /// interpreter gets twice the time.
    /// </summary>
    public MeetingEvent[] StartTurn(DateTimeOffset now, Guid entryId)
    {
        RequireInSession();
        var entry = Entry(entryId);
        Require(entry.State is SpeakerState.Waiting or SpeakerState.OnDeck, "start-waiting-speaker",
            $"A speaker who is {entry.State} cannot be given the floor.");
        Require(Speaking is null, "one-speaker", $"{Speaking?.PublicName ?? "Another speaker"} has the floor; end that turn first.");
        var seconds = (Item(entry.ItemId).MinutesPerSpeaker ?? Rules.SpeakerMinutes) * 60 * (entry.UsesInterpreter ? 2 : 1);
        return [new TurnStarted(entryId, now, seconds, now.AddSeconds(seconds))];
    }

    public MeetingEvent[] PauseTurn(DateTimeOffset now)
    {
        var turn = RequireTurn(out var entry);
        Require(!turn.IsPaused, "turn-running", "The turn is already paused.");
        var left = (int)Math.Max(0, Math.Ceiling((turn.EndsAt!.Value - now).TotalSeconds));
        return [new TurnPaused(entry.Id, now, left)];
    }

    public MeetingEvent[] ResumeTurn(DateTimeOffset now)
    {
        var turn = RequireTurn(out var entry);
        Require(turn.IsPaused, "turn-paused", "The turn is not paused.");
        return [new TurnResumed(entry.Id, now, now.AddSeconds(turn.SecondsLeftWhenPaused!.Value))];
    }

    public MeetingEvent[] ExtendTurn(int seconds)
    {
        var turn = RequireTurn(out var entry);
        if (seconds is < 1 or > 3600) throw new InvalidInputException("seconds", "An extension is 1 to 3600 seconds.");
        return [turn.IsPaused
            ? new TurnExtended(entry.Id, seconds, null, turn.SecondsLeftWhenPaused + seconds)
            : new TurnExtended(entry.Id, seconds, turn.EndsAt!.Value.AddSeconds(seconds), null)];
    }

    public MeetingEvent[] EndTurn(DateTimeOffset now, TurnEndReason reason = TurnEndReason.Clerk)
    {
        RequireTurn(out var entry);
        return [new TurnEnded(entry.Id, now, reason)];
    }

    /// <summary>Ends the running turn if its time is up; nothing otherwise. The timer service calls this.</summary>
    public MeetingEvent[] ExpireTurn(DateTimeOffset now) =>
        Speaking?.Turn is { IsPaused: false, EndsAt: { } endsAt } && now >= endsAt
            ? [new TurnEnded(Speaking.Id, now, TurnEndReason.Expired)] : [];

    public MeetingEvent[] MarkNoShow(Guid entryId)
    {
        RequireInSessionOrRecess();
        var entry = Entry(entryId);
        Require(entry.State is SpeakerState.Waiting or SpeakerState.OnDeck, "no-show-while-waiting",
            $"A speaker who is {entry.State} cannot be marked a no-show.");
        return [new SpeakerNoShow(entryId)];
    }

    private Turn RequireTurn(out SpeakerEntry entry)
    {
        entry = Speaking ?? throw new MeetingRuleException("no-turn", "Nobody has the floor.");
        return entry.Turn!;
    }

    private MeetingEvent[] EndTurnIfAny(DateTimeOffset now, TurnEndReason reason) =>
        Speaking is { } s ? [new TurnEnded(s.Id, now, reason)] : [];

    private bool ApplySpeakers(MeetingEvent e)
    {
        switch (e)
        {
            case SpeakerSignedUp s:
                _entries[s.EntryId] = new SpeakerEntry(s, Version + 1);
                _textAt[Version + 1] = _entries[s.EntryId];
                if (!_queues.TryGetValue(s.ItemId, out var queue)) _queues[s.ItemId] = queue = [];
                queue.Add(s.EntryId);
                if (!_entriesOf.TryGetValue((s.ItemId, s.PersonKey), out var own)) _entriesOf[(s.ItemId, s.PersonKey)] = own = [];
                own.Add(s.EntryId);
                break;
            case SpeakerWithdrawn w: _entries[w.EntryId].State = SpeakerState.Withdrawn; break;
            case SpeakerNoShow n: _entries[n.EntryId].State = SpeakerState.NoShow; break;
            case SpeakerCalled c: _entries[c.EntryId].State = SpeakerState.OnDeck; break;
            case QueueReordered r: ApplyReorder(r); break;
            case TurnStarted t:
                _entries[t.EntryId].State = SpeakerState.Speaking;
                _entries[t.EntryId].Turn = new Turn { Seconds = t.Seconds, StartedAt = t.At, EndsAt = t.EndsAt };
                break;
            case TurnPaused p: (_entries[p.EntryId].Turn!.EndsAt, _entries[p.EntryId].Turn!.SecondsLeftWhenPaused) = (null, p.SecondsLeft); break;
            case TurnResumed r: (_entries[r.EntryId].Turn!.EndsAt, _entries[r.EntryId].Turn!.SecondsLeftWhenPaused) = (r.EndsAt, null); break;
            case TurnExtended x:
                var turn = _entries[x.EntryId].Turn!;
                (turn.Seconds, turn.EndsAt, turn.SecondsLeftWhenPaused) = (turn.Seconds + x.Seconds, x.EndsAt, x.SecondsLeft);
                break;
            case TurnEnded d:
                _entries[d.EntryId].State = SpeakerState.Done;
                (_entries[d.EntryId].Turn!.EndedAt, _entries[d.EntryId].Turn!.EndReason, _entries[d.EntryId].Turn!.EndsAt) = (d.At, d.Reason, null);
                break;
            default: return false;
        }
        return true;
    }

    /// <summary>Waiting speakers take the new order in the places waiting speakers held; others keep theirs.</summary>
    private void ApplyReorder(QueueReordered r)
    {
        // Journals may hold an empty reorder of an item nobody had signed up for (recorded before it was refused).
        if (!_queues.TryGetValue(r.ItemId, out var queue)) return;
        var next = 0;
        for (var i = 0; i < queue.Count; i++)
            if (_entries[queue[i]].State == SpeakerState.Waiting) queue[i] = r.Order[next++];
    }
}
