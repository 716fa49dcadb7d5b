using System.Globalization;
using Meetings.Server.Domain;

namespace Meetings.Server.Notices;

/// <summary>What a notice says about its meeting: the facts, read from the meeting when the notice goes out.</summary>
public sealed record MeetingFacts(
    Guid Id, string BodyName, string Title, MeetingStatus Status, DateTimeOffset Start, string TimeZone, string Location,
    string AccessCode, string? CancelReason)
{
    public static MeetingFacts Of(Meeting m) =>
        new(m.Id, m.BodyName, m.Title, m.Status, m.Start, m.TimeZone, m.Location, m.AccessCode, m.CancelReason);
}

/// <summary>A notice written out for one language: a subject and text for e-mail, and a short text message.</summary>
public sealed record NoticeText(string Subject, string Body, string Sms);

/// <summary>
/// Writes notices in English or Spanish, with the web link (opening the page in the reader's language), the phone line
/// and the access code. Times are the meeting's local time, with its time zone as people say it.
/// </summary>
public sealed class NoticeContent(PublicAddress address, IConfiguration config)
{
    private static readonly Dictionary<string, (string En, string Es)> Zones = new()
    {
        ["America/New_York"] = ("Eastern Time", "hora del Este"),
        ["America/Detroit"] = ("Eastern Time", "hora del Este"),
        ["America/Chicago"] = ("Central Time", "hora del Centro"),
        ["America/Denver"] = ("Mountain Time", "hora de las Montañas"),
        ["America/Boise"] = ("Mountain Time", "hora de las Montañas"),
        ["America/Phoenix"] = ("Mountain Time (Arizona)", "hora de las Montañas (Arizona)"),
        ["America/Los_Angeles"] = ("Pacific Time", "hora del Pacífico"),
        ["America/Anchorage"] = ("Alaska Time", "hora de Alaska"),
        ["Pacific/Honolulu"] = ("Hawaii Time", "hora de Hawái"),
        ["America/Puerto_Rico"] = ("Atlantic Time", "hora del Atlántico"),
    };

    private string BaseUrl => address.BaseUrl ?? throw new InvalidOperationException(PublicAddress.Missing);

    private string? PhoneNumber => config["Twilio:PhoneNumber"] is { Length: > 0 } n ? n : null;

    /// <summary>The meeting's page; with a language, it opens in that language.</summary>
    public string MeetingUrl(Guid meetingId, string? language = null) =>
        $"{BaseUrl}/meetings/{meetingId}" + (language is null ? "" : $"?lang={language}");

    public string UnsubscribeUrl(string token) => $"{BaseUrl}/api/subscriptions/unsubscribe?token={Uri.EscapeDataString(token)}";

    public string ConfirmUrl(string token) => $"{BaseUrl}/api/subscriptions/confirm?token={Uri.EscapeDataString(token)}";

    public static CultureInfo Culture(string language) => CultureInfo.GetCultureInfo(language == "es" ? "es-US" : "en-US");

    /// <summary>A time zone as people say it ("Pacific Time", "hora del Pacífico"), or its IANA name when it has no common one.</summary>
    public static string ZoneName(string timeZone, string language) =>
        Zones.TryGetValue(timeZone, out var name) ? (language == "es" ? name.Es : name.En) : timeZone;

    /// <summary>A moment in the meeting's local time, in the reader's words: "Wednesday, December 2, 2026, 6:00 PM (Pacific Time)".</summary>
    public static string When(DateTimeOffset moment, string timeZone, string language)
    {
        var local = TimeZoneInfo.ConvertTime(moment, LocalTime.Zone(timeZone));
        var culture = Culture(language);
        return $"{local.ToString("D", culture)}, {local.ToString("t", culture)} ({ZoneName(timeZone, language)})";
    }

