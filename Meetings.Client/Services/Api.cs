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

    /// <summary>Sends a request; null when it worked, else the server's explanation.</summary>
    public async Task<string?> SendAsync(HttpMethod method, string url, object? body = null) =>
        await Explain(await http.SendAsync(new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body, options: Json) }));

    /// <summary>Posts a file as a form (<c>file</c> and the given fields); null when it worked, else the server's explanation.</summary>
    public async Task<string?> UploadAsync(string url, Stream file, string fileName, IReadOnlyDictionary<string, string> fields)
    {
        using var form = new MultipartFormDataContent { { new StreamContent(file), "file", fileName } };
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return await Explain(await http.PostAsync(url, form));
    }

    private static async Task<string?> Explain(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return null;
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
