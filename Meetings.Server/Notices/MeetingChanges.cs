using Meetings.Server.Domain;

namespace Meetings.Server.Notices;

/// <summary>One thing a change notice tells: the meeting moved, its place or title changed, or an agenda item changed.</summary>
public abstract record MeetingChange;

public sealed record MeetingMoved(DateTimeOffset From, DateTimeOffset To, string TimeZone) : MeetingChange;
public sealed record PlaceChanged(string From, string To) : MeetingChange;
public sealed record TitleChanged(string From, string To) : MeetingChange;
public sealed record ItemAdded(string Number, string Title) : MeetingChange;
public sealed record ItemRemoved(string Number, string Title) : MeetingChange;
public sealed record ItemReworded(string Number, string From, string To) : MeetingChange;
public sealed record ItemRevised(string Number, string Title) : MeetingChange;
public sealed record ItemMoved(string From, string To, string Title) : MeetingChange;
public sealed record ItemDocumentAdded(string Number, string Title) : MeetingChange;
public sealed record ItemDocumentRemoved(string Number, string Title) : MeetingChange;

/// <summary>
/// What changed in a posted meeting between two points of its journal, as residents need to hear it: the state before
/// and after are compared, so several edits to one item read as one change (added then re-worded is simply added, added
/// then removed is nothing), with item numbers as they were (removed) or now are (the rest).
/// </summary>
public static class MeetingChanges
{
    public static IReadOnlyList<MeetingChange> Between(IReadOnlyList<MeetingEvent> history, int before)
    {
        var old = Meeting.FromHistory(history.Take(before));
        var now = Meeting.FromHistory(history);
        var moved = history.Skip(before).OfType<AgendaItemMoved>().Select(m => m.ItemId).ToHashSet();
        var changes = new List<MeetingChange>();
        if (old.Start != now.Start) changes.Add(new MeetingMoved(old.Start, now.Start, now.TimeZone));
        if (old.Location != now.Location) changes.Add(new PlaceChanged(old.Location, now.Location));
        if (old.Title != now.Title) changes.Add(new TitleChanged(old.Title, now.Title));

        var was = old.Agenda.ToDictionary(i => i.Id);
        foreach (var item in now.Agenda)
        {
            if (!was.Remove(item.Id, out var previous)) changes.Add(new ItemAdded(item.Number, item.Title));
            else if (previous.Title != item.Title) changes.Add(new ItemReworded(item.Number, previous.Title, item.Title));
            else if ((previous.Kind, previous.Description, previous.TakesPublicComment, previous.MinutesPerSpeaker, previous.EstimatedMinutes) !=
                     (item.Kind, item.Description, item.TakesPublicComment, item.MinutesPerSpeaker, item.EstimatedMinutes))
                changes.Add(new ItemRevised(item.Number, item.Title));
            if (previous is not null && moved.Contains(item.Id) && previous.Number != item.Number)
                changes.Add(new ItemMoved(previous.Number, item.Number, item.Title));
        }
        changes.AddRange(was.Values.Select(i => new ItemRemoved(i.Number, i.Title)));

        // Documents, by the number of their item now (or, for an item removed with them, as it was).
        string NumberOf(Guid itemId) => now.Agenda.FirstOrDefault(i => i.Id == itemId)?.Number ?? old.Item(itemId).Number;
        var had = old.Documents.Select(d => d.Id).ToHashSet();
        var has = now.Documents.Select(d => d.Id).ToHashSet();
        changes.AddRange(now.Documents.Where(d => !had.Contains(d.Id)).Select(d => new ItemDocumentAdded(NumberOf(d.ItemId), d.Title)));
        changes.AddRange(old.Documents.Where(d => !has.Contains(d.Id) && now.Agenda.Any(i => i.Id == d.ItemId))
            .Select(d => new ItemDocumentRemoved(NumberOf(d.ItemId), d.Title)));
        return changes;
    }
}
