using System.Net;
using System.Security.Cryptography;
using Hangfire;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Languages;
using Meetings.Server.Live;
using Meetings.Server.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Meetings.Server.Notices;

public static class SubscriptionEndpoints
{
    /// <summary>Subscribing: a few a minute per address (each may send someone a message).</summary>
    public const string RateLimit = "subscribe";

    /// <summary>Confirming and unsubscribing: their own, generous bucket, so a flood of sign-ups never keeps anyone from stopping.</summary>
    public const string LinksRateLimit = "subscription-links";

    /// <summary>At most one confirmation message to an address in this long, and <see cref="ConfirmationsPerDay"/> a day.</summary>
    public static readonly TimeSpan ConfirmationInterval = TimeSpan.FromMinutes(10);

    public const int ConfirmationsPerDay = 3;

    private static readonly string[] StopWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];
    private static readonly string[] StartWords = ["START", "UNSTOP"];

    /// <summary>
    /// Subscriptions to a body's notices, with no account: <c>POST /api/bodies/{id}/subscriptions</c>, then a
    /// confirmation link (e-mail: the link opens a page whose button confirms, since mail scanners open links) or
    /// code (text); one-click unsubscribe; and Twilio's inbound text webhook at <c>/phone/sms</c>, where STOP is honoured.
    /// </summary>
    public static void MapSubscriptionEndpoints(this WebApplication app)
    {
        app.MapPost("/api/bodies/{id:guid}/subscriptions", Subscribe).WithTags("Subscriptions").RequireRateLimiting(RateLimit)
            .Produces<SubscribeResult>(StatusCodes.Status202Accepted);
        var group = app.MapGroup("/api/subscriptions").WithTags("Subscriptions").RequireRateLimiting(LinksRateLimit);
        group.MapGet("/confirm", ConfirmPage).ProducesPage();
        group.MapPost("/confirm", ConfirmEmail).DisableAntiforgery().ProducesPage();
        group.MapPost("/confirm-sms", ConfirmSms).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/unsubscribe", async (string? token, MeetingsDbContext db, Languages.Languages languages) =>
        {
            var say = languages.For((await FindAsync(db, token))?.Language);
            return Page(say, say["page.unsubscribe.title"], Button("unsubscribe", token, say["page.unsubscribe.button"]));
        }).ProducesPage();
        group.MapPost("/unsubscribe", Unsubscribe).DisableAntiforgery().ProducesPage();
        app.MapPost("/phone/sms", InboundText).WithTags("Subscriptions").ExcludeFromDescription()
            .AddEndpointFilter(Phone.PhoneEndpoints.CheckSignature).AddEndpointFilter(Phone.WebhookReceipts.ApplyOnce).DisableAntiforgery();
    }

    private static async Task<IResult> Subscribe(Guid id, SubscribeRequest request, MeetingsDbContext db, IBackgroundJobClient jobs, TimeProvider clock,
        Languages.Languages languages, Microsoft.Extensions.Options.IOptions<Phone.PhoneOptions> line)
    {
        if (!await db.Bodies.AnyAsync(b => b.Id == id)) throw new NotFoundException("No such body.");
        // One mailbox, however it is capitalized: each spelling is not a subscriber of its own with its own allowance.
        var email = request.Email?.Trim().ToLowerInvariant() is { Length: > 0 } e ? e : null;
        if (email is not null && (email.Length > 254 || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(email)))
            throw new InvalidInputException("email", "That does not look like an e-mail address.");
        var phone = line.Value.Callable(SpeakerContact.NormalizePhone(request.Phone));
        if (email is null && phone is null) throw new InvalidInputException("email", "Give an e-mail address, a mobile number, or both.");
        var language = string.IsNullOrWhiteSpace(request.Language) ? languages.Default.Code
            : languages.Has(request.Language) ? languages.For(request.Language).Code
            : throw new InvalidInputException("language", $"The language is one of {string.Join(", ", languages.All.Select(l => $"{l.Code} ({l.Name})"))}.");

        // One row per address, found by that address alone. Both addresses are taken together or not at all;
        // the confirmations go out once the rows are saved.
        var now = clock.GetUtcNow();
        // A commit whose answer was lost (SQL Server's retries) may have taken: the confirmations it claimed carry this
        // request's time, and then that try stands. Tried again, it would find them claimed and send none.
        var send = new List<(Guid Subscriber, Channel Channel)>();
        var confirm = await db.Database.CreateExecutionStrategy().ExecuteAsync(0, async (_, _, ct) =>
        {
            send.Clear();
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (email is not null && await OptInAsync(db, id, language, now, SameMailbox(email), s => s.Email = email) is { } byEmail)
                send.Add((byEmail, Channel.Email));
            if (phone is not null && await OptInAsync(db, id, language, now, s => s.Phone == phone, s => s.Phone = phone) is { } byText)
                send.Add((byText, Channel.Sms));
            await transaction.CommitAsync(ct);
            return send;
        }, async (_, _, ct) => new ExecutionResult<List<(Guid, Channel)>>(send.Count > 0 && await ClaimedAtAsync(db, [.. send.Select(s => s.Subscriber)], now, ct), send));
        foreach (var (subscriber, channel) in confirm)
            if (channel == Channel.Email) jobs.Enqueue<NoticeJobs>(j => j.ConfirmEmailAsync(subscriber));
            else jobs.Enqueue<NoticeJobs>(j => j.ConfirmTextAsync(subscriber));
        // The same answer whatever was done: it tells no one whether the address was already subscribed.
        return Results.Accepted(value: new SubscribeResult(
            email is null ? null : "Check your e-mail and open the link to confirm.",
            phone is null ? null : "We sent you a text: reply with its code to confirm."));
    }

    /// <summary>The subscriber of this mailbox (given in lower case), also one kept in other capitals before addresses were lowered.</summary>
