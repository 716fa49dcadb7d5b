using System.Globalization;
using System.Net.Http.Json;
using Meetings.Client.Contracts;
using Microsoft.Extensions.Localization;
using Microsoft.JSInterop;

namespace Meetings.Client.Services;

/// <summary>
/// The words on the screen, from the server's language files (<c>GET /api/languages/{code}</c>), so the web, mails,
/// texts and the phone say the same things. The language is the one a link asks for (<c>?lang=</c>), else the person's
/// last choice, else the browser's; a choice is kept in this browser and in a cookie the server's pages read too.
/// </summary>
public sealed class Text(HttpClient http, IJSRuntime js) : IStringLocalizer
{
    private Dictionary<string, string> _words = [];

    public string Language { get; private set; } = "en";
    public IReadOnlyList<LanguageInfo> Languages { get; private set; } = [];
    public CultureInfo Culture { get; private set; } = CultureInfo.GetCultureInfo("en-US");
    public event Action? Changed;

    public LocalizedString this[string name] =>
        _words.TryGetValue(name, out var word) ? new(name, word) : new(name, name, resourceNotFound: true);

    public LocalizedString this[string name, params object[] arguments] => new(name, Format(name, arguments));

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => _words.Select(w => new LocalizedString(w.Key, w.Value));

    public string Format(string key, params object?[] args) => string.Format(Culture, this[key].Value, args);

    /// <summary>A meeting's local time in this language's words and order, with its time zone as people say it.</summary>
    public string When(DateTime local, string timeZone) =>
        Format("format.when", local, _words.TryGetValue($"zone.{timeZone}", out var zone) ? zone : timeZone);

    /// <summary>The languages to offer besides the current one.</summary>
    public IEnumerable<LanguageInfo> Others => Languages.Where(l => l.Code != Language);

    public async Task LoadAsync()
    {
        var list = await http.GetFromJsonAsync<LanguageList>("api/languages", Api.Json);
        Languages = list?.Languages ?? [];
        var asked = await js.InvokeAsync<string?>("meetings.askedLanguage");
        await UseAsync(Languages.Any(l => l.Code == asked) ? asked! : list?.Current ?? "en", keep: asked is not null);
    }

    public async Task ChooseAsync(string code)
    {
        await UseAsync(code, keep: true);
        Changed?.Invoke();
    }

    private async Task UseAsync(string code, bool keep)
    {
        _words = await http.GetFromJsonAsync<Dictionary<string, string>>($"api/languages/{Uri.EscapeDataString(code)}", Api.Json) ?? [];
        Language = code;
        var culture = Languages.FirstOrDefault(l => l.Code == code)?.Culture ?? code;
        try { Culture = CultureInfo.GetCultureInfo(culture); }
        catch (CultureNotFoundException) { Culture = CultureInfo.InvariantCulture; }
        await js.InvokeVoidAsync("meetings.setLang", code, keep);
    }
}
