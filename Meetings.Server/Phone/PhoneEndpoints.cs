using System.Globalization;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Identity;
using Microsoft.Extensions.Options;
using Twilio.Security;
using Twilio.TwiML;
using Twilio.TwiML.Voice;

namespace Meetings.Server.Phone;

/// <summary>
/// Twilio's webhooks, at fixed paths to paste into Twilio's console (the number's voice URL is
/// <c>{PublicBaseUrl}/phone/voice</c>). Every request must carry a valid <c>X-Twilio-Signature</c>.
/// Answers are TwiML built from what is at hand: no call to Twilio on the request path.
/// </summary>
public static class PhoneEndpoints
{
    private const int MaxCodeAttempts = 3;

    public static void MapPhoneEndpoints(this WebApplication app)
    {
        var phone = app.MapGroup("/phone").WithTags("Phone").ExcludeFromDescription().AddEndpointFilter(CheckSignature)
            .AddEndpointFilter(WebhookReceipts.ApplyOnce).DisableAntiforgery();
        phone.MapPost("/voice", Voice);
        phone.MapPost("/voice/code", Code);
        phone.MapPost("/voice/star", Star);
        phone.MapPost("/conference-status", ConferenceStatus);
        phone.MapPost("/call-status", async (HttpRequest request, PhoneService phones) =>
        {
            var form = await request.ReadFormAsync();
            if (form["CallStatus"].ToString() is "completed" or "busy" or "failed" or "no-answer" or "canceled")
                await phones.CallEndedAsync(form["CallSid"].ToString());
            return Results.NoContent();
        });

        app.MapGet("/api/meetings/{id:guid}/phone", (Guid id, PhoneService phones) => phones.StatusAsync(id))
            .WithTags("Phone").RequireAuthorization(Roles.ClerkPolicy);
        app.MapGet("/api/phone", (IOptions<PhoneOptions> o) => new PhoneLine(o.Value.IsConfigured, o.Value.IsConfigured ? o.Value.PhoneNumber : null))
            .WithTags("Phone");
    }

    /// <summary>Checks Twilio's signature against the public URL (so it holds behind a reverse proxy). Unsigned or forged: 403, nothing changes.</summary>
    internal static async ValueTask<object?> CheckSignature(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<PhoneOptions>>().Value;
        if (!options.IsConfigured)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Phone participation is off: Twilio is not configured.");
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : FormCollection.Empty;
        var url = options.PublicBaseUrl! + http.Request.Path + http.Request.QueryString;
        var parameters = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        var signature = http.Request.Headers["X-Twilio-Signature"].ToString();
        if (string.IsNullOrEmpty(signature) || !new RequestValidator(options.AuthToken).Validate(url, parameters, signature))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The request is not signed by Twilio.");
        return await next(context);
    }

    /// <summary>A call arrives: greet, offer Spanish, ask for the access code.</summary>
    private static IResult Voice()
    {
        var say = Prompts.English;
        var response = new VoiceResponse();
        var gather = AskForDigits("/phone/voice/code?lang=en&attempt=1");
        gather.Say(say.Welcome, language: Say.LanguageEnum.EnUs).Say(say.EnterCode, language: Say.LanguageEnum.EnUs);
        response.Append(gather).Redirect(new Uri("/phone/voice/code?lang=en&attempt=1", UriKind.Relative));
        return Twiml(response);
    }

    /// <summary>Checks the access code: three tries, then goodbye. The chamber's moderator code joins unmuted.</summary>
    private static async Task<IResult> Code(HttpRequest request, string? lang, int? attempt, PhoneService phones, TimeProvider clock)
    {
        var form = await request.ReadFormAsync();
        var digits = form["Digits"].ToString().Trim();
        var say = Prompts.For(lang);
        var tries = Math.Clamp(attempt ?? 1, 1, MaxCodeAttempts);
        var response = new VoiceResponse();

        if (say == Prompts.English && digits == "2")
        {
            response.Append(AskForDigits("/phone/voice/code?lang=es&attempt=1").Say(Prompts.Spanish.EnterCode, language: Language(Prompts.Spanish)));
            return Twiml(response);
        }
        if (digits.Length > 0 && await phones.FindByModeratorCodeAsync(digits) is { } chamber)
        {
            var dial = new Dial();
            dial.Conference(PhoneService.ConferenceName(chamber.Id), muted: false, beep: Conference.BeepEnum.False,
                startConferenceOnEnter: true, endConferenceOnExit: false);
            return Twiml(response.Append(dial));
        }
        if (digits.Length == 0 || await phones.FindByCodeAsync(digits) is not { } meeting)
        {
            if (tries >= MaxCodeAttempts) return Twiml(response.Say(say.Goodbye, language: Language(say)).Hangup());
            response.Say(say.WrongCode, language: Language(say));
            response.Append(AskForDigits($"/phone/voice/code?lang={say.Language}&attempt={tries + 1}").Say(say.EnterCode, language: Language(say)));
            return Twiml(response);
        }

        await phones.RegisterAsync(form["CallSid"].ToString(), meeting.Id, form["From"].ToString(), say.Language, clock.GetUtcNow());
        var local = TimeZoneInfo.ConvertTime(meeting.Start, LocalTime.Zone(meeting.TimeZone));
        var live = meeting.Status != MeetingStatus.Published;
        response.Say(live ? say.Joining(meeting.Title) : say.NotStarted(meeting.Title, local), language: Language(say));
        response.Say(say.Keypad, language: Language(say));
        return Twiml(JoinConference(response, meeting.Id, say, muted: true, startsConference: live));
    }

