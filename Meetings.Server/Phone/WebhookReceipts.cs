using Meetings.Server.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Phone;

/// <summary>
/// A webhook Twilio delivered, by its <c>I-Twilio-Idempotency-Token</c>, with the answer it got. Kept in the
/// database for a day: a retry can come after a restart or reach another instance, which memory would miss.
/// </summary>
public sealed class WebhookReceipt
{
    public string Token { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>Null while the first delivery is still being handled.</summary>
    public int? Status { get; set; }
    public string? ContentType { get; set; }
    public string? Body { get; set; }
}

/// <summary>
/// Applies each Twilio webhook once. Twilio marks the deliveries of one event, first and retries, with one
/// <c>I-Twilio-Idempotency-Token</c>; the first is handled and its answer kept, and every repeat gets that same
/// answer (the same TwiML, so a retried call still lands in its conference) without doing anything again.
/// </summary>
public sealed class WebhookReceipts(MeetingsDbContext db, TimeProvider clock)
{
    public const string Header = "I-Twilio-Idempotency-Token";
    private static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);
    private static readonly TimeSpan WaitForFirst = TimeSpan.FromSeconds(5);
    /// <summary>
    /// A claim with no answer this long after it was made was abandoned (its server stopped, or failed even to forget
    /// it): a retry takes it over. Twilio itself gives up on a webhook after 15 s.
    /// </summary>
    internal static readonly TimeSpan Abandoned = TimeSpan.FromSeconds(30);
    private static int _claims;

    /// <summary>An endpoint filter, after the signature check: only signed requests are remembered.</summary>
    internal static async ValueTask<object?> ApplyOnce(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = http.Request.Headers[Header].ToString();
        if (token.Length is 0 or > 128) return await next(context);
        var receipts = http.RequestServices.GetRequiredService<WebhookReceipts>();
        if (!await receipts.ClaimAsync(token)) return await receipts.AnswerGivenAsync(token, http.RequestAborted);
        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            // Not handled after all: a retry may try again.
            await receipts.ForgetAsync(token);
            throw;
        }
        await receipts.KeepAsync(token, result);
        return result;
    }

    private async Task<bool> ClaimAsync(string token)
    {
        var now = clock.GetUtcNow();
        if (Interlocked.Increment(ref _claims) % 64 == 0)
            await db.WebhookReceipts.Where(r => r.ReceivedAt < now - KeptFor).ExecuteDeleteAsync();
        db.WebhookReceipts.Add(new WebhookReceipt { Token = token, ReceivedAt = now });
        try
        {
            await db.SaveChangesAsync();
            return true;
        }
        catch (DbUpdateException)
        {
            // Taken already, by an earlier delivery (here or on another instance); anything else is the database failing.
            db.ChangeTracker.Clear();
            if (await TakeOverAbandonedAsync(token, now)) return true;
            if (await db.WebhookReceipts.AsNoTracking().AnyAsync(r => r.Token == token)) return false;
            throw;
        }
    }

    /// <summary>Claims an abandoned claim afresh, in one statement, so that of several retries at once only one wins.</summary>
    private async Task<bool> TakeOverAbandonedAsync(string token, DateTimeOffset now)
    {
        var before = now - Abandoned;
        return await db.WebhookReceipts.Where(r => r.Token == token && r.Status == null && r.ReceivedAt < before)
            .ExecuteUpdateAsync(x => x.SetProperty(r => r.ReceivedAt, now)) == 1;
    }

    /// <summary>The answer the first delivery got, waiting a few seconds if it is still being handled.</summary>
    private async Task<IResult> AnswerGivenAsync(string token, CancellationToken ct)
    {
        var until = clock.GetUtcNow() + WaitForFirst;
        while (true)
        {
            var receipt = await db.WebhookReceipts.AsNoTracking().SingleOrDefaultAsync(r => r.Token == token, ct);
            if (receipt?.Status is { } status)
                return receipt.Body is null ? Results.StatusCode(status) : Results.Content(receipt.Body, receipt.ContentType, statusCode: status);
            if (receipt is null || clock.GetUtcNow() >= until)
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "This webhook is still being handled; try again.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, ct);
        }
    }

    private async Task KeepAsync(string token, object? result)
    {
        var (status, type, body) = result switch
        {
            ContentHttpResult c => (c.StatusCode ?? 200, c.ContentType, c.ResponseContent),
            IStatusCodeHttpResult s => (s.StatusCode ?? 200, null, null),
            _ => (200, null, null),
        };
        await db.WebhookReceipts.Where(r => r.Token == token)
            .ExecuteUpdateAsync(x => x.SetProperty(r => r.Status, status).SetProperty(r => r.ContentType, type).SetProperty(r => r.Body, body));
    }

    private async Task ForgetAsync(string token) => await db.WebhookReceipts.Where(r => r.Token == token).ExecuteDeleteAsync();
}