#pragma warning disable CA1304, CA1311, CA1862 // run by the database as lower(), not by .NET in any culture
    private static System.Linq.Expressions.Expression<Func<Subscriber, bool>> SameMailbox(string email) => s => s.Email!.ToLower() == email;
#pragma warning restore CA1304, CA1311, CA1862

    /// <summary>
    /// Asks to subscribe one address. A confirmed subscription is its owner's: a request from anyone else changes
    /// nothing, not even its language. Otherwise the request sets the language and, within the per-address limits
    /// (one confirmation message in ten minutes, three a day), asks for a confirmation: returns the subscriber to send it to.
    /// </summary>
    private static async Task<Guid?> OptInAsync(MeetingsDbContext db, Guid bodyId, string language, DateTimeOffset now,
        System.Linq.Expressions.Expression<Func<Subscriber, bool>> sameAddress, Action<Subscriber> setAddress)
    {
        var subscriber = await db.Subscribers.Where(s => s.BodyId == bodyId).FirstOrDefaultAsync(sameAddress);
        if (subscriber is null)
        {
            subscriber = new Subscriber
            {
                Id = Guid.NewGuid(), BodyId = bodyId, CreatedAt = now,
                Token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_'),
                SmsCode = RandomNumberGenerator.GetInt32(100_000, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            setAddress(subscriber);
            db.Subscribers.Add(subscriber);
        }
        var confirmed = subscriber.Email is not null
            ? subscriber.EmailConfirmedAt is not null && subscriber.EmailStoppedAt is null
            : subscriber.SmsConfirmedAt is not null && subscriber.SmsStoppedAt is null;
        if (confirmed) return null;
        subscriber.Language = language;
        // Asking again after stopping starts over: nothing is sent until the address is confirmed again.
        if (subscriber.EmailStoppedAt is not null) (subscriber.EmailStoppedAt, subscriber.EmailConfirmedAt) = (null, null);
        if (subscriber.SmsStoppedAt is not null) (subscriber.SmsStoppedAt, subscriber.SmsConfirmedAt) = (null, null);
        await db.SaveChangesAsync();
        return await ClaimConfirmationAsync(db, subscriber.Id, now) ? subscriber.Id : null;
    }

    /// <summary>Whether every one of <paramref name="subscribers"/> had its confirmation claimed at <paramref name="now"/>.</summary>
    private static async Task<bool> ClaimedAtAsync(MeetingsDbContext db, List<Guid> subscribers, DateTimeOffset now, CancellationToken ct) =>
        await db.Subscribers.CountAsync(s => subscribers.Contains(s.Id) && s.ConfirmationSentAt == now, ct) == subscribers.Count;

    /// <summary>
    /// Takes one of the address's confirmation messages, if it has one left: not one sent in the last ten minutes,
    /// fewer than three in the day. One conditional update, so two requests at once cannot both take the last.
    /// </summary>
    private static async Task<bool> ClaimConfirmationAsync(MeetingsDbContext db, Guid subscriberId, DateTimeOffset now)
    {
        var (recently, dayAgo) = (now - ConfirmationInterval, now.AddDays(-1));
        return await db.Subscribers
            .Where(s => s.Id == subscriberId
                && (s.ConfirmationSentAt == null || s.ConfirmationSentAt <= recently)
                && (s.ConfirmationDayStartedAt == null || s.ConfirmationDayStartedAt <= dayAgo || s.ConfirmationsInDay < ConfirmationsPerDay))
            .ExecuteUpdateAsync(x => x
                .SetProperty(s => s.ConfirmationSentAt, now)
                .SetProperty(s => s.ConfirmationsInDay, s => s.ConfirmationDayStartedAt == null || s.ConfirmationDayStartedAt <= dayAgo ? 1 : s.ConfirmationsInDay + 1)
                .SetProperty(s => s.ConfirmationDayStartedAt, s => s.ConfirmationDayStartedAt == null || s.ConfirmationDayStartedAt <= dayAgo ? now : s.ConfirmationDayStartedAt)) == 1;
    }

    /// <summary>
    /// The confirmation link opens a page with a button; only the button (a POST) confirms, so a mail scanner opening
    /// the link confirms nothing. Both need the link's check as well as its token (<see cref="NoticeContent.ConfirmCheck"/>).
    /// </summary>
    private static async Task<IResult> ConfirmPage(string? token, string? check, HttpRequest request, MeetingsDbContext db, NoticeContent content, Languages.Languages languages)
    {
        if (await ConfirmingAsync(db, content, token, check) is not { } s) return NotAConfirmation(request, languages);
        var say = languages.For(s.Language);
        return Page(say, say["page.confirm.title"], $"{WebUtility.HtmlEncode(say.Format("page.confirm", s.Email))} {Button("confirm", token, say["page.confirm.button"], check)}");
    }

    private static async Task<IResult> ConfirmEmail(string? token, string? check, HttpRequest request, MeetingsDbContext db, NoticeContent content, TimeProvider clock, Languages.Languages languages)
    {
        if (await ConfirmingAsync(db, content, token, check) is not { } s) return NotAConfirmation(request, languages);
        s.EmailConfirmedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync();
        var say = languages.For(s.Language);
        return Page(say, say["page.subscribed.title"], WebUtility.HtmlEncode(say.Format("page.subscribed", s.Email)));
    }

    private static async Task<IResult> ConfirmSms(ConfirmSmsRequest request, MeetingsDbContext db, TimeProvider clock, SmsCodeTries tries)
    {
        var phone = SpeakerContact.NormalizePhone(request.Phone) ?? throw new InvalidInputException("phone", "The mobile number is required.");
        if (!tries.MayTry(phone))
            return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many codes were tried for this number; try again in an hour.");
        var confirmed = await ConfirmCodeAsync(db, phone, request.Code?.Trim(), clock.GetUtcNow());
        return confirmed > 0 ? Results.NoContent() : throw new InvalidInputException("code", "That code does not match; check the text we sent.");
    }

    private static async Task<IResult> Unsubscribe(string? token, HttpRequest request, MeetingsDbContext db, TimeProvider clock, Languages.Languages languages)
    {
        var s = await FindAsync(db, token);
        if (s is null)
        {
            var asked = languages.FromRequest(request);
            return Page(asked, asked["page.invalid.title"], WebUtility.HtmlEncode(asked["page.invalid"]), 404);
        }
        var now = clock.GetUtcNow();
        s.EmailStoppedAt ??= now;
        await db.SaveChangesAsync();
        // Every row of the mailbox stops (two requests at once may have made two): a notice goes to one of them.
        if (s.Email is { } email)
            await db.Subscribers.Where(x => x.BodyId == s.BodyId && x.EmailStoppedAt == null).Where(SameMailbox(email.ToLowerInvariant()))
                .ExecuteUpdateAsync(x => x.SetProperty(r => r.EmailStoppedAt, now));
        var say = languages.For(s.Language);
        return Page(say, say["page.unsubscribed.title"], WebUtility.HtmlEncode(say["page.unsubscribed"]));
    }

    /// <summary>A text to the meeting line: STOP (and its synonyms) stops every text notice to that number; START resumes; the code confirms.</summary>
    private static async Task<IResult> InboundText(HttpRequest request, MeetingsDbContext db, TimeProvider clock, Languages.Languages languages)
    {
        var form = await request.ReadFormAsync();
        var from = form["From"].ToString();
        var word = form["Body"].ToString().Trim().ToUpperInvariant();
        var now = clock.GetUtcNow();
        string? reply = null;
        if (StopWords.Contains(word))
            await db.Subscribers.Where(s => s.Phone == from && s.SmsStoppedAt == null).ExecuteUpdateAsync(x => x.SetProperty(s => s.SmsStoppedAt, now));
        else if (StartWords.Contains(word))
            await db.Subscribers.Where(s => s.Phone == from && s.SmsConfirmedAt != null).ExecuteUpdateAsync(x => x.SetProperty(s => s.SmsStoppedAt, (DateTimeOffset?)null));
        else if (await ConfirmCodeAsync(db, from, word, now) > 0)
            reply = languages.For(await db.Subscribers.Where(s => s.Phone == from).Select(s => s.Language).FirstOrDefaultAsync())["notice.subscribed.sms"];
        var twiml = new Twilio.TwiML.MessagingResponse();
        if (reply is not null) twiml.Message(reply);
        return Results.Content(twiml.ToString(), "text/xml");
    }

    private static Task<int> ConfirmCodeAsync(MeetingsDbContext db, string phone, string? code, DateTimeOffset now) =>
        string.IsNullOrEmpty(code) ? Task.FromResult(0)
        : db.Subscribers.Where(s => s.Phone == phone && s.SmsCode == code && s.SmsConfirmedAt == null)
            .ExecuteUpdateAsync(x => x.SetProperty(s => s.SmsConfirmedAt, now));

    /// <summary>The e-mail subscriber a confirmation link is for, when its check is the one the last confirmation carried.</summary>
    private static async Task<Subscriber?> ConfirmingAsync(MeetingsDbContext db, NoticeContent content, string? token, string? check) =>
        await FindAsync(db, token) is { Email: not null } s && content.Confirms(s, check) ? s : null;

    private static IResult NotAConfirmation(HttpRequest request, Languages.Languages languages)
    {
        var asked = languages.FromRequest(request);
        return Page(asked, asked["page.invalid.title"], WebUtility.HtmlEncode(asked["page.invalid.confirm"]), 404);
    }

    private static Task<Subscriber?> FindAsync(MeetingsDbContext db, string? token) =>
        string.IsNullOrEmpty(token) || token.Length > 64 ? Task.FromResult<Subscriber?>(null) : db.Subscribers.FirstOrDefaultAsync(s => s.Token == token);

    /// <summary>An HTML page for a person who opened a link: 200, or 404 when the link's token is not (or no longer) valid.</summary>
    private static RouteHandlerBuilder ProducesPage(this RouteHandlerBuilder builder) =>
        builder.Produces<string>(StatusCodes.Status200OK, "text/html").Produces<string>(StatusCodes.Status404NotFound, "text/html");

    private static string Button(string action, string? token, string label, string? check = null) =>
        $"<form method=\"post\" action=\"/api/subscriptions/{action}?token={WebUtility.UrlEncode(token)}" +
        (check is null ? "" : $"&amp;check={WebUtility.UrlEncode(check)}") +
        $"\"><button type=\"submit\">{WebUtility.HtmlEncode(label)}</button></form>";

    /// <summary>A small page in the reader's language; <paramref name="html"/> is already encoded.</summary>
    private static IResult Page(Language say, string title, string html, int status = 200) => Results.Content(
        $"<!DOCTYPE html><html lang=\"{say.Code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{WebUtility.HtmlEncode(title)}</title>" +
        "<link rel=\"stylesheet\" href=\"/css/app.css\"></head>" +
        $"<body><main><h1>{WebUtility.HtmlEncode(title)}</h1><p>{html}</p></main></body></html>",
        "text/html; charset=utf-8", statusCode: status);
}

/// <summary>
/// Codes typed on the web for one number: five, then one more every twelve minutes. A code is six digits, so guessing
/// one (to subscribe someone else's phone) would take years; a code texted back from the phone itself is not counted.
/// </summary>
internal sealed class SmsCodeTries(TimeProvider clock)
{
    private readonly TokenBuckets _perNumber = new(burst: 5, perSecond: 1.0 / 720, clock);

    public bool MayTry(string phone) => _perNumber.TryTake(phone);
}
