using Microsoft.AspNetCore.Routing.Matching;

namespace Meetings.Server.Errors;

public static class Fallbacks
{
    /// <summary>
    /// What a path no endpoint owns gets: under <c>/api</c> a 404 ProblemDetails, elsewhere the web client's
    /// index.html (the client routes it). A path an endpoint does own never falls back (see <see cref="OwnedPathsNeverFallBack"/>):
    /// a POST there with the wrong content type is 415 and with the wrong method 405, as HTTP says.
    /// </summary>
    public static void MapClientPages(this WebApplication app)
    {
        // Handed over as a Delegate, so the request delegate generator leaves this call to routing's own MapFallback:
        // with the generated one, a POST of text to /api/meetings was answered 404, not 415, and a DELETE there 404,
        // not 405: the generated fallback's endpoint had order 0, not the last order that MapFallback gives it and that
        // OwnedPathsNeverFallBack looks for (seen by listing the endpoints, 2026-11-28).
        Delegate noSuchEndpoint = () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such endpoint.");
#pragma warning disable RDG002 // Left to routing on purpose (above).
        app.MapGroup("/api").MapFallback(noSuchEndpoint);
#pragma warning restore RDG002
        app.MapFallbackToFile("index.html");
    }
}

/// <summary>
/// Routing considers a catch-all fallback beside the real endpoints of a path, and then prefers it to refusing
/// with 415 or 405 when the real ones do not take the request's content type or method. This policy drops the
/// fallbacks wherever a real endpoint could match, before those checks run, so they only catch what nothing owns.
/// </summary>
internal sealed class OwnedPathsNeverFallBack : MatcherPolicy, INodeBuilderPolicy
{
    // Before the HTTP method policy (-1000) and the content type policy (-100).
    public override int Order => -1001;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(IsFallback) && !endpoints.All(IsFallback);

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints) =>
        [new PolicyNodeEdge(true, endpoints.Where(e => !IsFallback(e)).ToList())];

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges) => new Always(edges[0].Destination);

    // MapFallback (ours, and the static files' own) gives its endpoint the last order there is.
    private static bool IsFallback(Endpoint e) => e is RouteEndpoint { Order: int.MaxValue };

    private sealed class Always(int destination) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext) => destination;
    }
}
