using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Api;

/// <summary>
/// A schema-driven fuzzer. It reads <c>/openapi/v1.json</c> and sends every operation, as an anonymous visitor
/// and as an administrator, what a careless or hostile client would: nulls and wrong types in every field, huge
/// strings, dates at the ends of time, numbers past their type, ids that do not exist or are not ids, bodies
/// that are not objects or not JSON. No answer may be a 5xx, and every answer must be one the document lists
/// for that operation. Bounded by construction (a few thousand requests); the counts go to
/// <c>artifacts/fuzz-summary.txt</c> for the README.
/// </summary>
[NonParallelizable]
public class OpenApiFuzzTests
{
    // Every fuzzed request comes through the (trusted, loopback) proxy from this address, so the sign-in
    // throttle it trips never touches the test's own sign-ins.
    private const string FuzzAddress = "203.0.113.99";

    [Test]
    public async Task EveryOperation_AnswersFuzzedInput_WithoutAServerError_AndOnlyWithStatusesItDocuments()
    {
        // Subscriptions are rate-limited per address; lifted here so the fuzzer reaches their checks (the limit has its own tests).
        using var host = new TestHost(settings: new Dictionary<string, string?> { ["Subscriptions:PerMinute"] = "1000000" });
        var admin = await host.SignInAsync(Demo.Admin);
        var meeting = await admin.DemoMeeting();
        var body = await admin.DemoBody();
        var document = JsonNode.Parse(await host.Anonymous().GetStringAsync("/openapi/v1.json"))!;
        var inputs = new Inputs(document, meeting, body, host.Clock.GetUtcNow());

        var outcomes = new List<(string Who, Operation Op, string Input, int Status, string Body)>();
        foreach (var who in new[] { "anonymous", "admin" })
        {
            var client = who == "admin" ? admin : host.Anonymous();
            foreach (var op in inputs.Operations())
                foreach (var (input, request) in inputs.For(op))
                {
                    request.Headers.Add("X-Forwarded-For", FuzzAddress);
                    HttpResponseMessage response;
                    try { response = await client.SendAsync(request); }
                    catch (HttpRequestException e) { throw new InvalidOperationException($"{who} {op} with {input}: {e.Message}", e); }
                    var text = await response.Content.ReadAsStringAsync();
                    outcomes.Add((who, op, input, (int)response.StatusCode, text.Length <= 300 ? text : text[..300]));
                    // Signing out ends the administrator's session; sign in again so the rest is still fuzzed as one.
                    if (who == "admin" && op.Path == "/api/auth/logout" && response.IsSuccessStatusCode) client = await host.SignInAsync(Demo.Admin);
                }
        }

        var serverErrors = outcomes.Where(o => o.Status >= 500).Select(o => $"{o.Who} {o.Op} with {o.Input}: {o.Status} {o.Body}").ToList();
        var undocumented = outcomes.Where(o => !o.Op.Documented.Contains(o.Status))
            .GroupBy(o => (o.Op.ToString(), o.Status)).Select(g => $"{g.Key.Item1} answered {g.Key.Status}, not in the document (e.g. {g.First().Who} with {g.First().Input})").ToList();
        await WriteSummary(outcomes.Count, outcomes.Count(o => o.Status >= 500), inputs.Operations().Count(),
            outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));

