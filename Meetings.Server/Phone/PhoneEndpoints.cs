using System.Globalization;
using Meetings.Client.Contracts;
using Meetings.Server.Domain;
using Meetings.Server.Identity;
using Microsoft.Extensions.Options;
using Twilio.Security;
using Twilio.TwiML;

namespace Meetings.Server.Phone;

/// <summary>
/// Twilio's webhooks, at fixed paths to paste into Twilio's console (the number's voice URL is
/// <c>{PublicBaseUrl}/phone/voice</c>, the TwiML App's <c>{PublicBaseUrl}/phone/voice/browser</c>). Every request must
/// carry a valid <c>X-Twilio-Signature</c>. Answers are TwiML built from what is at hand: no call to Twilio on the
/// request path.
/// </summary>
public static class PhoneEndpoints
{
    private const int MaxCodeAttempts = 3;
    /// <summary>Silent prompts for the code after the greeting's two, before saying goodbye.</summary>
    private const int MaxSilentAsks = 2;

    public static void MapPhoneEndpoints(this WebApplication app)
    {
        var phone = app.MapGroup("/phone").WithTags("Phone").ExcludeFromDescription().AddEndpointFilter(CheckSignature)
            .AddEndpointFilter(WebhookReceipts.ApplyOnce).DisableAntiforgery();
        phone.MapPost("/voice", Greeting);
        phone.MapPost("/voice/code", Code);
        phone.MapPost("/voice/star", Star);
        phone.MapPost("/voice/browser", Browser);
        phone.MapPost("/voice/callback", CallBack);
        phone.MapPost("/voice/callback/join", CallBackJoin);
        phone.MapPost("/announce", Announce);
        phone.MapPost("/conference-status", ConferenceStatus);
        phone.MapPost("/call-status", async (HttpRequest request, Guid? entry, PhoneService phones) =>
        {
            var form = await request.ReadFormAsync();
            if (form["CallStatus"].ToString() is not ("completed" or "busy" or "failed" or "no-answer" or "canceled")) return Results.NoContent();
            var callSid = form["CallSid"].ToString();
            // A call-back's status names its sign-up: it may come before the placing is recorded, and must not be lost.
            if (entry is { } entryId) await phones.RecordCallBackAsync(callSid, entryId);
            await phones.CallEndedAsync(callSid);
            return Results.NoContent();
        });

        app.MapGet("/api/meetings/{id:guid}/phone", (Guid id, PhoneService phones) => phones.StatusAsync(id))
            .WithTags("Phone").RequireAuthorization(Roles.ClerkPolicy);
        app.MapGet("/api/phone", (IOptions<PhoneOptions> o) => new PhoneLine(o.Value.IsConfigured, o.Value.IsConfigured ? o.Value.PhoneNumber : null,
            o.Value.BrowserAudioEnabled, o.Value.CallBackEnabled)).WithTags("Phone");
        app.MapPost("/api/meetings/{id:guid}/speakers/{entryId:guid}/call-back", async (Guid id, Guid entryId, PhoneService phones) =>
        {
            await phones.CallBackAgainAsync(id, entryId);
            return Results.Accepted();
        }).WithTags("Phone").RequireAuthorization(Roles.ClerkPolicy);
        app.MapPost("/api/meetings/{id:guid}/speakers/{entryId:guid}/voice-token", (Guid id, Guid entryId, VoiceTokenRequest request, VoiceTokens tokens) =>
            tokens.IssueAsync(id, entryId, request.ResidentToken)).WithTags("Phone").RequireRateLimiting(VoiceTokens.RateLimit);
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

    /// <summary>
    /// A call arrives: greet in English, offer Spanish in a Spanish voice, ask for the access code. On silence the
    /// greeting is said once more, then the code is asked for on its own.
    /// </summary>
    private static IResult Greeting(int? repeat, CallScript script, Languages.Languages languages)
    {
        var say = languages.Prompts(null);
        var response = new VoiceResponse();
        var gather = CallScript.Gather($"/phone/voice/code?lang={say.Language}&attempt=1");
        gather.Append(script.Say(say.Welcome, say));
        foreach (var other in languages.Offered()) gather.Append(script.Say(other.Choose, other));
        gather.Append(script.Say(say.EnterCode, say));
        response.Append(gather);
        return CallScript.Result(CallScript.Redirect(response, repeat is > 0 ? $"/phone/voice/code?lang={say.Language}&attempt=1&silent=1" : "/phone/voice?repeat=1"));
    }

    /// <summary>
    /// Checks the access code: three wrong codes, or no code after two more asks, end with a goodbye. The chamber's
    /// moderator code joins unmuted and starts the conference. A meeting that has ended says so.
    /// </summary>
    private static async Task<IResult> Code(HttpRequest request, string? lang, int? attempt, int? silent, PhoneService phones, CallScript script, TimeProvider clock, Languages.Languages languages)
    {
        var form = await request.ReadFormAsync();
        var digits = form["Digits"].ToString().Trim();
        var say = languages.Prompts(lang);
        var tries = Math.Clamp(attempt ?? 1, 1, MaxCodeAttempts);
        var response = new VoiceResponse();

        if (digits.Length == 0)
        {
            // Silence is not a wrong code: ask again, and after two silent asks say goodbye.
            var silences = Math.Max(silent ?? 1, 1);
            if (silences > MaxSilentAsks) return CallScript.Result(script.Farewell(say.NoCode, say));
            return CallScript.Result(AskForCode(response, script, say, tries, silences + 1));
        }
        if (say.Language == languages.Default.Code && languages.Offered().FirstOrDefault(p => p.Digit == digits) is { } chosen)
            return CallScript.Result(AskForCode(response, script, chosen, 1, 1));
        if (await phones.FindByModeratorCodeAsync(digits) is { } chamber)
            return CallScript.Result(script.JoinConference(response, chamber.Id, muted: false, keypadLanguage: null, startsConference: true, label: "chamber"));
        if (await phones.FindByCodeAsync(digits) is not { } meeting)
        {
            if (tries >= MaxCodeAttempts) return CallScript.Result(script.Farewell(say.Goodbye, say));
            response.Append(script.Say(say.WrongCode, say));
            return CallScript.Result(AskForCode(response, script, say, tries + 1, 1));
        }
        if (meeting.Status == MeetingStatus.Adjourned) return CallScript.Result(script.Farewell(say.Ended, say));
        if (meeting.Status == MeetingStatus.Cancelled) return CallScript.Result(script.Farewell(say.Cancelled, say));

        await phones.RegisterAsync(form["CallSid"].ToString(), meeting.Id, form["From"].ToString(), say.Language, clock.GetUtcNow());
        var local = TimeZoneInfo.ConvertTime(meeting.Start, LocalTime.Zone(meeting.TimeZone));
        response.Append(script.Say(meeting.Status == MeetingStatus.Published ? say.NotStarted(meeting.Title, local) : say.Joining(meeting.Title), say));
        response.Append(script.Say(say.Keypad, say));
        return CallScript.Result(script.JoinConference(response, meeting.Id, muted: true, keypadLanguage: say.Language));
    }

    private static VoiceResponse AskForCode(VoiceResponse response, CallScript script, Prompts say, int attempt, int silent)
    {
        response.Append(CallScript.Gather($"/phone/voice/code?lang={say.Language}&attempt={attempt}").Append(script.Say(say.EnterCode, say)));
        return CallScript.Redirect(response, $"/phone/voice/code?lang={say.Language}&attempt={attempt}&silent={silent}");
    }

    /// <summary>
    /// After the caller presses *: gather one digit, act on it, and return them to the meeting: *9 hand up or
    /// down, *6 open the line only while they have the floor, *1 where things stand, *0 the commands again.
    /// Pressing nothing returns them to the meeting too. After adjournment, the caller hears that it has ended.
    /// </summary>
    private static async Task<IResult> Star(HttpRequest request, string? lang, PhoneService phones, CallScript script, Languages.Languages languages)
    {
        var form = await request.ReadFormAsync();
        var call = await phones.FindCallAsync(form["CallSid"].ToString());
        var response = new VoiceResponse();
        // The Dial also ends when the caller hangs up; the conference callback records that.
        if (call is null || form["CallStatus"] == "completed") return CallScript.Result(response);
        var say = languages.Prompts(lang ?? call.Language);
        switch ((await phones.FindMeetingAsync(call.MeetingId))?.Status)
        {
            case MeetingStatus.Adjourned: return CallScript.Result(script.Farewell(say.Ended, say));
            case MeetingStatus.Cancelled: return CallScript.Result(script.Farewell(say.Cancelled, say));
        }
        var digit = form["Digits"].ToString();
        if (digit.Length == 0 && !form.ContainsKey("Digits"))
        {
            var gather = CallScript.Gather($"/phone/voice/star?lang={say.Language}", numDigits: 1, timeout: 5);
            response.Append(gather.Append(script.Say(say.ChooseKey, say)));
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
            response.Append(script.Say(answer, say));
        }
        var speaking = await phones.HasTheFloorAsync(call);
        return CallScript.Result(script.JoinConference(response, call.MeetingId, muted: !speaking, keypadLanguage: say.Language,
            label: call.Leg == CallLeg.CallBack ? EntryLabel(call.EntryId) : null));
    }

    /// <summary>
    /// A web speaker's browser calling through the TwiML App. Twilio vouches for the token's identity (the sign-up),
    /// so the browser is placed in the meeting's conference, muted unless the speaker has the floor, labelled by entry.
    /// </summary>
    private static async Task<IResult> Browser(HttpRequest request, PhoneService phones, CallScript script, TimeProvider clock, Languages.Languages languages)
    {
        var form = await request.ReadFormAsync();
        var say = languages.Prompts(form["lang"].ToString());
        if (!VoiceTokens.TryRead(form["From"].ToString(), out var meetingId, out var entryId)
            || await phones.FindMeetingAsync(meetingId) is not { Status: MeetingStatus.Live or MeetingStatus.Recessed or MeetingStatus.Published })
            return CallScript.Result(script.Farewell(say.NotInLine, say));
        var (call, title, refusal) = await phones.RegisterBrowserAsync(form["CallSid"].ToString(), meetingId, entryId, say.Language, clock.GetUtcNow());
        if (call is null) return CallScript.Result(script.Farewell(refusal(say), say));
        var response = new VoiceResponse().Append(script.Say(say.BrowserJoining(title), say));
        return CallScript.Result(script.JoinConference(response, meetingId, muted: call.WantMuted, keypadLanguage: null, label: EntryLabel(entryId)));
    }

    /// <summary>
    /// The server's call to a web resident who asked to be called when they are up, as answered: a machine is hung up
    /// on (the clerk sees "did not answer"); a person hears who is calling and why, and presses 1 to join. Silence
    /// repeats it once, then says goodbye.
    /// </summary>
    private static async Task<IResult> CallBack(HttpRequest request, Guid entry, string? lang, int? attempt, PhoneService phones, CallScript script, Languages.Languages languages)
    {
        var form = await request.ReadFormAsync();
        var say = languages.Prompts(lang);
        var callSid = form["CallSid"].ToString();
        if (form["AnsweredBy"].ToString() is var by && (by.StartsWith("machine", StringComparison.Ordinal) || by == "fax"))
        {
            await phones.CallBackNotAnsweredAsync(callSid, entry);
            return CallScript.Result(new VoiceResponse().Hangup());
        }
        if (await phones.CallBackIntroAsync(entry) is not { } intro) return CallScript.Result(script.Farewell(say.NotInLine, say));
        if (attempt is > 1)
            return CallScript.Result(new VoiceResponse().Append(
                CallScript.Gather($"/phone/voice/callback/join?entry={entry}&lang={say.Language}", numDigits: 1)
                    .Append(script.Say(say.CallingBack(intro.Body, intro.Title, intro.Item), say))).Append(script.Say(say.CallBackMissed, say)).Hangup());
        var response = new VoiceResponse().Append(CallScript.Gather($"/phone/voice/callback/join?entry={entry}&lang={say.Language}", numDigits: 1)
            .Append(script.Say(say.CallingBack(intro.Body, intro.Title, intro.Item), say)));
        return CallScript.Result(CallScript.Redirect(response, $"/phone/voice/callback?entry={entry}&lang={say.Language}&attempt=2"));
    }

    /// <summary>
    /// 1 joins the meeting with the keypad, exactly as a caller who dialled in: muted, unless the speaker's turn began
    /// meanwhile; any other key asks again.
    /// </summary>
    private static async Task<IResult> CallBackJoin(HttpRequest request, Guid entry, string? lang, PhoneService phones, CallScript script, Languages.Languages languages)
    {
        var form = await request.ReadFormAsync();
        var say = languages.Prompts(lang);
        if (form["Digits"].ToString() != "1")
            return CallScript.Result(CallScript.Redirect(new VoiceResponse(), $"/phone/voice/callback?entry={entry}&lang={say.Language}&attempt=2"));
        if (await phones.CallBackJoinedAsync(form["CallSid"].ToString(), entry) is not { } joined)
            return CallScript.Result(script.Farewell(say.NotInLine, say));
        var response = new VoiceResponse().Append(script.Say(say.Joining(joined.Title, joined.Call.WantMuted), say)).Append(script.Say(say.Keypad, say));
        return CallScript.Result(script.JoinConference(response, joined.Call.MeetingId, muted: joined.Call.WantMuted, keypadLanguage: say.Language,
            label: EntryLabel(entry)));
    }

    /// <summary>What one participant hears alone, fetched by Twilio from the participant's announce URL.</summary>
    private static IResult Announce(string? what, string? lang, int? seconds, CallScript script, Languages.Languages languages)
    {
        var say = languages.Prompts(lang);
        var text = what switch
        {
            Announcements.Floor => say.Floor(Math.Max(seconds ?? 0, 1)),
            Announcements.Warning => say.ThirtySecondsLeft,
            Announcements.TimeIsUp => say.TimeIsUp,
            Announcements.TurnEnded => say.TurnEnded,
            _ => null,
        };
        var response = new VoiceResponse();
        return CallScript.Result(text is null ? response : response.Append(script.Say(text, say)));
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

    /// <summary>A web speaker's participant label: the sign-up, nothing personal.</summary>
    public static string? EntryLabel(Guid? entryId) => entryId is { } id ? $"entry-{id:N}" : null;
}