    /// <summary>
    /// After the caller presses *: gather one digit, act on it, and return them to the meeting: *9 hand up or
    /// down, *6 open the line only while they have the floor, *1 where things stand, *0 the commands again.
    /// </summary>
    private static async Task<IResult> Star(HttpRequest request, string? lang, PhoneService phones)
    {
        var form = await request.ReadFormAsync();
        var call = await phones.FindCallAsync(form["CallSid"].ToString());
        var response = new VoiceResponse();
        // The Dial also ends when the caller hangs up; the conference callback records that.
        if (call is null || form["CallStatus"] == "completed") return Twiml(response);
        var say = Prompts.For(lang ?? call.Language);
        var digit = form["Digits"].ToString();
        if (digit.Length == 0 && !form.ContainsKey("Digits"))
        {
            var gather = new Gather(input: [Gather.InputEnum.Dtmf], numDigits: 1, timeout: 5,
                action: new Uri($"/phone/voice/star?lang={say.Language}", UriKind.Relative));
            response.Append(gather.Say(say.ChooseKey, language: Language(say)));
        }
        else
        {
            string answer;
            try
            {
                answer = digit switch
                {
                    "9" => await phones.ToggleHandAsync(call, say),
                    "6" => await phones.HasTheFloorAsync(call) ? say.YouHaveTheFloor : say.NotYourTurn,
                    "1" => await phones.WhereAmIAsync(call, say),
                    _ => say.Keypad,
                };
            }
            catch (Exception e) when (e is MeetingRuleException or InvalidInputException or Errors.NotFoundException or Errors.ConflictException)
            {
                // A refusal (a recess, a changed queue) is said to the caller; a TwiML error would hang up on them.
                answer = say.NotNow;
            }
            response.Say(answer, language: Language(say));
        }
        var speaking = await phones.HasTheFloorAsync(call);
        return Twiml(JoinConference(response, call.MeetingId, say, muted: !speaking, startsConference: true));
    }

    private static async Task<IResult> ConferenceStatus(HttpRequest request, Guid meeting, PhoneService phones)
    {
        var form = await request.ReadFormAsync();
        var callSid = form["CallSid"].ToString();
        if (callSid.Length > 0 && int.TryParse(form["SequenceNumber"], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            await phones.ConferenceEventAsync(meeting, callSid, form["ConferenceSid"].ToString(), form["StatusCallbackEvent"].ToString(), sequence,
                bool.TryParse(form["Muted"], out var muted) ? muted : null, form["ParticipantCallStatus"].ToString() is { Length: > 0 } s ? s : null);
        return Results.NoContent();
    }

    private static VoiceResponse JoinConference(VoiceResponse response, Guid meetingId, Prompts say, bool muted, bool startsConference)
    {
        var dial = new Dial(hangupOnStar: true, action: new Uri($"/phone/voice/star?lang={say.Language}", UriKind.Relative));
        dial.Conference(PhoneService.ConferenceName(meetingId), muted: muted, beep: Conference.BeepEnum.False,
            startConferenceOnEnter: startsConference, endConferenceOnExit: false,
            statusCallback: new Uri($"/phone/conference-status?meeting={meetingId}", UriKind.Relative),
            statusCallbackEvent: [Conference.EventEnum.Join, Conference.EventEnum.Leave, Conference.EventEnum.Mute]);
        return response.Append(dial);
    }

    private static Gather AskForDigits(string action) =>
        new(input: [Gather.InputEnum.Dtmf], finishOnKey: "#", timeout: 10, action: new Uri(action, UriKind.Relative));

    private static Say.LanguageEnum Language(Prompts say) => say == Prompts.Spanish ? Say.LanguageEnum.EsMx : Say.LanguageEnum.EnUs;

    private static IResult Twiml(VoiceResponse response) => Results.Content(response.ToString(), "text/xml");
}
