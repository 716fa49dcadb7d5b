using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Meetings.Server.Languages;

/// <summary>
/// A language as configured (<c>Languages</c>): its code (the resource file is <c>Words.{code}.resx</c>, English the
/// neutral <c>Words.resx</c>), the culture that writes its dates and numbers, the Twilio voice that speaks it, and the
/// keypad digit a caller presses for it at the greeting.
/// </summary>
public sealed class LanguageOption
{
    public string Code { get; set; } = "";
    public string? Culture { get; set; }
    /// <summary>Twilio's &lt;Say language&gt; code, such as en-US or es-MX.</summary>
    public string? Voice { get; set; }
    public string? Digit { get; set; }
}

/// <summary>
/// One language people are served in: its words and how it writes dates, times and numbers. It is the
/// <see cref="IStringLocalizer"/> for its own words; a word it lacks falls back to English (a test keeps every word present).
/// </summary>
public sealed class Language(string code, CultureInfo culture, string voice, string? digit, IReadOnlyDictionary<string, string> words,
    IReadOnlyDictionary<string, string> fallback) : IStringLocalizer
{
    public string Code { get; } = code;
    public CultureInfo Culture { get; } = culture;
    public string Voice { get; } = voice;
    public string? Digit { get; } = digit;
    public IReadOnlyDictionary<string, string> Words { get; } = words;

    /// <summary>The language's own name ("English", "Español").</summary>
    public string Name => this["language.name"];

    public LocalizedString this[string name] =>
        Words.TryGetValue(name, out var word) ? new(name, word)
        : fallback.TryGetValue(name, out var english) ? new(name, english, resourceNotFound: true)
        : new(name, name, resourceNotFound: true);

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var format = this[name];
            return new(name, string.Format(Culture, format.Value, arguments), format.ResourceNotFound);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        (includeParentCultures ? fallback.Keys.Union(Words.Keys) : Words.Keys).Select(k => this[k]);

    /// <summary>A word with its blanks filled, dates and numbers written the language's way.</summary>
    public string Format(string key, params object?[] arguments) => string.Format(Culture, this[key].Value, arguments);

    /// <summary>A moment in a meeting's local time, in this language's words: "Wednesday, December 2, 2026, 6:00 PM (Pacific Time)".</summary>
    public string When(DateTimeOffset moment, string timeZone) =>
        Format("format.when", TimeZoneInfo.ConvertTime(moment, Domain.LocalTime.Zone(timeZone)), ZoneName(timeZone));

    /// <summary>A time zone as people say it ("Pacific Time", "hora del Pacífico"); its IANA name when the words have none.</summary>
    public string ZoneName(string timeZone) => Words.TryGetValue($"zone.{timeZone}", out var name) ? name
        : fallback.TryGetValue($"zone.{timeZone}", out var english) ? english : timeZone;

    public override string ToString() => Code;
}