        Assert.That(serverErrors, Is.Empty);
        Assert.That(undocumented, Is.Empty);
        Assert.That(outcomes, Has.Count.GreaterThan(1000), "the fuzzer reached every operation");
        Assert.That(outcomes.Count(o => o.Status < 300), Is.GreaterThan(50), "some inputs were valid, so the checks behind them ran too");
    }

    private static async Task WriteSummary(int requests, int serverErrors, int operations, IEnumerable<string> byStatus)
    {
        var folder = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "artifacts");
        Directory.CreateDirectory(folder);
        await File.WriteAllLinesAsync(Path.Combine(folder, "fuzz-summary.txt"),
            [$"{requests} requests to {operations} operations, as anonymous and as admin; {serverErrors} answered 5xx", .. byStatus]);
    }

    internal sealed record Operation(string Method, string Path, JsonObject Spec, IReadOnlySet<int> Documented)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    /// <summary>Builds the requests: first a valid one, then one fault at a time in the path, the query and the body.</summary>
    private sealed class Inputs(JsonNode document, MeetingDetail meeting, BodyDto body, DateTimeOffset now)
    {
        private static readonly string Huge = new('x', 20_000);

        private static readonly string[] BadIds = [Guid.NewGuid().ToString(), "not-a-guid", "00000000-0000-0000-0000-000000000000", new('7', 3000), "%00", "..%2F..%2Fetc"];

        private static readonly string[] BadQueries = ["", "-1", "abc", "99999999999999999999", Huge[..3000], "null", "%00"];

        private static readonly string[] BadBodies =
        [
            "null", "[]", "\"text\"", "123", "true", "{", "{}", "{\"a\":}", new string('[', 200) + new string(']', 200),
            "{\"x\":" + new string('[', 100) + new string(']', 100) + "}", "\u0000", "{\"title\":\"\\ud800\"}",
        ];

        private static readonly string[] BadDates =
        [
            "0001-01-01T00:00:00", "9999-12-31T23:59:59", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00",
            "2026-02-30T25:61:00", "yesterday", "1e10", "-1",
        ];

        /// <summary>Reads first, writes after, and what ends things (deleting, cancelling, signing out) last, so most inputs meet a live meeting.</summary>
        public IEnumerable<Operation> Operations() =>
            document["paths"]!.AsObject()
                .SelectMany(p => p.Value!.AsObject().Select(o => new Operation(o.Key.ToUpperInvariant(), p.Key, o.Value!.AsObject(),
                    o.Value!["responses"]!.AsObject().Select(r => int.Parse(r.Key, CultureInfo.InvariantCulture)).ToHashSet())))
                .OrderBy(o => o.Method == "GET" ? 0 : o.Method == "DELETE" || o.Path.EndsWith("/cancel", StringComparison.Ordinal) ? 2 : o.Path.EndsWith("/logout", StringComparison.Ordinal) ? 3 : 1)
                .ThenBy(o => o.Path, StringComparer.Ordinal);

        public IEnumerable<(string Input, HttpRequestMessage Request)> For(Operation op)
        {
            var pathParams = Parameters(op, "path").ToList();
            var queryParams = Parameters(op, "query").ToList();
            var schema = op.Spec["requestBody"]?["content"]?["application/json"]?["schema"] is { } s ? Resolve(s) : null;
            var validPath = pathParams.ToDictionary(p => p, p => ValidId(op.Path, p));
            var validQuery = queryParams.ToDictionary(q => q, q => ValidQuery(q));
            var validBody = schema is null ? null : Baseline(schema, SchemaName(op)).ToJsonString();

            yield return ("valid input", Request(op, validPath, validQuery, validBody));
            foreach (var p in pathParams)
                foreach (var bad in BadIds)
                    yield return ($"path {p}={Short(bad)}", Request(op, With(validPath, p, bad), validQuery, validBody));
            foreach (var q in queryParams)
                foreach (var bad in BadQueries.Append(null))
                    yield return ($"query {q}={Short(bad ?? "(missing)")}", Request(op, validPath, With(validQuery, q, bad), validBody));
            if (schema is null) yield break;
            foreach (var bad in BadBodies)
                yield return ($"body {Short(bad)}", Request(op, validPath, validQuery, bad));
            foreach (var (name, property) in Properties(schema))
                foreach (var bad in Faults(property))
                {
                    var faulty = Baseline(schema, SchemaName(op));
                    faulty[name] = bad?.DeepClone();
                    yield return ($"body {name}={Short(bad?.ToJsonString() ?? "null")}", Request(op, validPath, validQuery, faulty.ToJsonString()));
                }
        }

        private IEnumerable<JsonNode?> Faults(JsonNode property)
        {
            var types = Types(property);
            yield return null;
            yield return "";
            yield return "   ";
            yield return "\u0000\u202E\uD83D\uDE00 <script>alert(1)</script> ' OR 1=1 --";
            yield return Huge;
            yield return new JsonObject { ["nested"] = Huge[..100] };
            yield return new JsonArray(1, "two", null);
            if (!types.Contains("integer")) yield return 42;
            if (!types.Contains("boolean")) yield return true;
            if (types.Contains("integer"))
                foreach (var n in new JsonNode[] { -1, 0, int.MaxValue, int.MinValue, 2147483648L, 1.5, JsonNode.Parse("1e308")!, "12abc" }) yield return n;
            if (types.Contains("boolean")) yield return "yes";
            if (property["format"]?.GetValue<string>() == "date-time") foreach (var d in BadDates) yield return d;
            if (property["format"]?.GetValue<string>() == "uuid") foreach (var id in BadIds[..3]) yield return id;
            // One level down: a valid object with each of its fields broken.
            if (Resolve(property) is JsonObject nested && nested["properties"] is not null)
                foreach (var (name, inner) in Properties(nested))
                    foreach (var bad in new JsonNode?[] { null, "x", -1, Huge[..500] })
                    {
                        var obj = Baseline(nested, "");
                        obj[name] = bad?.DeepClone();
                        yield return obj;
                    }
        }

        private static HttpRequestMessage Request(Operation op, Dictionary<string, string> path, Dictionary<string, string?> query, string? json)
        {
            var url = path.Aggregate(op.Path, (u, p) => u.Replace("{" + p.Key + "}", p.Value, StringComparison.Ordinal));
            var q = string.Join('&', query.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value!)}"));
            return new HttpRequestMessage(new HttpMethod(op.Method), q.Length > 0 ? $"{url}?{q}" : url)
            {
                Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
            };
        }

        private string ValidId(string path, string name) => name switch
        {
            "itemId" => meeting.Agenda[^1].Id.ToString(),
            "seatId" => body.Seats[^1].Id.ToString(),
            _ when path.StartsWith("/api/bodies", StringComparison.Ordinal) => body.Id.ToString(),
            _ => meeting.Meeting.Id.ToString(),
        };

        private string? ValidQuery(string name) => name switch
        {
            "bodyId" => body.Id.ToString(),
            "after" => "0",
            "token" => "no-such-token",
            _ => "1",
        };

        /// <summary>A plausible valid body for the schema, so that each fault is the only thing wrong.</summary>
        private JsonObject Baseline(JsonNode schema, string schemaName)
        {
            var result = new JsonObject();
            foreach (var (name, property) in Properties(schema))
            {
                var types = Types(property);
                var format = property["format"]?.GetValue<string>();
                result[name] = (name, format) switch
                {
                    ("bodyId", _) => body.Id.ToString(),
                    ("parentId", _) or ("amendsMotionId", _) => null,
                    (_, "uuid") => Guid.NewGuid().ToString(),
                    (_, "date-time") => now.AddDays(30).ToString("yyyy-MM-dd'T'18:00:00", CultureInfo.InvariantCulture),
                    ("email", _) or ("officialEmail", _) => "fuzz@example.invalid",
                    ("phone", _) => "+15035550100",
                    ("language", _) => "en",
                    ("role", _) => "Clerk",
                    ("timeZone", _) => "America/Los_Angeles",
                    ("password", _) => "fuzz-password-1",
                    ("kind", _) => schemaName.StartsWith("Agenda", StringComparison.Ordinal) ? "Discussion" : "Special",
                    ("reminderHours", _) => "24,1",
                    ("lateNoticeReason", _) => null,
                    ("regular", _) => 72, ("special", _) => 24, ("emergency", _) => 1,
                    ("position", _) => 1,
                    _ when types.Contains("integer") => 2,
                    _ when types.Contains("boolean") => false,
                    _ when Resolve(property) is JsonObject o && o["properties"] is not null => Baseline(o, ""),
                    _ => "Fuzz text",
                };
            }
            return result;
        }

        private static IEnumerable<string> Parameters(Operation op, string where) =>
            (op.Spec["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == where).Select(p => p!["name"]!.GetValue<string>());

        private IEnumerable<(string Name, JsonNode Schema)> Properties(JsonNode schema) =>
            (Resolve(schema)["properties"]?.AsObject() ?? []).Select(p => (p.Key, p.Value!));

        private static HashSet<string> Types(JsonNode property) => property["type"] switch
        {
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToHashSet(),
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };

        /// <summary>Follows a $ref, and takes the non-null branch of a nullable oneOf.</summary>
        private JsonNode Resolve(JsonNode schema)
        {
            if (schema["$ref"]?.GetValue<string>() is { } reference)
                return Resolve(document["components"]!["schemas"]![reference.Split('/')[^1]]!);
            if (schema["oneOf"] is JsonArray options && options.FirstOrDefault(o => o!["type"]?.ToString() != "null") is { } chosen)
                return Resolve(chosen);
            return schema;
        }

        private static string SchemaName(Operation op) =>
            op.Spec["requestBody"]?["content"]?["application/json"]?["schema"]?.ToJsonString() is { } s && s.Contains("AgendaItemRequest", StringComparison.Ordinal)
                ? "AgendaItemRequest" : "";

        private static Dictionary<string, T> With<T>(Dictionary<string, T> values, string key, T value) => new(values) { [key] = value };

        private static string Short(string text) => text.Length <= 40 ? text : $"{text[..30]}…({text.Length})";
    }
}
