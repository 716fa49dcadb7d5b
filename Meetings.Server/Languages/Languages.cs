using System.Globalization;
using System.Xml.Linq;

namespace Meetings.Server.Languages;

/// <summary>
/// The languages this server speaks, from the <c>Languages</c> setting, the first being the default. Their words are
/// data: <c>Words.resx</c> (English) and <c>Words.{code}.resx</c> beside the app in <c>Languages/</c>, and in the folder
/// <c>LanguageFiles</c> names, whose files add languages or replace words. So a language is added with files and a setting.
/// </summary>
public sealed class Languages
{
    public const string ResourceName = "Words";

    private readonly Dictionary<string, Language> _byCode;

    public Languages(IReadOnlyList<LanguageOption> options, IEnumerable<string> folders)
    {
        var files = folders.Where(Directory.Exists).SelectMany(f => Directory.GetFiles(f, $"{ResourceName}*.resx")).ToList();
        var english = Read(files, ResourceName + ".resx");
        if (english.Count == 0) throw new InvalidOperationException($"No words: {ResourceName}.resx was not found in {string.Join(", ", folders)}.");
        var all = new List<Language>();
        foreach (var o in options.Count > 0 ? options : Defaults)
        {
            var code = o.Code.Trim().ToLowerInvariant();
            var words = code == "en" ? english : Read(files, $"{ResourceName}.{code}.resx");
            if (words.Count == 0)
                throw new InvalidOperationException($"Language '{code}' is configured but {ResourceName}.{code}.resx was not found in {string.Join(", ", folders)}.");
            CultureInfo culture;
            try { culture = CultureInfo.GetCultureInfo(o.Culture ?? code); }
            catch (CultureNotFoundException) { throw new InvalidOperationException($"Language '{code}': '{o.Culture}' is not a known culture."); }
            all.Add(new Language(code, culture, o.Voice ?? culture.Name, o.Digit, words, english));
        }
        All = all;
        _byCode = all.ToDictionary(l => l.Code);
        var digits = all.Where(l => l.Digit is not null).Select(l => l.Digit!).ToList();
        if (digits.Any(d => d is not ("1" or "2" or "3" or "4" or "5" or "6" or "7" or "8" or "9")) || digits.Distinct().Count() != digits.Count)
            throw new InvalidOperationException("Each language's keypad Digit must be a different digit from 1 to 9.");
    }

    /// <summary>English and Spanish, when nothing is configured.</summary>
    public static IReadOnlyList<LanguageOption> Defaults { get; } =
    [
        new() { Code = "en", Culture = "en-US", Voice = "en-US" },
        new() { Code = "es", Culture = "es-US", Voice = "es-MX", Digit = "2" },
    ];

    public IReadOnlyList<Language> All { get; }

    public Language Default => All[0];

    /// <summary>A language by its code ("es", or a culture such as "es-MX"), or the default for anything not configured.</summary>
    public Language For(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return Default;
        var key = code.Trim().ToLowerInvariant();
        return _byCode.GetValueOrDefault(key) ?? _byCode.GetValueOrDefault(key.Split('-')[0]) ?? Default;
    }

    /// <summary>Whether a code names a configured language.</summary>
    public bool Has(string? code) => code is not null && _byCode.ContainsKey(code.Trim().ToLowerInvariant());

    /// <summary>The strings of a .resx file (the later folder wins for a word both have).</summary>
    private static Dictionary<string, string> Read(IEnumerable<string> files, string name)
    {
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files.Where(f => string.Equals(Path.GetFileName(f), name, StringComparison.OrdinalIgnoreCase)))
            foreach (var data in XDocument.Load(file).Root!.Elements("data").Where(d => d.Attribute("type") is null))
                words[(string)data.Attribute("name")!] = (string?)data.Element("value") ?? "";
        return words;
    }
}
