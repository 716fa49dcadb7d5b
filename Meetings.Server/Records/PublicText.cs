using Meetings.Server.Domain;

namespace Meetings.Server.Records;

/// <summary>
/// The one place the public record (minutes, exports) takes a resident's words from: a speaker's name as given,
/// a written comment's name and text. Moderation (hiding a name or a comment) is to be honoured here, so that
/// nothing hidden reaches anything made for the public.
/// </summary>
public static class PublicText
{
    public static string SpeakerName(Meeting meeting, SpeakerEntry entry) => entry.Name;

    public static string CommenterName(Meeting meeting, WrittenComment comment) => comment.Name;

    public static string CommentText(Meeting meeting, WrittenComment comment) => comment.Text;
}
