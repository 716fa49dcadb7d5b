using System.Text.RegularExpressions;

namespace Meetings.Server.Meetings;

/// <summary>
/// Which stream pages can be shown in a frame on the resident's page: YouTube (through its no-cookie player)
/// and Vimeo. Other providers (Granicus, Swagit, a city's own player) often forbid framing, so they get a link.
/// </summary>
public static partial class StreamEmbed
{
    /// <summary>The origins of the players <see cref="For"/> may return, for the Content-Security-Policy's frame-src.</summary>
    public static readonly string[] Players = ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com", "https://vimeo.com"];

    public static string? For(string? streamUrl)
    {
        if (streamUrl is null || !Uri.TryCreate(streamUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps) return null;
        var host = uri.Host.ToLowerInvariant();
        var path = uri.AbsolutePath.Trim('/');
        if (host is "youtu.be" && YouTubeId().IsMatch(path)) return YouTube(path);
        if (host is "youtube.com" or "www.youtube.com" or "m.youtube.com")
        {
            var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
            if (path == "watch" && query["v"] is { } v && YouTubeId().IsMatch(v)) return YouTube(v);
            var parts = path.Split('/');
            if (parts is ["live" or "embed", var id] && YouTubeId().IsMatch(id)) return YouTube(id);
        }
        if (host is "vimeo.com" or "www.vimeo.com")
        {
            var parts = path.Split('/');
            if (parts is [var id] && Digits().IsMatch(id)) return $"https://player.vimeo.com/video/{id}";
            if (parts is ["event", var eventId] && Digits().IsMatch(eventId)) return $"https://vimeo.com/event/{eventId}/embed";
        }
        if (host is "player.vimeo.com" && path.Split('/') is ["video", var video] && Digits().IsMatch(video)) return $"https://player.vimeo.com/video/{video}";
        return null;
    }

    private static string YouTube(string id) => $"https://www.youtube-nocookie.com/embed/{id}";

    [GeneratedRegex("^[A-Za-z0-9_-]{11}$")]
    private static partial Regex YouTubeId();

    [GeneratedRegex("^[0-9]{1,15}$")]
    private static partial Regex Digits();
}