    public NoticeText Write(NoticeKind kind, MeetingFacts m, string language, string? itemNumber = null, IReadOnlyList<MeetingChange>? changes = null)
    {
        var es = language == "es";
        var when = When(m.Start, m.TimeZone, language);
        var cancelled = kind == NoticeKind.Cancelled;
        // A cancelled meeting has nothing to join: no link to take part, no phone line.
        var join = cancelled || PhoneNumber is null ? "" : es
            ? $" Para participar por teléfono, llame al {PhoneNumber} y marque el código {m.AccessCode} seguido de la tecla #."
            : $" To take part by phone, call {PhoneNumber} and enter access code {m.AccessCode} followed by #.";
        var web = cancelled ? "" : es
            ? $" Agenda y participación en línea: {MeetingUrl(m.Id, language)}."
            : $" Agenda and web participation: {MeetingUrl(m.Id, language)}.";
        var details = es ? $"{m.BodyName}: {m.Title}, el {when}, en {m.Location}.{web}{join}"
            : $"{m.BodyName}: {m.Title}, {when}, at {m.Location}.{web}{join}";
        var list = changes is null ? "" : string.Concat(changes.Select(c => $"\n- {Describe(c, language)}"));
        var move = changes?.OfType<MeetingMoved>().FirstOrDefault();
        var (subject, lead) = (kind, es) switch
        {
            (NoticeKind.Published, false) => ($"Agenda posted: {m.Title}", "The agenda has been posted."),
            (NoticeKind.Published, true) => ($"Agenda publicada: {m.Title}", "Se publicó la agenda."),
            (NoticeKind.Reminder, false) => ($"Reminder: {m.Title}, {when}", "A reminder of the upcoming meeting."),
            (NoticeKind.Reminder, true) => ($"Recordatorio: {m.Title}, {when}", "Recordatorio de la próxima reunión."),
            (NoticeKind.Moved, false) => ($"Meeting moved: {m.Title}, now {when}",
                $"The meeting has moved from {When(move!.From, m.TimeZone, language)} to {When(move.To, m.TimeZone, language)}.{list}"),
            (NoticeKind.Moved, true) => ($"Reunión cambiada de fecha: {m.Title}, ahora el {when}",
                $"La reunión cambió del {When(move!.From, m.TimeZone, language)} al {When(move.To, m.TimeZone, language)}.{list}"),
            (NoticeKind.Amended, false) => ($"Amended agenda: {m.Title}", $"The agenda has changed:{list}"),
            (NoticeKind.Amended, true) => ($"Agenda modificada: {m.Title}", $"La agenda cambió:{list}"),
            (NoticeKind.Cancelled, false) => ($"Cancelled: {m.Title}", $"This meeting has been cancelled. {m.CancelReason}"),
            (NoticeKind.Cancelled, true) => ($"Cancelada: {m.Title}", $"Esta reunión fue cancelada. {m.CancelReason}"),
            (_, false) => ($"You're up soon: {m.Title}", $"You are up soon to speak on item {itemNumber}. Please be ready."),
            (_, true) => ($"Pronto le toca: {m.Title}", $"Pronto le toca hablar sobre el tema {itemNumber}. Esté listo, por favor."),
        };
        var sms = kind switch
        {
            NoticeKind.UpSoon => $"{m.Title}: {lead}",
            NoticeKind.Amended => $"{subject}. {Count(changes, language)}{web}",
            _ => $"{subject}. {details}",
        };
        return new NoticeText(subject, $"{lead}\n\n{details}", sms);
    }

    /// <summary>The last words of every e-mail: how to stop them, in the reader's language.</summary>
    public static string EmailFooter(string language, string unsubscribeUrl) => language == "es"
        ? $"Para dejar de recibir estos correos: {unsubscribeUrl}"
        : $"To stop these e-mails: {unsubscribeUrl}";

    /// <summary>The last words of every text.</summary>
    public static string SmsFooter(string language) => language == "es" ? "Responda STOP para no recibir más." : "Reply STOP to stop.";

    private static string Count(IReadOnlyList<MeetingChange>? changes, string language)
    {
        var n = changes?.Count ?? 0;
        return language == "es" ? (n == 1 ? "1 cambio." : $"{n} cambios.") : (n == 1 ? "1 change." : $"{n} changes.");
    }

    private static string Describe(MeetingChange change, string language) => (change, language == "es") switch
    {
        (MeetingMoved m, false) => $"Moved from {When(m.From, m.TimeZone, "en")} to {When(m.To, m.TimeZone, "en")}",
        (MeetingMoved m, true) => $"Cambió del {When(m.From, m.TimeZone, "es")} al {When(m.To, m.TimeZone, "es")}",
        (PlaceChanged p, false) => $"New place: {p.To} (was {p.From})",
        (PlaceChanged p, true) => $"Nuevo lugar: {p.To} (antes: {p.From})",
        (TitleChanged t, false) => $"New title: {t.To} (was {t.From})",
        (TitleChanged t, true) => $"Nuevo título: {t.To} (antes: {t.From})",
        (ItemAdded a, false) => $"Added item {a.Number}: {a.Title}",
        (ItemAdded a, true) => $"Se agregó el tema {a.Number}: {a.Title}",
        (ItemRemoved r, false) => $"Removed item {r.Number}: {r.Title}",
        (ItemRemoved r, true) => $"Se retiró el tema {r.Number}: {r.Title}",
        (ItemReworded w, false) => $"Item {w.Number} re-worded: now \"{w.To}\" (was \"{w.From}\")",
        (ItemReworded w, true) => $"Cambió la redacción del tema {w.Number}: ahora «{w.To}» (antes «{w.From}»)",
        (ItemRevised v, false) => $"Item {v.Number} changed: {v.Title}",
        (ItemRevised v, true) => $"Cambió el tema {v.Number}: {v.Title}",
        (ItemMoved mv, false) => $"Item {mv.From} moved to item {mv.To}: {mv.Title}",
        (ItemMoved mv, true) => $"El tema {mv.From} pasó a ser el tema {mv.To}: {mv.Title}",
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "A change with no words."),
    };
}
