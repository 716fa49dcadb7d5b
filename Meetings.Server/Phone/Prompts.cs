using System.Globalization;
using Meetings.Server.Languages;
using Language = Meetings.Server.Languages.Language;

namespace Meetings.Server.Phone;

/// <summary>
/// What callers hear, in their language's words (the <c>phone.*</c> words of its language file) and order. Short
/// sentences: people listen once, on a phone. Dates and times are said in the language's own order and culture.
/// </summary>
public sealed class Prompts(Language language)
{
    /// <summary>The language's code, carried in the webhook addresses so each answer is in the caller's language.</summary>
    public string Language => language.Code;

    /// <summary>Twilio's &lt;Say language&gt; for it, such as es-MX.</summary>
    public string Tag => language.Voice;

    public CultureInfo Culture => language.Culture;

    /// <summary>The key that chooses this language at the greeting, if it has one.</summary>
    public string? Digit => language.Digit;

    // Greeting and access code

    public string Welcome => language["phone.welcome"];
    /// <summary>"Para español, oprima 2 y luego la tecla numeral.": said in the language itself, inside the greeting.</summary>
    public string Choose => language.Format("phone.choose", language.Digit);
    public string EnterCode => language["phone.enterCode"];
    public string WrongCode => language["phone.wrongCode"];
    public string Goodbye => language["phone.goodbye"];
    public string NoCode => language["phone.noCode"];

    // Joining

    public string NotStarted(string title, DateTimeOffset localStart) =>
        language.Format("phone.notStarted", title, language.Format("format.spoken", localStart));
    /// <summary>Joining the meeting; a line that joins open (a call-back answered once its turn has begun) is not told it is muted.</summary>
    public string Joining(string title, bool muted = true) => language.Format(muted ? "phone.joining" : "phone.joiningOpen", title);
    public string Ended => language["phone.ended"];
    public string Cancelled => language["phone.cancelled"];

    // The keypad

    public string Keypad => language["phone.keypad"];
    public string ChooseKey => language["phone.chooseKey"];
    public string HandRaised(string item, int place) => language.Format("phone.handRaised", item, place);
    public string AlreadyInLine => language["phone.alreadyInLine"];
    public string NotNow => language["phone.notNow"];
    public string HandLowered => language["phone.handLowered"];
    public string CommentClosed => language["phone.commentClosed"];
    public string YouHaveTheFloor => language["phone.youHaveTheFloor"];
    public string NotYourTurn => language["phone.notYourTurn"];
    public string CurrentItem(string? item) => item is null ? language["phone.noItem"] : language.Format("phone.currentItem", item);
    public string Place(int? place) => place is { } p ? language.Format("phone.place", p) : language["phone.notInLine"];

    // A turn, said to the speaker alone

    public string Floor(int seconds) => language.Format("phone.floor", Duration(seconds));
    public string ThirtySecondsLeft => language["phone.thirtySecondsLeft"];
    public string TimeIsUp => language["phone.timeIsUp"];
    public string TurnEnded => language["phone.turnEnded"];

    // Calling a web resident back

    public string CallingBack(string body, string title, string item) => language.Format("phone.callingBack", body, title, item);
    public string CallBackMissed => language["phone.callBackMissed"];

    // From the browser

    public string BrowserJoining(string title) => language.Format("phone.browserJoining", title);
    public string BrowserFull => language["phone.browserFull"];
    public string NotInLine => language["phone.browserNotInLine"];

    private string Duration(int seconds)
    {
        var (minutes, rest) = (seconds / 60, seconds % 60);
        string Minutes(int m) => m == 1 ? language["phone.minute"] : language.Format("phone.minutes", m);
        string Seconds(int s) => s == 1 ? language["phone.second"] : language.Format("phone.seconds", s);
        return (minutes, rest) switch
        {
            (0, _) => Seconds(rest),
            (_, 0) => Minutes(minutes),
            _ => language.Format("phone.minutesAndSeconds", Minutes(minutes), Seconds(rest)),
        };
    }
}

public static class PromptsOfLanguages
{
    /// <summary>The prompts in a language by its code; the default language for none or one not configured.</summary>
    public static Prompts Prompts(this Languages.Languages languages, string? code) => new(languages.For(code));

    /// <summary>The other languages a caller may choose at the greeting, each with its key.</summary>
    public static IEnumerable<Prompts> Offered(this Languages.Languages languages) =>
        languages.All.Skip(1).Where(l => l.Digit is not null).Select(l => new Prompts(l));
}
