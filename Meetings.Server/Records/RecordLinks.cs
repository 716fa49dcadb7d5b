namespace Meetings.Server.Records;

/// <summary>The public addresses of a meeting's pages and files, from <c>PublicBaseUrl</c>.</summary>
public sealed class RecordLinks(string baseUrl)
{
    public string Base => baseUrl;
    public string MeetingPage(Guid meetingId) => $"{baseUrl}/meetings/{meetingId}";
    public string Journal(Guid meetingId) => $"{baseUrl}/api/meetings/{meetingId}/journal";
    public string Minutes(Guid meetingId) => $"{baseUrl}/api/meetings/{meetingId}/minutes";
    public string Packet(Guid meetingId) => $"{baseUrl}/api/meetings/{meetingId}/packet";
    public string Calendar(Guid bodyId) => $"{baseUrl}/api/bodies/{bodyId}/calendar.ics";
    public string Document(Guid meetingId, Guid documentId) => $"{baseUrl}/api/meetings/{meetingId}/documents/{documentId}";
}
