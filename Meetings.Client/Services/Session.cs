using System.Net.Http.Json;
using Meetings.Client.Contracts;

namespace Meetings.Client.Services;

/// <summary>Who is signed in (cookies, through the server's /api/auth endpoints). Residents never need to be.</summary>
public sealed class Session(HttpClient http, Api api)
{
    public UserInfo? User { get; private set; }
    public bool Loaded { get; private set; }
    public event Action? Changed;

    public bool IsClerk => User?.Roles.Any(r => r is "Clerk" or "Admin") == true;
    public bool IsOfficial => User?.Roles.Contains("Official") == true;

    public async Task LoadAsync()
    {
        if (Loaded) return;
        User = await api.GetAsync<UserInfo>("/api/auth/me");
        Loaded = true;
        Changed?.Invoke();
    }

    public async Task<string?> SignInAsync(string email, string password)
    {
        var response = await http.PostAsJsonAsync("/api/auth/login?useCookies=true", new { email, password });
        if (!response.IsSuccessStatusCode) return response.StatusCode == System.Net.HttpStatusCode.Unauthorized ? "signin.failed" : "signin.error";
        Loaded = false;
        await LoadAsync();
        return null;
    }

    public async Task SignOutAsync()
    {
        await http.PostAsync("/api/auth/logout", null);
        User = null;
        Changed?.Invoke();
    }
}
