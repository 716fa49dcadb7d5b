using Microsoft.Extensions.Options;
using Twilio.TwiML;
using Twilio.TwiML.Voice;

namespace Meetings.Server.Phone;

/// <summary>
/// The TwiML pieces every step of a call is made of, so that each is alike wherever it is used: every prompt is
/// spoken by its language's voice (<c>Phone:Voice:en</c>, <c>Phone:Voice:es</c>), every Gather is followed by what
/// happens on silence, and every Conference carries the same status callback and events, since Twilio takes a
/// conference's callbacks from whichever participant starts it.
/// </summary>
public sealed class CallScript(IOptions<PhoneOptions> options)
{
    /// <summary>The conference events the server follows: a participant joining, leaving, muted or unmuted.</summary>
    public static IReadOnlyList<Conference.EventEnum> ConferenceEvents { get; } =
        [Conference.EventEnum.Join, Conference.EventEnum.Leave, Conference.EventEnum.Mute];

    public static string ConferenceName(Guid meetingId) => $"meeting-{meetingId:N}";

    public static string StatusCallback(Guid meetingId) => $"/phone/conference-status?meeting={meetingId}";

    /// <summary>A sentence in the language's own voice.</summary>
    public Say Say(string text, Prompts say) =>
        new(text, voice: say == Prompts.Spanish ? options.Value.SpanishVoice : options.Value.EnglishVoice, language: say.Tag);

    /// <summary>Says something, then hangs up.</summary>
    public VoiceResponse Farewell(string text, Prompts say) => new VoiceResponse().Append(Say(text, say)).Hangup();

    /// <summary>
    /// Waits for keys after the prompts; on silence Twilio goes on to the next verb, which must always be given
    /// by the caller: a redirect, the conference, or a goodbye.
    /// </summary>
    public static Gather Gather(string action, int? numDigits = null, int timeout = 10) =>
        new(input: [Twilio.TwiML.Voice.Gather.InputEnum.Dtmf], action: new Uri(action, UriKind.Relative), timeout: timeout,
            numDigits: numDigits, finishOnKey: numDigits is null ? "#" : null, actionOnEmptyResult: false);

    public static VoiceResponse Redirect(VoiceResponse response, string url) =>
        response.Redirect(new Uri(url, UriKind.Relative), Twilio.Http.HttpMethod.Post);

    /// <summary>
    /// Puts the call in the meeting's conference. Only the chamber's moderator leg starts the conference, so
    /// anyone who arrives first waits with the hold music. Callers get the keypad (<c>hangupOnStar</c>); a browser
    /// has none. <paramref name="label"/> names the participant (by speaker entry) for the REST API.
    /// </summary>
    public VoiceResponse JoinConference(VoiceResponse response, Guid meetingId, bool muted, string? keypadLanguage,
        bool startsConference = false, string? label = null)
    {
        var dial = keypadLanguage is null ? new Dial()
            : new Dial(hangupOnStar: true, action: new Uri($"/phone/voice/star?lang={keypadLanguage}", UriKind.Relative));
        dial.Conference(ConferenceName(meetingId), muted: muted, beep: Twilio.TwiML.Voice.Conference.BeepEnum.False,
            startConferenceOnEnter: startsConference, endConferenceOnExit: false,
            statusCallback: new Uri(StatusCallback(meetingId), UriKind.Relative), statusCallbackMethod: Twilio.Http.HttpMethod.Post,
            statusCallbackEvent: ConferenceEvents.ToList(), participantLabel: label);
        return response.Append(dial);
    }

    public static IResult Result(VoiceResponse response) => Results.Content(response.ToString(), "text/xml");
}
