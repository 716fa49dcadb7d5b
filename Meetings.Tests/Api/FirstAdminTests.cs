using Meetings.Client.Contracts;
using Meetings.Tests.Support;

namespace Meetings.Tests.Api;

public class FirstAdminTests
{
    [Test]
    public async Task TheFirstAdministrator_ComesFromConfiguration_AndCanSignIn()
    {
        using var host = new TestHost(settings: new Dictionary<string, string?>
        {
            ["Admin:Email"] = "it@city.example.gov", ["Admin:Password"] = "a long passphrase for it",
        });
        var client = host.Anonymous();
        var signIn = await client.PostAsync("/api/auth/login?useCookies=true",
            System.Net.Http.Json.JsonContent.Create(new { email = "it@city.example.gov", password = "a long passphrase for it" }));
        Assert.That(signIn.IsSuccessStatusCode, Is.True);
        var me = await client.Get<UserInfo>("/api/auth/me");
        Assert.That(me.Roles, Is.EqualTo(new[] { "Admin" }));
    }

    [Test]
    public async Task TheCreateAdminVerb_MakesAnAdministrator_AndRefusesAWeakPassword()
    {
        var folder = TestHost.NewFolder();
        var server = Path.Combine(AppContext.BaseDirectory, "Meetings.Server.dll");

        var (ok, _) = await Run(server, folder, "create-admin", "verb@city.example.gov", "another long passphrase");
        var (weak, error) = await Run(server, folder, "create-admin", "weak@city.example.gov", "short");

        Assert.That(ok, Is.Zero);
        Assert.That(weak, Is.Not.Zero);
        Assert.That(error, Does.Contain("at least 10 characters"));
        using var host = new TestHost(folder);
        var client = host.Anonymous();
        var signIn = await client.PostAsync("/api/auth/login?useCookies=true",
            System.Net.Http.Json.JsonContent.Create(new { email = "verb@city.example.gov", password = "another long passphrase" }));
        Assert.That(signIn.IsSuccessStatusCode, Is.True);
        Assert.That((await client.Get<UserInfo>("/api/auth/me")).Roles, Is.EqualTo(new[] { "Admin" }));
    }

    private static async Task<(int Exit, string Error)> Run(string server, string folder, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(server);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["Data__Folder"] = folder;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await error);
    }
}
