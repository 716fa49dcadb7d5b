namespace Meetings.Server.Domain;

public sealed partial class Meeting
{
    private const int MaxAddressLength = 500;

    /// <summary>Where the meeting is streamed (a YouTube, Vimeo or Granicus page, any https address), if anywhere.</summary>
    public string? StreamUrl { get; private set; }

    /// <summary>Where live captions of the meeting can be read, if anywhere.</summary>
    public string? CaptionsUrl { get; private set; }

    /// <summary>
    /// Sets, changes or clears (null) the livestream and closed-caption addresses shown beside the agenda.
    /// Only https addresses, without credentials in them: they are published to everyone.
    /// </summary>
    public MeetingEvent[] SetStream(string? streamUrl, string? captionsUrl)
    {
        Require(Status != MeetingStatus.Cancelled, "stream-of-cancelled", "A cancelled meeting is not streamed.");
        var stream = PublicAddress(streamUrl, "streamUrl");
        var captions = PublicAddress(captionsUrl, "captionsUrl");
        return stream == StreamUrl && captions == CaptionsUrl ? [] : [new StreamChanged(stream, captions)];
    }

    private static string? PublicAddress(string? address, string field)
    {
        if (string.IsNullOrWhiteSpace(address)) return null;
        var text = address.Trim();
        if (text.Length > MaxAddressLength)
            throw new InvalidInputException(field, $"The address is at most {MaxAddressLength} characters.");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0)
            throw new InvalidInputException(field, "The address must be a full https:// address, such as https://www.youtube.com/watch?v=….");
        if (uri.UserInfo.Length > 0)
            throw new InvalidInputException(field, "The address must not carry a user name or password: it is shown to everyone.");
        return uri.AbsoluteUri;
    }

    private bool ApplyStream(MeetingEvent e)
    {
        if (e is not StreamChanged s) return false;
        (StreamUrl, CaptionsUrl) = (s.StreamUrl, s.CaptionsUrl);
        return true;
    }
}
