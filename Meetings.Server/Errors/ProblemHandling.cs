using Meetings.Server.Domain;
using Meetings.Server.Journal;
using Microsoft.AspNetCore.Diagnostics;

namespace Meetings.Server.Errors;

/// <summary>A thing asked for does not exist, or may not be seen by the one asking.</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>The request clashes with the current state (a duplicate, a lost race).</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>The caller is signed in but may not do this.</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>A refusal for now, with when to ask again (<c>Retry-After</c>).</summary>
public abstract class TryAgainLaterException(string message, TimeSpan retryAfter) : Exception(message)
{
    public string RetryAfterSeconds => Seconds(retryAfter);

    /// <summary>Whole seconds, at least one, as <c>Retry-After</c> wants them.</summary>
    public static string Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The caller's address has asked for this kind of work too often: 429.</summary>
public sealed class TooManyRequestsException(string message, TimeSpan retryAfter) : TryAgainLaterException(message, retryAfter);

/// <summary>The server has too much of this kind of work in hand for now: 503; nothing was changed.</summary>
public sealed class ServerBusyException(string message, TimeSpan retryAfter) : TryAgainLaterException(message, retryAfter);

/// <summary>
/// The one error path: every refusal becomes ProblemDetails. Bad input is 400 with field errors, a
/// broken rule of procedure 409 with the rule's name; nothing a caller sends can cause a 500.
/// </summary>
internal sealed class ProblemHandler(IProblemDetailsService problems, RefusalLog refusals) : IExceptionHandler
{
    public const string Unavailable = "The database could not take this change just now; nothing was changed. Please try again in a moment.";

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, extensions) = exception switch
        {
            // Full, read-only, locked or gone: the write's transaction did not commit, so nothing changed.
            _ when IsDatabaseFailure(exception) => (503, Unavailable, null),
            ServerBusyException => (503, exception.Message, null),
            InvalidInputException e => (400, "The request has invalid fields.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [e.Field] = [e.Message] } }),
            BadHttpRequestException e => (e.StatusCode, BadRequestTitle(e), null),
            MeetingRuleException e => (409, e.Message, new Dictionary<string, object?> { ["rule"] = e.Rule }),
            ConflictException or JournalConflictException => (409, exception.Message, null),
            NotFoundException => (404, exception.Message, null),
            ForbiddenException => (403, exception.Message, null),
            TooManyRequestsException => (429, exception.Message, null),
            _ => (0, "", null),
        };
        if (status == 0) return false;
        if (exception is TryAgainLaterException later)
        {
            refusals.Refused($"{http.Request.Method} {http.Request.Path}", $"{status} {title}");
            http.Response.Headers.RetryAfter = later.RetryAfterSeconds;
        }
        else if (status == 503)
        {
            refusals.Unavailable($"{http.Request.Method} {http.Request.Path}", exception);
            http.Response.Headers.RetryAfter = "5";
        }
        else refusals.Refused($"{http.Request.Method} {http.Request.Path}", $"{status} {title}");
        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Extensions = extensions ?? [] },
        });
    }

    private static bool IsDatabaseFailure(Exception e) =>
        e is System.Data.Common.DbException or Microsoft.EntityFrameworkCore.DbUpdateException
            or Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException
        || (e.InnerException is { } inner && IsDatabaseFailure(inner));

    // The framework's message for unreadable JSON names the parameter and the cause; keep it, it helps.
    private static string BadRequestTitle(BadHttpRequestException e) =>
        e.InnerException is System.Text.Json.JsonException json ? $"The request body is not valid: {json.Message}" : e.Message;
}

public static class ProblemHandlingRegistration
{
    public static IHostApplicationBuilder AddProblemHandling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemHandler>();
        builder.Services.AddSingleton<RefusalLog>();
        // Refusals are logged once, by RefusalLog. SignalR would log each HubException again at Error with a stack
        // trace, and EF Core each failed save (a lost race with another instance among them) before anyone knows
        // whether it is expected: a real failure is logged by whoever catches it (the hub guards, the exception handler, a follower).
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Update", LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Critical);
        builder.Services.AddSingleton<Microsoft.AspNetCore.Routing.MatcherPolicy, OwnedPathsNeverFallBack>();
        // Minimal APIs report unreadable bodies by throwing in Development; report them the same everywhere.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }
}
