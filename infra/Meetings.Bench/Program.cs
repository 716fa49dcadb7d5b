using System.Globalization;
using Meetings.Bench;

// infra/bench.sh runs this against a published Meetings on loopback:
//   Meetings.Bench --server http://127.0.0.1:5077 --prepare-only       (the meeting in session, a speaker on the floor)
//   Meetings.Bench --server http://127.0.0.1:5077 --server-pid-file artifacts/bench/server.pid --prepared [--viewers 1000,10000] [--fanout 30] [--flood-rate 100] [--flood-seconds 8] [--call-rate 2]
//   Meetings.Bench --server http://127.0.0.1:5077 --prepared --hold --viewers 5000 --minutes 15  (viewers held idle, to profile the server)
// and, inside it, the raw WebSocket baseline as a process of its own: Meetings.Bench baseline --port 5078
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
string Option(string name, string fallback) => options.GetValueOrDefault(name, fallback);

if (args.FirstOrDefault() == "baseline")
{
    await Baseline.RunAsync(int.Parse(Option("port", "5078"), CultureInfo.InvariantCulture));
    return 0;
}

var hearing = new Hearing(
    new Uri(Option("server", "http://127.0.0.1:5077")),
    Option("server-pid-file", "server.pid"),
    [.. Option("viewers", "1000,10000").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).Order()],
    int.Parse(Option("fanout", "30"), CultureInfo.InvariantCulture),
    int.Parse(Option("flood-rate", "100"), CultureInfo.InvariantCulture),
    int.Parse(Option("flood-seconds", "8"), CultureInfo.InvariantCulture),
    int.Parse(Option("call-rate", "2"), CultureInfo.InvariantCulture),
    int.Parse(Option("baseline-port", "5078"), CultureInfo.InvariantCulture),
    options.ContainsKey("prepared"));
// Bounded: whatever happens, the run ends within its time.
using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(int.Parse(Option("minutes", "20"), CultureInfo.InvariantCulture)));
if (options.ContainsKey("hold")) return await hearing.HoldAsync(deadline.Token);
return options.ContainsKey("prepare-only") ? await hearing.PrepareOnlyAsync(deadline.Token) : await hearing.RunAsync(deadline.Token);
