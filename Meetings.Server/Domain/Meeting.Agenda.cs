namespace Meetings.Server.Domain;

/// <summary>An agenda item. Items nest one level deep: 4.a, 4.b under 4.</summary>
public sealed class AgendaItem
{
    internal AgendaItem(Guid id) => Id = id;

    public Guid Id { get; }
    public Guid? ParentId { get; internal set; }
    public string Number { get; internal set; } = "";
    public string Title { get; internal set; } = "";
    public AgendaItemKind Kind { get; internal set; }
    public string? Description { get; internal set; }
    public bool TakesPublicComment { get; internal set; }
    public int? MinutesPerSpeaker { get; internal set; }
    public bool Amended { get; internal set; }
    public bool CommentOpen { get; internal set; }
    /// <summary>How long the clerk expects the item to take, if they said: the agenda's estimated length is their sum.</summary>
    public int? EstimatedMinutes { get; internal set; }
    internal List<Guid> Children { get; } = [];
}

public sealed partial class Meeting
{
    private readonly Dictionary<Guid, AgendaItem> _items = [];
    private readonly List<Guid> _topLevel = [];

    /// <summary>The agenda in order, parents before their sub-items.</summary>
    public IEnumerable<AgendaItem> Agenda =>
        _topLevel.SelectMany(id => _items[id].Children.Select(c => _items[c]).Prepend(_items[id]));

    public Guid? CurrentItemId { get; private set; }

    public AgendaItem Item(Guid itemId) =>
        _items.GetValueOrDefault(itemId) ?? throw new InvalidInputException("itemId", "This meeting has no such agenda item.");

    public MeetingEvent[] AddItem(
        Guid itemId, Guid? parentId, int? position, string title, AgendaItemKind kind, string? description,
        bool takesPublicComment, int? minutesPerSpeaker, int? estimatedMinutes = null)
    {
        RequireAgendaOpen();
        Require(!_items.ContainsKey(itemId), "item-unique", "An agenda item with this id already exists.");
        CheckItem(kind, minutesPerSpeaker, estimatedMinutes);
        var siblings = CheckParent(parentId);
        return [new AgendaItemAdded(itemId, parentId, CheckPosition(position, siblings.Count), Guard.Text(title, "title", 300),
            kind, Guard.OptionalText(description, "description", 4000), takesPublicComment, minutesPerSpeaker, IsAmendment, estimatedMinutes)];
    }

    /// <summary>Changes an item's wording or details. Saving it unchanged changes nothing, so nobody is told it was amended.</summary>
    public MeetingEvent[] ReviseItem(
        Guid itemId, string title, AgendaItemKind kind, string? description, bool takesPublicComment, int? minutesPerSpeaker,
        int? estimatedMinutes = null)
    {
        RequireAgendaOpen();
        var item = Item(itemId);
        CheckItem(kind, minutesPerSpeaker, estimatedMinutes);
        var revised = new AgendaItemRevised(itemId, Guard.Text(title, "title", 300), kind,
            Guard.OptionalText(description, "description", 4000), takesPublicComment, minutesPerSpeaker, IsAmendment, estimatedMinutes);
        var unchanged = (item.Title, item.Kind, item.Description, item.TakesPublicComment, item.MinutesPerSpeaker, item.EstimatedMinutes) ==
            (revised.Title, revised.Kind, revised.Description, revised.TakesPublicComment, revised.MinutesPerSpeaker, revised.EstimatedMinutes);
        return unchanged ? [] : [revised];
    }

    /// <summary>The agenda's estimated length: the sum of the items' estimates, or null when no item has one.</summary>
    public TimeSpan? EstimatedLength =>
        _items.Values.Any(i => i.EstimatedMinutes is not null) ? TimeSpan.FromMinutes(_items.Values.Sum(i => i.EstimatedMinutes ?? 0)) : null;

    public MeetingEvent[] MoveItem(Guid itemId, Guid? parentId, int position)
    {
        RequireAgendaOpen();
        var item = Item(itemId);
        Require(parentId != itemId, "item-nesting", "An item cannot be its own parent.");
        Require(parentId is null || item.Children.Count == 0, "item-nesting", "An item with sub-items cannot become a sub-item.");
        var siblings = CheckParent(parentId);
        var count = siblings.Count - (siblings.Contains(itemId) ? 1 : 0);
        return [new AgendaItemMoved(itemId, parentId, CheckPosition(position, count), IsAmendment)];
    }

    public MeetingEvent[] RemoveItem(Guid itemId)
    {
        RequireAgendaOpen();
        var item = Item(itemId);
        Require(item.Children.Count == 0, "item-has-sub-items", "Remove or move the sub-items first.");
        Require(CurrentItemId != itemId, "item-is-current", "The item under consideration cannot be removed.");
        // Written comments count too, hidden or not released yet: they are on the record under this item.
        Require(!_entries.Values.Any(e => e.ItemId == itemId) && !_motions.Values.Any(m => m.ItemId == itemId)
                && !_writtenComments.Any(c => c.ItemId == itemId),
            "item-has-record", "This item already has speakers, motions or written comments on the record; it cannot be removed.");
        return [new AgendaItemRemoved(itemId, IsAmendment)];
    }

