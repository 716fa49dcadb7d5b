using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Languages;

namespace Meetings.Server.Notices;

/// <summary>What a notice says about its meeting: the facts, read from the meeting when the notice goes out.</summary>
public sealed record MeetingFacts(
    Guid Id, string BodyName, string Title, MeetingStatus Status, DateTimeOffset Start, string TimeZone, string Location,
    string AccessCode, string? CancelReason, string? StreamUrl = null, string? CaptionsUrl = null, IReadOnlyList<NoticeDocument>? Documents = null)
{
    public static MeetingFacts Of(Meeting m) =>
        new(m.Id, m.BodyName, m.Title, m.Status, m.Start, m.TimeZone, m.Location, m.AccessCode, m.CancelReason, m.StreamUrl, m.CaptionsUrl,
            [.. m.Documents.Select(d => new NoticeDocument(m.Item(d.ItemId).Number, d.Title, d.Id))]);
}

/// <summary>An agenda document as a notice links to it.</summary>
public sealed record NoticeDocument(string ItemNumber, string Title, Guid Id);

/// <summary>A notice written out for one language: a subject and text for e-mail, and a short text message.</summary>
public sealed record NoticeText(string Subject, string Body, string Sms);

/// <summary>
/// Writes notices in the reader's language (its words from the language files), with the web link (opening the page in
/// that language), the phone line and the access code. Times are the meeting's local time, with its time zone as people say it.
/// </summary>
public sealed class NoticeContent(PublicAddress address, IConfiguration config, Privacy.ServerSecret secret)
{
    private string BaseUrl => address.BaseUrl ?? throw new InvalidOperationException(PublicAddress.Missing);

    private string? PhoneNumber => config["Twilio:PhoneNumber"] is { Length: > 0 } n ? PhoneNumbers.Display(n) : null;

    /// <summary>The meeting's page; with a language, it opens in that language.</summary>
    public string MeetingUrl(Guid meetingId, string? language = null) =>
        $"{BaseUrl}/meetings/{meetingId}" + (language is null ? "" : $"?lang={language}");

    public string UnsubscribeUrl(string token) => $"{BaseUrl}/api/subscriptions/unsubscribe?token={Uri.EscapeDataString(token)}";

    public string ConfirmUrl(Subscriber s) => $"{BaseUrl}/api/subscriptions/confirm?token={Uri.EscapeDataString(s.Token)}&check={ConfirmCheck(s)}";

    /// <summary>
    /// The check in an e-mail confirmation link: from the subscriber's token, when the confirmation was sent, and the
    /// server's secret. The token alone (in every notice's unsubscribe link, which a reader may forward) cannot
    /// confirm, so whoever holds it cannot subscribe the address again after its owner stopped; and a link from an
    /// earlier confirmation stops working once another is sent.
    /// </summary>
    public string ConfirmCheck(Subscriber s) => Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
        secret.Key, System.Text.Encoding.UTF8.GetBytes($"confirm|{s.Token}|{s.ConfirmationSentAt?.UtcTicks}")))[..32];

    public bool Confirms(Subscriber s, string? check) => check is { Length: 32 } &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(ConfirmCheck(s)), System.Text.Encoding.ASCII.GetBytes(check));

    public NoticeText Write(NoticeKind kind, MeetingFacts m, Language say, string? itemNumber = null, IReadOnlyList<MeetingChange>? changes = null)
    {
        var when = say.When(m.Start, m.TimeZone);
        // A cancelled meeting has nothing to join: no link to take part, no phone line.
        var cancelled = kind == NoticeKind.Cancelled;
        var web = cancelled ? "" : " " + say.Format("notice.join.web", MeetingUrl(m.Id, say.Code))
            + (m.StreamUrl is { } stream ? " " + say.Format("notice.watch.stream", stream) : "")
            + (m.CaptionsUrl is { } captions ? " " + say.Format("notice.watch.captions", captions) : "");
        var join = cancelled || PhoneNumber is null ? "" : " " + say.Format("notice.join.phone", PhoneNumber, m.AccessCode);
        var details = say.Format("notice.details", m.BodyName, m.Title, when, m.Location) + web + join;
        var list = string.Concat((changes ?? []).Select(c => $"\n- {Describe(c, say)}"));
        var lead = kind switch
        {
            NoticeKind.Moved when changes?.OfType<MeetingMoved>().FirstOrDefault() is { } move =>
                say.Format("notice.Moved.lead", say.When(move.From, m.TimeZone), say.When(move.To, m.TimeZone)) + list,
            NoticeKind.Amended => say.Format("notice.Amended.lead") + list,
            NoticeKind.Cancelled => say.Format("notice.Cancelled.lead", m.CancelReason),
            NoticeKind.UpSoon => say.Format("notice.UpSoon.lead", itemNumber),
            _ => say.Format($"notice.{kind}.lead"),
        };
        var subject = say.Format($"notice.{kind}.subject", m.Title, when);
        var sms = kind switch
        {
            NoticeKind.UpSoon => $"{m.Title}: {lead}",
            NoticeKind.Amended => $"{subject}. {say.Format("notice.changes", changes?.Count ?? 0)}{web}",
            _ => $"{subject}. {details}",
        };
        return new NoticeText(subject, $"{lead}\n\n{details}{Documents(kind, m, say)}", sms);
    }

    /// <summary>The agenda's documents, each with its address, in e-mails about the agenda (texts stay short).</summary>
    private string Documents(NoticeKind kind, MeetingFacts m, Language say)
    {
        if (kind is not (NoticeKind.Published or NoticeKind.Reminder or NoticeKind.Amended or NoticeKind.Moved) || m.Documents is not { Count: > 0 } documents) return "";
        var lines = documents.Select(d => say.Format("notice.document", d.ItemNumber, d.Title, $"{BaseUrl}/api/meetings/{m.Id}/documents/{d.Id}"));
        return $"\n\n{say["notice.documents"]}\n{string.Join('\n', lines)}\n{say.Format("notice.packet", $"{BaseUrl}/api/meetings/{m.Id}/packet")}";
    }

    private static string Describe(MeetingChange change, Language say) => change switch
    {
        MeetingMoved m => say.Format("change.moved", say.When(m.From, m.TimeZone), say.When(m.To, m.TimeZone)),
        PlaceChanged p => say.Format("change.place", p.From, p.To),
        TitleChanged t => say.Format("change.title", t.From, t.To),
        ItemAdded a => say.Format("change.added", a.Number, a.Title),
        ItemRemoved r => say.Format("change.removed", r.Number, r.Title),
        ItemReworded w => say.Format("change.reworded", w.Number, w.From, w.To),
        ItemRevised v => say.Format("change.revised", v.Number, v.Title),
        ItemMoved mv => say.Format("change.itemMoved", mv.From, mv.To, mv.Title),
        ItemDocumentAdded d => say.Format("change.documentAdded", d.Number, d.Title),
        ItemDocumentRemoved d => say.Format("change.documentRemoved", d.Number, d.Title),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "A change with no words."),
    };
}
