using Meetings.Client.Contracts;
using Meetings.Server.Errors;
using Meetings.Server.Languages;
using Meetings.Server.Live;
using Meetings.Server.Meetings;
using Meetings.Server.Phone;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Meetings.Server.Residents;

/// <summary>What the resident page is made from: the public snapshot, the reader's language, and how to take part.</summary>
public sealed record ResidentPageModel(
    MeetingSnapshot Snapshot, string AccessCode, PhoneLine Phone, Language Language, IReadOnlyList<Language> Others, string ScriptWords);

public static class ResidentPageEndpoints
{
    /// <summary>Blazor's static server rendering, for the resident page: HTML from the server, no WebAssembly.</summary>
    public static IHostApplicationBuilder AddResidentPage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        return builder;
    }

    /// <summary>
    /// <c>GET /meetings/{id}</c>: the resident's live view as HTML rendered here, readable with no script at all, in the
    /// language the request asks for (<c>?lang=</c>, which is then kept in the language cookie, else the cookie, else
    /// Accept-Language). A small script (js/resident.js) then joins the hub, keeps the page live and takes sign-ups.
    /// </summary>
    // Answered as an IResult: the request delegate generator cannot see the Razor components' types (the Razor source
    // generator writes them, and one generator does not see another's output), so a typed
    // Results<RazorComponentResult<ResidentPage>, ...> would not build. The page is left out of the OpenAPI description
    // (ExcludeFromDescription below), so the typed union described nothing.
    public static void MapResidentPage(this WebApplication app) =>
        app.MapGet("/meetings/{id:guid}", async Task<IResult> (
            Guid id, HttpContext http, MeetingStore store, MeetingBroadcaster broadcaster, JournalReadLimits reads, Languages.Languages languages,
            IOptions<PhoneOptions> phone, TimeProvider clock) =>
        {
            var language = languages.FromRequest(http.Request);
            if (languages.Has(http.Request.Query["lang"]))
                http.Response.Cookies.Append(LanguageRegistration.Cookie, language.Code,
                    new() { Path = "/", MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, IsEssential = true });
            // A meeting people are watching here is answered from what their screens were sent, so a crowd loading the
            // page takes no turns at the meeting's lock from the clerk's commands.
            var seen = broadcaster.PublicView(id);
            try
            {
                seen ??= await store.ReadAsync(id, m => MeetingEndpoints.Visible(m, http.User)
                    ? (LiveViews.Snapshot(m, clock.GetUtcNow()), m.AccessCode) : ((MeetingSnapshot, string)?)null, () => reads.Count(http));
            }
            catch (NotFoundException)
            {
                seen = null;
            }
            catch (TooManyRequestsException e)
            {
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = e.RetryAfterSeconds;
                return new RazorComponentResult<ResidentNotFound>(new { Language = language, Busy = true });
            }
            if (seen is not { } found)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return new RazorComponentResult<ResidentNotFound>(new { Language = language });
            }
            var o = phone.Value;
            var line = new PhoneLine(o.IsConfigured, o.IsConfigured ? o.PhoneNumber : null, o.BrowserAudioEnabled, o.CallBackEnabled);
            return new RazorComponentResult<ResidentPage>(new
            {
                Model = new ResidentPageModel(found.Snapshot, found.AccessCode, line, language,
                    languages.All.Where(l => l != language).ToList(), ScriptWords(language)),
            });
        }).ExcludeFromDescription();

    // The words the page's script puts on screen as the meeting moves, so it needs no second request for them.
    private static readonly string[] ScriptPrefixes =
        ["status.", "speaker.", "state.", "vote.", "threshold.", "silence.", "voice.", "announce.", "stance."];

    private static readonly string[] ScriptKeys =
    [
        "current.item", "no.item", "comment.open", "comment.closed", "speaking", "paused", "time.left", "nobody.speaking", "signup.done",
        "withdraw", "you", "your.turn", "name.hidden", "current", "documents.of", "document.amended", "moved.by", "seconded.by", "member",
        "vote", "motions", "tally", "reconnecting", "offline", "sent", "open.failed",
    ];

    private static string ScriptWords(Language language) =>
        System.Text.Json.JsonSerializer.Serialize(language.GetAllStrings(true)
            .Where(w => ScriptKeys.Contains(w.Name) || ScriptPrefixes.Any(p => w.Name.StartsWith(p, StringComparison.Ordinal)))
            .ToDictionary(w => w.Name, w => w.Value));
}
