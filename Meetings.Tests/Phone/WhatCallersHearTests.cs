using System.Globalization;
using Meetings.Server.Phone;
using Meetings.Tests.Support;

namespace Meetings.Tests.Phone;

/// <summary>A call walked as Twilio drives it, every TwiML answer parsed: prompts, voices, silence, early callers, the end.</summary>
public class WhatCallersHearTests : PhoneFixture
{
    private const string EnglishVoice = "Polly.Joanna";
    private const string SpanishVoice = "Polly.Mia";

    [Test]
    public async Task TheGreeting_OffersSpanishInASpanishVoice_AndNamesThePoundKeyAsSpanishCallersKnowIt()
    {
        var greeting = await NewCaller().Parsed("/phone/voice");

        var said = greeting.Said;
        Assert.That(said.Where(s => s.Text.Contains("Welcome", StringComparison.Ordinal)).Select(s => (s.Voice, s.Language)).Single(),
            Is.EqualTo((EnglishVoice, "en-US")));
        var spanish = said.Single(s => s.Text.Contains("Para español", StringComparison.Ordinal));
        Assert.That((spanish.Voice, spanish.Language), Is.EqualTo((SpanishVoice, "es-MX")), "Spanish is spoken by a Spanish voice");
        Assert.That(spanish.Text, Does.Contain("la tecla numeral"));

        var spanishCode = await NewCaller().Parsed("/phone/voice/code?lang=en&attempt=1", Digits("2"));
        Assert.That(spanishCode.Said.Select(s => (s.Voice, s.Language)), Is.All.EqualTo((SpanishVoice, "es-MX")));
        Assert.That(spanishCode.Text, Does.Contain("la tecla numeral").And.Not.Contain("número"));
    }

    [Test]
    public async Task SilenceAtTheGreeting_RepeatsItOnce_ThenAsksForTheCode_ThenSaysGoodbye_NeverThatTheCodeIsWrong()
    {
        var caller = NewCaller();
        var heard = new List<Twiml> { await caller.Parsed("/phone/voice") };
        // Twilio goes to the verb after a Gather that heard nothing: follow each Redirect, sending no digits, as it would.
        while (heard[^1].RedirectUrl is { } next && heard.Count < 10)
            heard.Add(await caller.Parsed(next));

        Assert.That(heard.Select(h => h.Text), Has.None.Contains("does not match"));
        Assert.That(heard[0].Text, Does.Contain("Welcome"));
        Assert.That(heard[1].Text, Does.Contain("Welcome"), "the greeting once more");
        Assert.That(heard[2].Text, Does.Contain("Please enter the meeting access code").And.Not.Contain("Welcome"));
        Assert.That(heard[3].Text, Does.Contain("Please enter the meeting access code"));
        Assert.That(heard, Has.Count.EqualTo(5), "two asks for the code after the greeting, then goodbye");
        Assert.That(heard[4].Verbs, Is.EqualTo(new[] { "Say", "Hangup" }));
        Assert.That(heard[4].Text, Does.Contain("We did not hear an access code").And.Contain("Goodbye"));
    }

    [Test]
    public async Task EveryGather_IsFollowedByWhatHappensOnSilence()
    {
        await OpenPublicComment();
        var caller = await CallIn();
        var answers = new Dictionary<string, Twiml>
        {
            ["greeting"] = await caller.Parsed("/phone/voice"),
            ["greeting again"] = await caller.Parsed("/phone/voice?repeat=1"),
            ["code asked in Spanish"] = await NewCaller().Parsed("/phone/voice/code?lang=en&attempt=1", Digits("2")),
            ["a wrong code"] = await NewCaller().Parsed("/phone/voice/code?lang=en&attempt=1", Digits("999999")),
            ["the keypad menu"] = await caller.Parsed("/phone/voice/star?lang=en", new Dictionary<string, string> { ["DialCallStatus"] = "completed" }),
            ["the keypad menu in Spanish"] = await caller.Parsed("/phone/voice/star?lang=es", new Dictionary<string, string> { ["DialCallStatus"] = "completed" }),
        };

        foreach (var (step, twiml) in answers)
        {
            Assert.That(twiml.Gather, Is.Not.Null, step);
            Assert.That(twiml.AfterGather?.Name.LocalName, Is.AnyOf("Redirect", "Dial", "Say"), $"{step}: something follows silence");
        }
        Assert.That(answers["the keypad menu"].AfterGather?.Name.LocalName, Is.EqualTo("Dial"), "pressing nothing returns the caller to the meeting");
    }

