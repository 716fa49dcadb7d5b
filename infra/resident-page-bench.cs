#:package Microsoft.Playwright
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Measures what a resident's phone on a weak connection gets from a running server, for infra/bench.sh:
//   dotnet run infra/resident-page-bench.cs -- http://127.0.0.1:5000 /meetings/<id>
// Debian's Chromium, throttled through the DevTools protocol (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip), with an
// empty cache. Prints the bytes before first content, the bytes of the whole first visit, and the times to first paint
// and to the page's <h1> (the meeting's title). Run it against a published build: a debug build is many times larger.
using System.Diagnostics;
using Microsoft.Playwright;

if (args.Length < 2) { Console.Error.WriteLine("usage: resident-page-bench.cs <base url> <path> [runs]"); return 2; }
var (baseUrl, path, runs) = (args[0], args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = "/usr/bin/chromium", Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
Console.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.MachineName}, {Environment.ProcessorCount} cores: {baseUrl}{path}, 1.6 Mbit/s down, 150 ms RTT, 360 × 740");
for (var run = 1; run <= runs; run++)
{
    await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 360, Height = 740 } });
    var page = await context.NewPageAsync();
    var cdp = await context.NewCDPSessionAsync(page);
    long wire = 0;
    var wasm = false;
    cdp.Event("Network.loadingFinished").OnEvent += (_, e) => Interlocked.Add(ref wire, (long)e!.Value.GetProperty("encodedDataLength").GetDouble());
    cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) => wasm |= e!.Value.GetProperty("request").GetProperty("url").GetString()!.Contains("/_framework/");
    await cdp.SendAsync("Network.enable");
    await cdp.SendAsync("Network.setCacheDisabled", new() { ["cacheDisabled"] = true });
    await cdp.SendAsync("Network.emulateNetworkConditions", new()
    {
        ["offline"] = false, ["latency"] = 150, ["downloadThroughput"] = 1_600_000 / 8, ["uploadThroughput"] = 750_000 / 8,
    });
    var watch = Stopwatch.StartNew();
    await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit, Timeout = 120_000 });
    await page.Locator("h1").First.WaitForAsync(new() { Timeout = 120_000 });
    var title = watch.ElapsedMilliseconds;
    await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new() { Timeout = 120_000 });
    var paint = await page.EvaluateAsync<double[]>("""
        () => {
          const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Infinity;
          const page = performance.getEntriesByType('navigation')[0];
          return [fcp, performance.getEntriesByType('resource').filter(r => r.responseEnd <= fcp).reduce((sum, r) => sum + r.transferSize, page.transferSize)];
        }
        """);
    Console.WriteLine($"run {run}: before first content {paint[1] / 1000:0.0} KB, whole first visit {Interlocked.Read(ref wire) / 1000:0.0} KB{(wasm ? " (WebAssembly)" : "")}, " +
                      $"first paint {paint[0]:0} ms, title visible {title} ms");
}
return 0;
