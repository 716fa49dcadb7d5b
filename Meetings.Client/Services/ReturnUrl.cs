namespace Meetings.Client.Services;

/// <summary>Where to go after signing in: a page of this site only, never another site a link may name.</summary>
public static class ReturnUrl
{
    /// <summary>
    /// <paramref name="url"/> when it is a path on this site, else the home page. "//host" and "/\host" name another
    /// site to a browser, and browsers drop tabs and line breaks, so "/\t/host" does too.
    /// </summary>
    public static string OnThisSite(string? url) =>
        url is ['/', ..] && !url.Any(char.IsControl) && url is not ['/', '/' or '\\', ..] ? url : "/";
}