    [Test]
    public async Task AMeetingNotYetStarted_SaysWhenItStarts_InTheCallersLanguage_AndWordOrder()
    {
        var local = TimeZoneInfo.ConvertTime(Meeting.Meeting.Start, TimeZoneInfo.FindSystemTimeZoneById(Meeting.Meeting.TimeZone));
        var es = CultureInfo.GetCultureInfo("es-MX");

        var english = await NewCaller().Parsed("/phone/voice/code?lang=en&attempt=1", Digits(Meeting.AccessCode));
        var spanish = await NewCaller().Parsed("/phone/voice/code?lang=es&attempt=1", Digits(Meeting.AccessCode));

        Assert.That(english.Text, Does.Contain($"starts on {local.ToString("dddd, MMMM d", CultureInfo.InvariantCulture)} at {local.ToString("h:mm tt", CultureInfo.InvariantCulture)}"));
        var spanishDate = $"comienza el {local.ToString("dddd d 'de' MMMM", es)} a las {local.ToString("h:mm tt", es)}";
        Assert.That(spanish.Text, Does.Contain(spanishDate), "day before month, the Spanish names and a. m. / p. m.");
        Assert.That(spanishDate, Does.Match(@"comienza el \w+ \d{1,2} de \w+ a las \d{1,2}:\d\d\s[ap]\.\sm\."));
        Assert.That(spanish.Said.Select(s => s.Voice), Is.All.EqualTo(SpanishVoice));
    }

    [Test]
    public async Task EarlyCallers_WaitForTheChamber_FromTheCode_AndBackFromTheKeypad()
    {
        var caller = NewCaller();
        var joined = await caller.Parsed("/phone/voice/code?lang=en&attempt=1", Digits(Meeting.AccessCode));
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        await caller.PressStar();
        var back = await caller.Parsed("/phone/voice/star?lang=en", Digits("1"));
        var chamber = await NewCaller("+15035550000").Parsed("/phone/voice/code?lang=en&attempt=1", Digits((await PhoneStatus()).ModeratorCode!));

        Assert.That(Twiml.Attr(joined.Conference, "startConferenceOnEnter"), Is.EqualTo("false"));
        Assert.That(Twiml.Attr(back.Conference, "startConferenceOnEnter"), Is.EqualTo("false"), "returning from the keypad does not start the meeting's audio");
        Assert.That(Twiml.Attr(chamber.Conference, "startConferenceOnEnter"), Is.EqualTo("true"), "only the chamber starts it");

        await Clerk.Do("StartMeeting", MeetingId);
        var live = await NewCaller("+15035550009").Parsed("/phone/voice/code?lang=en&attempt=1", Digits(Meeting.AccessCode));
        Assert.That(Twiml.Attr(live.Conference, "startConferenceOnEnter"), Is.EqualTo("false"), "callers never start it, even in session");
    }