    public MeetingEvent[] OpenItem(Guid itemId)
    {
        RequireInSession();
        Item(itemId);
        Require(CurrentItemId != itemId, "item-already-open", "This item is already under consideration.");
        Require(OpenVote is null, "item-vote-open", "Close the open vote before moving to another item.");
        Require(Speaking is null, "item-speaker-on-floor", "End the current speaker's turn before moving to another item.");
        var closeComment = CurrentItemId is { } current && _items[current].CommentOpen
            ? new MeetingEvent[] { new PublicCommentClosed(current) } : [];
        return [.. closeComment, new ItemOpened(itemId)];
    }

    public MeetingEvent[] OpenPublicComment(Guid itemId)
    {
        RequireInSession();
        var item = Item(itemId);
        Require(item.TakesPublicComment, "comment-not-taken", $"Item {item.Number} does not take public comment.");
        Require(!item.CommentOpen, "comment-already-open", $"Public comment on item {item.Number} is already open.");
        return [new PublicCommentOpened(itemId)];
    }

    public MeetingEvent[] ClosePublicComment(Guid itemId)
    {
        RequireInSession();
        var item = Item(itemId);
        Require(item.CommentOpen, "comment-not-open", $"Public comment on item {item.Number} is not open.");
        return [new PublicCommentClosed(itemId)];
    }

    /// <summary>Changes after publication are amendments to the posted agenda.</summary>
    private bool IsAmendment => Status != MeetingStatus.Draft;

    private void RequireAgendaOpen() =>
        Require(Status is not (MeetingStatus.Adjourned or MeetingStatus.Cancelled), "agenda-closed",
            $"The agenda of {Described} cannot change.");

    private static void CheckItem(AgendaItemKind kind, int? minutesPerSpeaker, int? estimatedMinutes)
    {
        if (!Enum.IsDefined(kind)) throw new InvalidInputException("kind", "Unknown agenda item kind.");
        if (minutesPerSpeaker is < 1 or > 60)
            throw new InvalidInputException("minutesPerSpeaker", "Minutes per speaker must be between 1 and 60.");
        if (estimatedMinutes is < 1 or > 600)
            throw new InvalidInputException("estimatedMinutes", "An item's estimated length must be between 1 and 600 minutes.");
    }

    private List<Guid> CheckParent(Guid? parentId)
    {
        if (parentId is not { } id) return _topLevel;
        var parent = _items.GetValueOrDefault(id) ?? throw new InvalidInputException("parentId", "The parent item does not exist.");
        Require(parent.ParentId is null, "item-nesting", "Sub-items cannot have sub-items of their own.");
        return parent.Children;
    }

    private static int CheckPosition(int? position, int count) => position switch
    {
        null => count,
        < 0 => throw new InvalidInputException("position", "The position cannot be negative."),
        _ => Math.Min(position.Value, count),
    };

    private bool ApplyAgenda(MeetingEvent e)
    {
        switch (e)
        {
            case AgendaItemAdded a:
                var item = new AgendaItem(a.ItemId) { Amended = a.IsAmendment };
                Revise(item, a.Title, a.Kind, a.Description, a.TakesPublicComment, a.MinutesPerSpeaker, a.EstimatedMinutes);
                _items[a.ItemId] = item;
                Place(item, a.ParentId, a.Position);
                break;
            case AgendaItemRevised r:
                Revise(_items[r.ItemId], r.Title, r.Kind, r.Description, r.TakesPublicComment, r.MinutesPerSpeaker, r.EstimatedMinutes);
                _items[r.ItemId].Amended |= r.IsAmendment;
                break;
            case AgendaItemMoved m:
                Unplace(_items[m.ItemId]);
                Place(_items[m.ItemId], m.ParentId, m.Position);
                _items[m.ItemId].Amended |= m.IsAmendment;
                break;
            case AgendaItemRemoved r:
                Unplace(_items[r.ItemId]);
                _items.Remove(r.ItemId);
                break;
            case ItemOpened o:
                CurrentItemId = o.ItemId;
                ClearFloor();
                break;
            case PublicCommentOpened o: _items[o.ItemId].CommentOpen = true; break;
            case PublicCommentClosed c: _items[c.ItemId].CommentOpen = false; break;
            default: return false;
        }
        if (e is AgendaItemAdded or AgendaItemMoved or AgendaItemRemoved) Renumber();
        return true;
    }

    private static void Revise(AgendaItem item, string title, AgendaItemKind kind, string? description, bool comment, int? minutes, int? estimate) =>
        (item.Title, item.Kind, item.Description, item.TakesPublicComment, item.MinutesPerSpeaker, item.EstimatedMinutes) =
        (title, kind, description, comment, minutes, estimate);

    private void Place(AgendaItem item, Guid? parentId, int position)
    {
        item.ParentId = parentId;
        var siblings = parentId is { } p ? _items[p].Children : _topLevel;
        siblings.Insert(Math.Min(position, siblings.Count), item.Id);
    }

    private void Unplace(AgendaItem item) =>
        (item.ParentId is { } p ? _items[p].Children : _topLevel).Remove(item.Id);

    private void Renumber()
    {
        for (var i = 0; i < _topLevel.Count; i++)
        {
            var parent = _items[_topLevel[i]];
            parent.Number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            for (var j = 0; j < parent.Children.Count; j++)
                _items[parent.Children[j]].Number = $"{parent.Number}.{SubLetter(j)}";
        }
    }

    private static string SubLetter(int index) =>
        index < 26 ? ((char)('a' + index)).ToString() : SubLetter(index / 26 - 1) + SubLetter(index % 26);
}
