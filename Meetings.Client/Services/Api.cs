using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meetings.Client.Services;

/// <summary>The REST API, with problems turned into messages a person can read.</summary>
public sealed class Api(HttpClient http)
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public async Task<T?> GetAsync<T>(string url)
    {
        var response = await http.GetAsync(url);
        if (!response.IsSuccessStatusCode) return default;
        return await response.Content.ReadFromJsonAsync<T>(Json);
    }

    /// <summary>Posts and reads the answer; or, when refused, the server's explanation.</summary>
    public async Task<(T? Answer, string? Problem)> PostAsync<T>(string url, object body)
    {
        var response = await http.PostAsJsonAsync(url, body, Json);
        if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync<T>(Json), null);
        return (default, await ProblemAsync(response));
    }

    /// <summary>Sends a request; null when it worked, else the server's explanation.</summary>
    public async Task<string?> SendAsync(HttpMethod method, string url, object? body = null)
    {
        var response = await http.SendAsync(new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body, options: Json) });
        return response.IsSuccessStatusCode ? null : await ProblemAsync(response);
    }

    private static async Task<string?> ProblemAsync(HttpResponseMessage response)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
            return problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                ? string.Join(" ", errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(v => v.GetString())))
                : problem.TryGetProperty("title", out var title) ? title.GetString() : response.ReasonPhrase;
        }
        catch (JsonException)
        {
            return response.ReasonPhrase;
        }
    }
}