    [Test]
    public async Task EveryConference_CarriesTheSameStatusCallbackAndEvents()
    {
        await OpenPublicComment();
        var caller = NewCaller();
        var conferences = new Dictionary<string, Twiml>
        {
            ["caller"] = await caller.Parsed("/phone/voice/code?lang=en&attempt=1", Digits(Meeting.AccessCode)),
            ["chamber"] = await NewCaller("+15035550000").Parsed("/phone/voice/code?lang=en&attempt=1", Digits((await PhoneStatus()).ModeratorCode!)),
        };
        await caller.ConferenceEvent(MeetingId, "participant-join", muted: true);
        await caller.PressStar();
        conferences["back from the keypad"] = await caller.Parsed("/phone/voice/star?lang=en", Digits("0"));

        foreach (var (who, twiml) in conferences)
        {
            Assert.That(Twiml.Attr(twiml.Conference, "statusCallback"), Is.EqualTo($"/phone/conference-status?meeting={MeetingId}"), who);
            Assert.That(Twiml.Attr(twiml.Conference, "statusCallbackMethod"), Is.EqualTo("POST"), who);
            Assert.That(Twiml.Attr(twiml.Conference, "statusCallbackEvent"), Is.EqualTo("join leave mute"), who);
            Assert.That(twiml.Conference!.Value, Is.EqualTo($"meeting-{MeetingId:N}"), who);
        }
    }

    [Test]
    public async Task ACallAfterAdjournment_HearsThatTheMeetingHasEnded_AndIsHungUp_AsDoesACallerInTheKeypadMenu()
    {
        await OpenPublicComment();
        var inTheMenu = await CallIn();
        await inTheMenu.PressStar();
        await Clerk.Do("Adjourn", MeetingId);

        var late = await NewCaller("+15035550002").Parsed("/phone/voice/code?lang=en&attempt=1", Digits(Meeting.AccessCode));
        var lateSpanish = await NewCaller("+15035550003").Parsed("/phone/voice/code?lang=es&attempt=1", Digits(Meeting.AccessCode));
        var fromTheMenu = await inTheMenu.Parsed("/phone/voice/star?lang=en", Digits("9"));

        Assert.That(late.Verbs, Is.EqualTo(new[] { "Say", "Hangup" }));
        Assert.That(late.Text, Is.EqualTo("The meeting has ended. Thank you for calling."));
        Assert.That(lateSpanish.Text, Is.EqualTo("La reunión ha terminado. Gracias por llamar."));
        Assert.That(fromTheMenu.Verbs, Is.EqualTo(new[] { "Say", "Hangup" }));
        Assert.That(fromTheMenu.Text, Is.EqualTo("The meeting has ended. Thank you for calling."));
    }

    [Test]
    public async Task TheKeypadMenu_SaysWhatEachKeyDoes()
    {
        await OpenPublicComment();
        var caller = await CallIn();
        var menu = await caller.Parsed("/phone/voice/star?lang=en", new Dictionary<string, string> { ["DialCallStatus"] = "completed" });
        var menuEs = await caller.Parsed("/phone/voice/star?lang=es", new Dictionary<string, string> { ["DialCallStatus"] = "completed" });

        Assert.That(menu.Gather?.Value, Does.Contain("9 to raise or lower your hand").And.Contain("6 to unmute").And.Contain("1 to hear the current item")
            .And.Contain("0 to hear the instructions again"));
        Assert.That(menuEs.Gather?.Value, Does.Contain("9 para levantar o bajar la mano").And.Contain("6 para activar su micrófono"));
        Assert.That(Twiml.Attr(menu.Gather, "numDigits"), Is.EqualTo("1"));
    }

    private static Dictionary<string, string> Digits(string digits) => new() { ["Digits"] = digits };
}

/// <summary>The voices are settings: a deployment picks the text-to-speech voice for each language.</summary>
public class ConfiguredVoicesTests : PhoneFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Phone:Voice:en"] = "Google.en-US-Neural2-F", ["Phone:Voice:es"] = "Google.es-US-Neural2-A",
    };

    [Test]
    public async Task PhoneVoiceSettings_ChooseTheVoiceOfEachLanguage()
    {
        var greeting = await NewCaller().Parsed("/phone/voice");
        Assert.That(greeting.Said.Single(s => s.Language == "en-US" && s.Text.StartsWith("Welcome", StringComparison.Ordinal)).Voice, Is.EqualTo("Google.en-US-Neural2-F"));
        Assert.That(greeting.Said.Single(s => s.Language == "es-MX").Voice, Is.EqualTo("Google.es-US-Neural2-A"));
    }
}
