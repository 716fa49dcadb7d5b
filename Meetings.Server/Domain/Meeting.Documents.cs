namespace Meetings.Server.Domain;

/// <summary>A document on an agenda item (a staff report, a resolution, a presentation), as the journal records it.</summary>
public sealed record AgendaDocument(
    Guid Id, Guid ItemId, string Title, string FileName, string MediaType, long Size, string ContentHash, bool Amended, DateTimeOffset At);

public sealed partial class Meeting
{
    private readonly List<AgendaDocument> _documents = [];

    /// <summary>The documents in agenda order, and within an item in the order they were added.</summary>
    public IEnumerable<AgendaDocument> Documents => Agenda.SelectMany(i => _documents.Where(d => d.ItemId == i.Id));

    public IEnumerable<AgendaDocument> DocumentsOf(Guid itemId) => _documents.Where(d => d.ItemId == itemId);

    public AgendaDocument Document(Guid documentId) =>
        _documents.FirstOrDefault(d => d.Id == documentId) ?? throw new InvalidInputException("documentId", "This meeting has no such document.");

    /// <summary>
    /// Attaches a checked file to an item, or puts it in place of one of the item's documents. After the agenda is
    /// posted this is an amendment. The record is closed once the meeting is adjourned or cancelled.
    /// </summary>
    public MeetingEvent[] AttachDocument(
        DateTimeOffset now, Guid documentId, Guid itemId, string title, string fileName, string mediaType, long size, string contentHash, Guid? replaces)
    {
        RequireAgendaOpen();
        Item(itemId);
        Require(_documents.All(d => d.Id != documentId), "document-unique", "This document was already attached.");
        if (replaces is { } old)
            Require(Document(old).ItemId == itemId, "replace-same-item", "A document can only be replaced by one on the same item.");
        return [new DocumentAttached(documentId, itemId, Guard.Text(title, "title", 200), Guard.Text(fileName, "fileName", 200),
            mediaType, size, contentHash, replaces, IsAmendment, now)];
    }

    public MeetingEvent[] RemoveDocument(DateTimeOffset now, Guid documentId)
    {
        RequireAgendaOpen();
        var document = Document(documentId);
        return [new DocumentRemoved(documentId, document.ItemId, IsAmendment, now)];
    }

    private bool ApplyDocuments(MeetingEvent e)
    {
        switch (e)
        {
            case DocumentAttached a:
                var at = a.Replaces is { } old ? _documents.FindIndex(d => d.Id == old) : -1;
                var document = new AgendaDocument(a.DocumentId, a.ItemId, a.Title, a.FileName, a.MediaType, a.Size, a.ContentHash, a.IsAmendment, a.At);
                if (at >= 0) _documents[at] = document;
                else _documents.Add(document);
                if (a.IsAmendment) _items[a.ItemId].Amended = true;
                break;
            case DocumentRemoved r:
                _documents.RemoveAll(d => d.Id == r.DocumentId);
                if (r.IsAmendment && _items.TryGetValue(r.ItemId, out var item)) item.Amended = true;
                break;
            default: return false;
        }
        return true;
    }
}
