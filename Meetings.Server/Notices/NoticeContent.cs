using System.Globalization;
using Meetings.Server.Domain;

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

/// <summary>Writes notices in English or Spanish, with the web link, the livestream and captions, the phone line and the access code.</summary>
public sealed class NoticeContent(string publicBaseUrl, string? phoneNumber)
{
    public string MeetingUrl(Guid meetingId) => $"{publicBaseUrl}/meetings/{meetingId}";

    public string UnsubscribeUrl(string token) => $"{publicBaseUrl}/api/subscriptions/unsubscribe?token={Uri.EscapeDataString(token)}";

    public string ConfirmUrl(string token) => $"{publicBaseUrl}/api/subscriptions/confirm?token={Uri.EscapeDataString(token)}";

    public NoticeText Write(NoticeKind kind, MeetingFacts m, string language, string? itemNumber = null)
    {
        var es = language == "es";
        var culture = CultureInfo.GetCultureInfo(es ? "es-MX" : "en-US");
        var local = TimeZoneInfo.ConvertTime(m.Start, LocalTime.Zone(m.TimeZone));
        var when = local.ToString(es ? "dddd d 'de' MMMM 'a las' h:mm tt" : "dddd, MMMM d 'at' h:mm tt", culture);
        var join = phoneNumber is null ? "" : es
            ? $" Para participar por teléfono, llame al {phoneNumber} y marque el código {m.AccessCode}."
            : $" To take part by phone, call {phoneNumber} and enter access code {m.AccessCode}.";
        var watch = (m.StreamUrl, m.CaptionsUrl, es) switch
        {
            (null, null, _) => "",
            (_, _, true) => (m.StreamUrl is { } s ? $" Transmisión en vivo: {s}." : "") + (m.CaptionsUrl is { } c ? $" Subtítulos en vivo: {c}." : ""),
            _ => (m.StreamUrl is { } s ? $" Watch live: {s}." : "") + (m.CaptionsUrl is { } c ? $" Live captions: {c}." : ""),
        };
        var details = es
            ? $"{m.BodyName}: {m.Title}, el {when} ({m.TimeZone}), en {m.Location}. Agenda y participación en línea: {MeetingUrl(m.Id)}.{watch}{join}"
            : $"{m.BodyName}: {m.Title}, {when} ({m.TimeZone}), at {m.Location}. Agenda and web participation: {MeetingUrl(m.Id)}.{watch}{join}";
        var (subject, lead) = (kind, es) switch
        {
            (NoticeKind.Published, false) => ($"Agenda posted: {m.Title}", "The agenda has been posted."),
            (NoticeKind.Published, true) => ($"Agenda publicada: {m.Title}", "Se publicó la agenda."),
            (NoticeKind.Reminder, false) => ($"Reminder: {m.Title}, {when}", "A reminder of the upcoming meeting."),
            (NoticeKind.Reminder, true) => ($"Recordatorio: {m.Title}, {when}", "Recordatorio de la próxima reunión."),
            (NoticeKind.Amended, false) => ($"Amended agenda: {m.Title}", "The agenda has been amended; please review the changes."),
            (NoticeKind.Amended, true) => ($"Agenda modificada: {m.Title}", "La agenda fue modificada; revise los cambios."),
            (NoticeKind.Cancelled, false) => ($"Cancelled: {m.Title}", $"This meeting has been cancelled. {m.CancelReason}"),
            (NoticeKind.Cancelled, true) => ($"Cancelada: {m.Title}", $"Esta reunión fue cancelada. {m.CancelReason}"),
            (_, false) => ($"You're up soon: {m.Title}", $"You are up soon to speak on item {itemNumber}. Please be ready."),
            (_, true) => ($"Pronto le toca: {m.Title}", $"Pronto le toca hablar sobre el tema {itemNumber}. Esté listo, por favor."),
        };
        var sms = kind == NoticeKind.UpSoon ? $"{m.Title}: {lead}" : $"{subject}. {details}";
        return new NoticeText(subject, $"{lead}\n\n{details}{Documents(kind, m, es)}", sms);
    }

    /// <summary>The agenda's documents, each with its address, in e-mails about the agenda (texts stay short).</summary>
    private string Documents(NoticeKind kind, MeetingFacts m, bool es)
    {
        if (kind is not (NoticeKind.Published or NoticeKind.Reminder or NoticeKind.Amended) || m.Documents is not { Count: > 0 } documents) return "";
        var lines = documents.Select(d => es
            ? $"- Tema {d.ItemNumber}, {d.Title}: {publicBaseUrl}/api/meetings/{m.Id}/documents/{d.Id}"
            : $"- Item {d.ItemNumber}, {d.Title}: {publicBaseUrl}/api/meetings/{m.Id}/documents/{d.Id}");
        return $"\n\n{(es ? "Documentos" : "Documents")}:\n{string.Join('\n', lines)}\n{(es ? "Todo en un archivo" : "All in one file")}: {publicBaseUrl}/api/meetings/{m.Id}/packet";
    }
}
