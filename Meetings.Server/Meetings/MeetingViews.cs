using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;

namespace Meetings.Server.Meetings;

/// <summary>Maps meeting state to the wire shapes in Meetings.Client/Contracts.</summary>
public static class MeetingViews
{
    public static MeetingSummary Summary(MeetingRow m) =>
        new(m.Id, m.BodyId, m.BodyName, m.Title, m.Kind.ToString(), m.Status.ToString(), m.Start, m.TimeZone, LocalOf(m.Start, m.TimeZone), m.Location);

    public static MeetingSummary Summary(Meeting m) =>
        new(m.Id, m.BodyId, m.BodyName, m.Title, m.Kind.ToString(), m.Status.ToString(), m.Start, m.TimeZone, m.Local(m.Start).DateTime, m.Location);

    public static MeetingDetail Detail(Meeting m) =>
        new(Summary(m), m.AccessCode, m.Agenda.Select(i => Item(m, i)).ToList(), m.CurrentItemId, m.PublishedAt, m.LateNoticeReason, m.CancelReason, m.Version, Stream(m));

    public static StreamDto? Stream(Meeting m) =>
        m.StreamUrl is null && m.CaptionsUrl is null ? null : new StreamDto(m.StreamUrl, StreamEmbed.For(m.StreamUrl), m.CaptionsUrl);

    public static AgendaItemDto Item(Meeting m, AgendaItem i) =>
        new(i.Id, i.ParentId, i.Number, i.Title, i.Kind.ToString(), i.Description, i.TakesPublicComment, i.MinutesPerSpeaker, i.Amended, i.CommentOpen,
            [.. m.DocumentsOf(i.Id).Select(d => Document(m.Id, d))]);

    /// <summary>A document as listed; its address is relative to the server, as the client's are.</summary>
    public static DocumentDto Document(Guid meetingId, AgendaDocument d) =>
        new(d.Id, d.Title, d.FileName, d.MediaType, d.Size, d.ContentHash, $"/api/meetings/{meetingId}/documents/{d.Id}", d.Amended);

    private static DateTime LocalOf(DateTimeOffset instant, string timeZone) =>
        TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime;
}
