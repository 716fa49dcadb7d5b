using Language = Meetings.Server.Languages.Language;
using Twilio.TwiML.Voice;

namespace Meetings.Server.Phone;

/// <summary>What callers hear, in their language's words and voice. Short sentences: people listen once, on a phone.</summary>
public sealed class Prompts(Language language)
{
    /// <summary>The language's code, carried in the webhook addresses so each answer is in the caller's language.</summary>
    public string Language => language.Code;

    /// <summary>Twilio's voice for the language.</summary>
    public Say.LanguageEnum Voice { get; } = language.Voice;

    public string Welcome => language["phone.welcome"];
    /// <summary>"Para español, oprima 2 y luego la tecla de número.", said in the language itself.</summary>
    public string Choose => language.Format("phone.choose", language.Digit);
    public string EnterCode => language["phone.enterCode"];
    public string WrongCode => language["phone.wrongCode"];
    public string Goodbye => language["phone.goodbye"];
    public string NotStarted(string title, DateTimeOffset localStart) =>
        language.Format("phone.notStarted", title, language.Format("format.spoken", localStart));
    public string Joining(string title) => language.Format("phone.joining", title);
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
    public string Ended => language["phone.ended"];
}
