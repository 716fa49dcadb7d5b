using System.Xml.Linq;

namespace Meetings.Tests.Support;

/// <summary>A TwiML answer parsed, for asserting on its verbs and attributes rather than on its text.</summary>
public sealed class Twiml
{
    private Twiml(XElement response) => Response = response;

    public XElement Response { get; }

    public static Twiml Parse(string xml)
    {
        var doc = XDocument.Parse(xml);
        Assert.That(doc.Root?.Name.LocalName, Is.EqualTo("Response"), xml);
        return new Twiml(doc.Root!);
    }

    /// <summary>The verbs at the top level, in order (Say, Gather, Redirect, Dial, Hangup…).</summary>
    public IReadOnlyList<string> Verbs => Response.Elements().Select(e => e.Name.LocalName).ToList();

    public IEnumerable<XElement> All(string name) => Response.Descendants(name);

    public XElement? First(string name) => Response.Descendants(name).FirstOrDefault();

    public XElement? Gather => First("Gather");
    public XElement? Conference => First("Conference");
    public XElement? Dial => First("Dial");

    /// <summary>Every sentence said, anywhere in the answer, with its voice and language.</summary>
    public IReadOnlyList<(string Text, string? Voice, string? Language)> Said =>
        Response.Descendants("Say").Select(s => (s.Value, (string?)s.Attribute("voice"), (string?)s.Attribute("language"))).ToList();

    public string Text => string.Join(" ", Said.Select(s => s.Text));

    /// <summary>Where Twilio goes when a Gather hears nothing: the verb after it.</summary>
    public XElement? AfterGather => Gather?.ElementsAfterSelf().FirstOrDefault();

    public string? RedirectUrl => First("Redirect")?.Value;

    public static string? Attr(XElement? element, string name) => (string?)element?.Attribute(name);
}
