using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Meetings.Server.Languages;

namespace Meetings.Tests.Languages;

/// <summary>The words are data: every configured language has every word, with the same blanks, and every word the code asks for exists.</summary>
public partial class LanguageFilesTests
{
    private static readonly string Folder = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Server", "Languages");

    internal static Dictionary<string, string> Read(string file) =>
        XDocument.Load(file).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static IEnumerable<string> Configured()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Server", "appsettings.json")));
        return [.. settings.RootElement.GetProperty("Languages").EnumerateArray().Select(l => l.GetProperty("Code").GetString()!)];
    }

    [GeneratedRegex(@"\{(\d+)[^}]*\}")]
    private static partial Regex Blank();

    private static string[] Blanks(string text) => [.. Blank().Matches(text).Select(m => m.Groups[1].Value).Distinct().Order()];

    [Test]
    public void EveryConfiguredLanguage_HasEveryWord_WithTheSameBlanks()
    {
        var english = Read(Path.Combine(Folder, "Words.resx"));
        Assert.That(Configured(), Is.SupersetOf(new[] { "en", "es" }));
        foreach (var code in Configured().Where(c => c != "en"))
        {
            var words = Read(Path.Combine(Folder, $"Words.{code}.resx"));
            var missing = english.Keys.Where(k => !words.TryGetValue(k, out var w) || string.IsNullOrWhiteSpace(w)).ToList();
            Assert.That(missing, Is.Empty, $"{code}: words with no translation");
            Assert.That(words.Keys.Except(english.Keys), Is.Empty, $"{code}: words English does not have");
            var blanks = english.Keys.Where(k => !Blanks(english[k]).SequenceEqual(Blanks(words[k]))).ToList();
            Assert.That(blanks, Is.Empty, $"{code}: words whose blanks ({{0}}, {{1}}) differ from English");
        }
    }

    [Test]
    public void EveryWordTheWebClientAsksFor_IsInTheLanguageFiles()
    {
        var english = Read(Path.Combine(Folder, "Words.resx"));
        var client = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "Meetings.Client");
        var code = string.Concat(Directory.GetFiles(client, "*.razor", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(client, "Components"), "*.cs")).Select(File.ReadAllText));
        var literal = Regex.Matches(code, @"T(?:\.Format\(|\[)""([^""]+)""").Select(m => m.Groups[1].Value).Where(k => !k.EndsWith('.')).Distinct().ToList();
        Assert.That(literal, Has.Count.GreaterThan(100), "the scan finds the words");
        Assert.That(literal.Where(k => !english.ContainsKey(k)), Is.Empty, "words the views use but the files lack");
        Assert.That(literal.Where(k => new[] { "notice.", "change.", "phone.", "page.", "calendar." }.Any(p => k.StartsWith(p, StringComparison.Ordinal))),
            Is.Empty, "words under the server's own prefixes are not sent to browsers");

        // Words looked up by a state's name: every state the server sends has its word.
        string[] Names(string prefix, params string[] values) => [.. values.Select(v => prefix + v)];
        string[] dynamic =
        [
            .. Names("status.", Enum.GetNames<Meetings.Server.Domain.MeetingStatus>()),
            .. Names("speaker.", Enum.GetNames<Meetings.Server.Domain.SpeakerState>()),
            .. Names("source.", Enum.GetNames<Meetings.Server.Domain.SpeakerSource>()),
            .. Names("stance.", Enum.GetNames<Meetings.Server.Domain.Stance>()),
            .. Names("vote.", Enum.GetNames<Meetings.Server.Domain.VoteChoice>()),
            .. Names("c.", Enum.GetNames<Meetings.Server.Domain.Presence>()),
            .. Names("state.", "AwaitingSecond", "OnFloor", "Voting", "Passed", "Failed", "NoQuorum", "Withdrawn"),
            .. Names("caller.", Enum.GetNames<Meetings.Server.Phone.CallerState>()),
            .. Names("c.kind.", Enum.GetNames<Meetings.Server.Notices.NoticeKind>()),
            .. Names("c.noticeState.", Enum.GetNames<Meetings.Server.Notices.NoticeState>()),
        ];
        Assert.That(dynamic.Where(k => !english.ContainsKey(k)), Is.Empty);
    }

    [Test]
    public void TheShippedLanguages_LoadAsConfigured_AndAnUnconfiguredCodeFallsBackToTheDefault()
    {
        var languages = new Meetings.Server.Languages.Languages(Meetings.Server.Languages.Languages.Defaults, [Folder]);

        Assert.That(languages.All.Select(l => (l.Code, l.Name, l.Digit)), Is.EqualTo(new[] { ("en", "English", (string?)null), ("es", "Español", "2") }));
        Assert.That(languages.For("es-MX").Code, Is.EqualTo("es"));
        Assert.That(languages.For("de").Code, Is.EqualTo("en"));
        Assert.That(() => new Meetings.Server.Languages.Languages([new LanguageOption { Code = "fr" }], [Folder]),
            Throws.InvalidOperationException.With.Message.Contains("Words.fr.resx"), "a language without its file is refused at start-up");
    }
}

public class PhoneNumberTests
{
    [TestCase("+15550100100", "(555) 010-0100")]
    [TestCase("5035550199", "(503) 555-0199")]
    [TestCase("+44 20 7946 0958", "+44 20 7946 0958")]
    [TestCase(null, "")]
    public void PhoneNumbers_AreShownAsPeopleDialThem(string? number, string shown) =>
        Assert.That(Meetings.Client.Contracts.PhoneNumbers.Display(number), Is.EqualTo(shown));
}
