using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meetings.Bench;

/// <summary>
/// A contested public hearing, scripted: a clerk runs public comment on an item with a speaker on the floor, viewers
/// join by the thousand, residents sign up on the web and by phone (*9), the clerk extends the turn, and the council
/// votes on motions meanwhile. Each measurement is taken against Meetings and,
/// where it has a counterpart, against the raw WebSocket baseline with the same viewers and the same bytes.
/// </summary>
internal sealed class Hearing(Uri server, string serverPidFile, int[] viewerSteps, int fanoutCommands, int floodRate, int floodSeconds, int callRate, int baselinePort, bool prepared)
{
    // The flood is thousands of residents, not a script: 200 sign-ups a second over 400 connections on 250 addresses is
    // half a sign-up a second each and at most one a second an address, well inside the hub's limits for a resident
    // (2 a second a connection, 20 an address), so the bench measures the server, not its rate limits. With 100
    // connections on 10 addresses it ran at exactly both limits, and a stall in the load generator could be refused.
    private const int Signers = 400;
    private readonly Dictionary<string, object?> _result = new();
    private readonly Dictionary<int, List<byte[]>> _fanoutFrames = new();
    private readonly List<(TimeSpan At, byte[] Frame)> _floodFrames = [];
    private readonly List<HubSocket> _signers = [];
    private HubSocket _clerk = null!, _probe = null!;
    private Guid _meeting, _item;
    private string _accessCode = "";
    private long _last;
    private int _signUps, _errors;
    private long _idleRss;
    private readonly HashSet<string> _problems = [];

    private void Problem(Exception e)
    {
        Interlocked.Increment(ref _errors);
        lock (_problems) if (_problems.Count < 5) _problems.Add(e.Message.Length > 160 ? e.Message[..160] : e.Message);
    }

    /// <summary>The server's process now: bench.sh's supervisor writes it, and starts it again when it stops.</summary>
    private int ServerPid => int.Parse(File.ReadAllText(serverPidFile).Trim(), CultureInfo.InvariantCulture);

    private Uri Hub => new(server.ToString().Replace("http", "ws", StringComparison.Ordinal).TrimEnd('/') + "/hubs/meeting");

    public async Task<int> RunAsync(CancellationToken ct)
    {
        _result["machine"] = $"{Environment.ProcessorCount} cores, {Cpu()}";
        _result["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        try
        {
            await PrepareAsync(ct);
            await MeetingsAsync(ct);
            await BaselineAsync(ct);
        }
        catch (Exception e)
        {
            Console.WriteLine($"stopped early: {e.GetType().Name}: {e.Message}");
            _errors++;
        }
        foreach (var n in viewerSteps)
            if (_result.TryGetValue($"fanout_p50_ms_{n}", out var m) && _result.TryGetValue($"baseline_fanout_p50_ms_{n}", out var b) && b is double bd && bd > 0)
            {
                _result[$"fanout_ratio_p50_{n}"] = Math.Round((double)m! / bd, 2);
                _result[$"fanout_ratio_p99_{n}"] = Math.Round((double)_result[$"fanout_p99_ms_{n}"]! / (double)_result[$"baseline_fanout_p99_ms_{n}"]!, 2);
            }
        // The issue's headline names: the figures at the most viewers.
        var top = viewerSteps[^1];
        foreach (var key in new[] { "fanout_p50_ms", "fanout_p99_ms", "baseline_fanout_p50_ms", "baseline_fanout_p99_ms", "fanout_ratio_p50", "fanout_ratio_p99",
                     "rss_per_viewer_kb", "baseline_rss_per_viewer_kb", "rss_per_viewer_3s_kb", "baseline_rss_per_viewer_3s_kb", "server_rss_mb",
                     "signup_p50_ms", "signup_p99_ms", "command_p50_ms", "command_p99_ms", "viewer_lag_p99_ms", "baseline_viewer_lag_p99_ms", "missed_after_flood", "server_rss_peak_mb",
                     "reconnect_all_back_s", "reconnect_back", "reconnect_p50_s", "reconnect_p99_s", "server_rss_after_flood_mb", "server_rss_back_to_idle_s",
                     "server_rss_before_flood_mb", "server_rss_back_to_before_flood_s" })
            if (_result.TryGetValue($"{key}_{top}", out var value)) _result[key] = value;
        if (_probe?.Kept is { IsEmpty: false } kept)
        {
            _result["update_bytes_p50"] = Stats.Percentile(kept.Values.Select(b => (double)b.Length), 0.5);
            _result["update_bytes_max"] = kept.Values.Max(b => b.Length);
        }
        _result["errors"] = _errors;
        lock (_problems) if (_problems.Count > 0) _result["problems"] = _problems.ToArray();
        Console.WriteLine(JsonSerializer.Serialize(_result));
        return 0;
    }

    /// <summary>The clerk opens public comment on an item, calls a room speaker and starts the turn; a probe viewer keeps whole updates.</summary>
    public async Task<int> PrepareOnlyAsync(CancellationToken ct)
    {
        await OpenHearingAsync(ct);
        await _clerk.DisposeAsync();
        return 0;
    }

    /// <summary>For profiling: joins the viewers and holds them, idle, until the run's time is up.</summary>
    public async Task<int> HoldAsync(CancellationToken ct)
    {
        await OpenHearingAsync(ct);
        await _clerk.DisposeAsync();
        await using var crowd = new Crowd();
        await crowd.GrowAsync(viewerSteps[^1], i => JoinedViewerAsync(i, ct), parallel: 100, ct);
        Console.WriteLine($"holding {crowd.Count:N0} viewers");
        await PingEvery(crowd, ct);
        return 0;
    }

    /// <summary>Viewer number <paramref name="i"/>, from its own loopback address, joined to the hearing.</summary>
    private async Task<HubSocket> JoinedViewerAsync(int i, CancellationToken ct)
    {
        var viewer = await HubSocket.ConnectAsync(Hub, Crowd.Address(i), null, signalR: true, i, ct);
        await viewer.InvokeAsync("Join", $"[\"{_meeting}\",null]", ct);
        return viewer;
    }

    private async Task PrepareAsync(CancellationToken ct)
    {
        await OpenHearingAsync(ct);
        _probe = await HubSocket.ConnectAsync(Hub, IPAddress.Loopback, null, signalR: true, -2, ct);
        _probe.Kept = new();
        var joined = await _probe.InvokeAsync("Join", $"[\"{_meeting}\",null]", ct);
        _last = Math.Max(_last, joined.Number("\"sequence\":") ?? 0);
        _result["join_bytes_0"] = joined.Size;
        for (var i = 0; i < Signers; i++)
            _signers.Add(await HubSocket.ConnectAsync(Hub, Crowd.Address(1000 + i), null, signalR: true, -3 - i, ct));
        await UpdateSizesAsync(0, ct);
    }

    private async Task OpenHearingAsync(CancellationToken ct)
    {
        var jar = new CookieContainer();
        using var http = await Council.SignedInAsync(server, "clerk@demo.city", "Meetings-demo-2026", ct, jar);
        _meeting = prepared
            ? (await http.GetFromJsonAsync<JsonArray>("/api/meetings", ct))!.Single(m => m!["title"]!.GetValue<string>() == Council.HearingTitle)!["id"]!.GetValue<Guid>()
            : await Council.ConveneAsync(server, ct);
        var detail = await http.GetFromJsonAsync<JsonObject>($"/api/meetings/{_meeting}", ct);
        _accessCode = detail!["accessCode"]!.GetValue<string>();
        var agenda = detail!["agenda"]!.AsArray();
        _item = agenda[Math.Min(2, agenda.Count - 1)]!["id"]!.GetValue<Guid>();

        _clerk = await HubSocket.ConnectAsync(Hub, IPAddress.Loopback, jar.GetCookieHeader(server), signalR: true, -1, ct);
        await _clerk.InvokeAsync("Join", $"[\"{_meeting}\",null]", ct);
        if (prepared) return;
        await Command("StartMeeting", $"[\"{_meeting}\"]", ct);
        await Command("OpenItem", $"[\"{_meeting}\",\"{_item}\"]", ct);
        await Command("OpenPublicComment", $"[\"{_meeting}\",\"{_item}\"]", ct);
        var entry = (await _clerk.InvokeAsync("AddRoomSpeaker", $"[\"{_meeting}\",\"{_item}\",\"Room speaker\",null,false]", ct)).Prefix;
        var entryId = entry[(entry.IndexOf("\"result\":\"", StringComparison.Ordinal) + 10)..][..36];
        await Command("CallNextSpeaker", $"[\"{_meeting}\",\"{_item}\"]", ct);
        await Command("StartTurn", $"[\"{_meeting}\",\"{entryId}\"]", ct);
        await Command("ExtendTurn", $"[\"{_meeting}\",3600]", ct);
        await Council.RollCallAsync(http, _clerk, _meeting, ct);
    }

    private async Task<long> Command(string target, string arguments, CancellationToken ct)
    {
        var answer = await _clerk.InvokeAsync(target, arguments, ct);
        var sequence = answer.Number("\"sequence\":") ?? 0;
        if (sequence > _last) _last = sequence;
        return sequence;
    }

    private async Task<TimeSpan> SignUpAsync(int n, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var signer = _signers[n % _signers.Count];
        await signer.InvokeAsync("SignUpToSpeak",
            $"[\"{_meeting}\",\"bench-{Guid.NewGuid():N}\",{{\"itemId\":\"{_item}\",\"name\":\"Resident {n}\"}}]", ct);
        Interlocked.Increment(ref _signUps);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>The bytes one viewer gets for a sign-up and for a turn extended, with <paramref name="queued"/> speakers in line.</summary>
    private async Task UpdateSizesAsync(int queued, CancellationToken ct)
    {
        while (_signUps < queued)
            await Task.WhenAll(Enumerable.Range(_signUps, Math.Min(Signers, queued - _signUps)).Select(n => SignUpAsync(n, ct)));
        long signUp = -1, extended = -1;
        // One change each, not several merged for a screen that fell behind: try again until the update holds one.
        for (var attempt = 0; attempt < 5 && (signUp < 0 || extended < 0); attempt++)
        {
            await LatestAsync(ct);
            await SignUpAsync(_signUps, ct);
            if (signUp < 0) signUp = await ProbeRecord(await LatestAsync(ct), ct);
            if (extended < 0) extended = await ProbeRecord(await Command("ExtendTurn", $"[\"{_meeting}\",1]", ct), ct);
        }
        _result[$"update_bytes_signup_{queued}"] = signUp;
        _result[$"update_bytes_turn_{queued}"] = extended;
        Console.WriteLine($"update size with {_signUps} speakers in line: sign-up {signUp:N0} B, turn extended {extended:N0} B");
    }

    /// <summary>The sequence the probe reaches once things are quiet.</summary>
    private async Task<long> LatestAsync(CancellationToken ct)
    {
        long seen;
        do
        {
            seen = _probe.Sequence;
            await Task.Delay(300, ct);
        }
        while (_probe.Sequence != seen);
        return seen;
    }

    private async Task<long> ProbeRecord(long sequence, CancellationToken ct)
    {
        var until = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (!_probe.Kept!.ContainsKey(sequence) && Stopwatch.GetTimestamp() < until) await Task.Delay(10, ct);
        if (!_probe.Kept!.TryGetValue(sequence, out var bytes)) return -1;
        var from = HubSocket.Number(bytes.AsSpan(0, Math.Min(bytes.Length, 300)), "\"from\":"u8);
        return from is null || from == sequence - 1 ? bytes.Length : -1;
    }

    private async Task MeetingsAsync(CancellationToken ct)
    {
        await using var crowd = new Crowd();
        using var pinging = new CancellationTokenSource();
        var pings = PingEvery(crowd, pinging.Token);
        var before = Stats.Rss(ServerPid);
        foreach (var n in viewerSteps)
        {
            var cpu = Stats.Cpu(ServerPid);
            var wall = Stopwatch.StartNew();
            var grew = crowd.Count;
            var joins = await crowd.GrowAsync(n, i => JoinedViewerAsync(i, ct), parallel: 100, ct);
            var joined = n - grew;
            _result[$"join_p50_ms_{n}"] = Round(Stats.Percentile(joins, 0.5));
            _result[$"join_server_cpu_ms_per_viewer_{n}"] = Round((Stats.Cpu(ServerPid) - cpu).TotalMilliseconds / joined);
            Console.WriteLine($"{n:N0} viewers: {joined:N0} joined in {wall.Elapsed.TotalSeconds:F1} s, join p50 {Stats.Percentile(joins, 0.5):F1} ms, " +
                $"server CPU {(Stats.Cpu(ServerPid) - cpu).TotalMilliseconds / joined:F2} ms per join");
            var (early, idle) = await IdleAsync(ServerPid, ct);
            _idleRss = idle;
            var perViewer = (idle - before) / 1024.0 / n;
            _result[$"rss_per_viewer_kb_{n}"] = Round(perViewer);
            _result[$"rss_per_viewer_3s_kb_{n}"] = Round((early - before) / 1024.0 / n);
            _result[$"server_rss_mb_{n}"] = Round(idle / 1048576.0);
            Console.WriteLine($"{n:N0} viewers: server memory {idle / 1048576.0:N0} MB a minute after the joins ({early / 1048576.0:N0} MB 3 s after), " +
                $"{perViewer:F1} KB per idle viewer ({(early - before) / 1024.0 / n:F1} KB 3 s after)");

            var (p50, p99, missed) = await FanOutAsync(crowd, n, () => TurnExtended(ct), ct);
            _result[$"fanout_p50_ms_{n}"] = p50;
            _result[$"fanout_p99_ms_{n}"] = p99;
            _result[$"missed_{n}"] = missed;
            Console.WriteLine($"{n:N0} viewers: fan-out p50 {p50} ms, p99 {p99} ms over {fanoutCommands} changes, {missed} viewers missed one");
            _fanoutFrames[n] = [.. Enumerable.Range(0, fanoutCommands).Select(k => _probe.Kept!.GetValueOrDefault(_last - fanoutCommands + 1 + k)).OfType<byte[]>()];
            if (n == viewerSteps[0]) await UpdateSizesAsync(200, ct);
        }
        // Last, so the memory and fan-out above are measured before a flood has grown the server's heap.
        await WatchingThePeakAsync(() => FloodAsync(crowd, ct), crowd.Count, ct);
        await UpdateSizesAsync(1000, ct);
        await SlowScreenAsync(crowd, ct);
        pinging.Cancel();
        await pings;
        await RestartAsync(crowd, ct);
    }

    /// <summary>
    /// A server's memory 3 s after viewers joined, and its idle level: a minute after, as the flood's remainder is read
    /// a minute after it. In between, with nothing sent, Meetings grew by 30-40 MB at 10,000 viewers as its collector
    /// moved the joins' objects into the oldest generation (2026-11-29), so the 3 s reading was not yet the level it
    /// idles at.
    /// </summary>
    private static async Task<(long Early, long Idle)> IdleAsync(int pid, CancellationToken ct)
    {
        var joined = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var early = Stats.Rss(pid);
        await Task.Delay(TimeSpan.FromMinutes(1) - joined.Elapsed, ct);
        return (early, Stats.Rss(pid));
    }

    /// <summary>
    /// The server is killed (SIGKILL) under every viewer and started again by bench.sh's supervisor, as systemd would:
    /// how long until every viewer has joined again (<c>Rejoin</c> with the sequence it held), each trying again as the
    /// resident page and the web client do (<see cref="Crowd.Pause"/>), with at most 500 connecting at once.
    /// </summary>
    private async Task RestartAsync(Crowd crowd, CancellationToken ct)
    {
        var n = crowd.Count;
        var killed = ServerPid;
        var clock = Stopwatch.StartNew();
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime;
        Process.GetProcessById(killed).Kill();
        var started = Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(2) };
            while (true)
            {
                try
                {
                    if (ServerPid != killed && (await http.GetAsync("/healthz", ct)).IsSuccessStatusCode) return clock.Elapsed.TotalSeconds;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException or IOException) { }
                await Task.Delay(50, ct);
            }
        }, ct);
        var back = await crowd.RejoinAsync(async gone =>
        {
            // While the server is down, each try is refused: told without an exception, as cheaply as it costs a
            // resident's browser, so that 10,000 of them do not take this machine's cores from the server's start.
            var connected = await HubSocket.TryConnectAsync(Hub, Crowd.Address(gone.Index));
            if (connected is null) return null;
            var viewer = await HubSocket.ConnectAsync(Hub, Crowd.Address(gone.Index), null, signalR: true, gone.Index, ct, connected: connected);
            // As the resident page does: the sequence it holds, so the answer is what changed since, not the whole meeting.
            var joined = await viewer.InvokeAsync("Rejoin", $"[\"{_meeting}\",null,{Volatile.Read(ref gone.Sequence)}]", ct);
            viewer.Sequence = joined.Number("\"sequence\":") ?? 0;
            return viewer;
        }, parallel: 500, TimeSpan.FromSeconds(120), ct);
        var all = clock.Elapsed.TotalSeconds;
        // The CPU each side spent from the kill until every viewer was back: the new server's since it started.
        _result["restart_server_cpu_s"] = Round(Stats.Cpu(ServerPid).TotalSeconds);
        _result["restart_generator_cpu_s"] = Round((Process.GetCurrentProcess().TotalProcessorTime - ownCpu).TotalSeconds);
        var current = crowd.Viewers.Count(v => v.Sequence >= _last);
        _result["restart_server_up_s"] = Round(await started);
        _result[$"reconnect_all_back_s_{n}"] = back.Count == n ? Round(all) : null;
        _result[$"reconnect_back_{n}"] = back.Count;
        _result[$"reconnect_p50_s_{n}"] = Round(Stats.Percentile(back, 0.5));
        _result[$"reconnect_p99_s_{n}"] = Round(Stats.Percentile(back, 0.99));
        Console.WriteLine($"server killed and started again (up after {_result["restart_server_up_s"]} s): {back.Count:N0} of {n:N0} viewers joined again, " +
            $"all by {all:F1} s (p50 {Stats.Percentile(back, 0.5):F1} s, p99 {Stats.Percentile(back, 0.99):F1} s); {current:N0} hold the latest change; " +
            $"CPU by then: the server {_result["restart_server_cpu_s"]} s, this load generator {_result["restart_generator_cpu_s"]} s");
    }

    /// <summary>The clerk extends the turn by a second: the sequence it will have, and the command that makes it.</summary>
    private Task<(long Sequence, Func<Task<bool>> Send)> TurnExtended(CancellationToken ct)
    {
        var expected = _last + 1;
        return Task.FromResult<(long, Func<Task<bool>>)>((expected, async () => await Command("ExtendTurn", $"[\"{_meeting}\",1]", ct) == expected));
    }

    /// <summary>
    /// One screen reading at 100 KB/s among every viewer: the same kind of change timed for the others without it, then
    /// with it. It asks for the whole meeting every second (a few hundred KB with a thousand speakers in line) and never
    /// waits for the answers, so it falls further behind all along; what it asked for and what it read are in the result.
    /// </summary>
    private async Task SlowScreenAsync(Crowd crowd, CancellationToken ct)
    {
        var n = crowd.Count;
        var (p50, p99, _) = await FanOutAsync(crowd, n, () => TurnExtended(ct), ct);
        var whole = (await _probe.InvokeAsync("Join", $"[\"{_meeting}\",null]", ct)).Size;
        await using var slow = await HubSocket.ConnectAsync(Hub, Crowd.Address(n), null, signalR: true, -4, ct, readBytesPerSecond: 100 * 1024);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var asked = 0;
        var asking = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await slow.SendRawAsync($"{{\"type\":1,\"invocationId\":\"{++asked}\",\"target\":\"Join\",\"arguments\":[\"{_meeting}\",null]}}\u001e", stop.Token);
                await Task.Delay(1000, stop.Token);
            }
        }, stop.Token);
        await Task.Delay(2000, ct);
        var (withP50, withP99, missed) = await FanOutAsync(crowd, n, () => TurnExtended(ct), ct);
        await stop.CancelAsync();
        try { await asking; } catch (OperationCanceledException) { }
        var behindKb = (asked * whole - slow.BytesReceived) / 1024.0;
        _result["slow_screen_fanout_p50_ms"] = withP50;
        _result["slow_screen_fanout_p99_ms"] = withP99;
        _result["slow_screen_without_fanout_p50_ms"] = p50;
        _result["slow_screen_without_fanout_p99_ms"] = p99;
        _result["slow_screen_delay_p99_ms"] = Round(withP99 - p99);
        _result["slow_screen_missed"] = missed;
        _result["slow_screen_behind_kb"] = Round(behindKb);
        _result["slow_screen_closed"] = slow.Closed;
        Console.WriteLine($"{n:N0} viewers and one screen reading 100 KB/s: fan-out p50 {withP50} ms, p99 {withP99} ms (without it just before: {p50} / {p99} ms), " +
            $"{missed} viewers missed one; the slow screen asked for the whole meeting ({whole / 1024:N0} KB) {asked} times, read {slow.BytesReceived / 1024:N0} KB " +
            $"and was about {behindKb:N0} KB behind{(slow.Closed ? "; the server closed it" : "")}");
    }

    /// <summary>One change at a time: a mark just before it, then every viewer must hold it before the next.</summary>
    private async Task<(double P50, double P99, int Missed)> FanOutAsync(Crowd crowd, int n, Func<Task<(long Sequence, Func<Task<bool>> Send)>> change, CancellationToken ct)
    {
        var samples = new List<double>();
        var missed = 0;
        for (var k = 0; k < fanoutCommands; k++)
        {
            var (sequence, send) = await change();
            var mark = crowd.Place(sequence);
            if (!await send()) Problem(new InvalidOperationException($"a fan-out change was refused or did not come back as {sequence}"));
            missed = Math.Max(missed, await crowd.SettleAsync(sequence, TimeSpan.FromSeconds(30)));
            samples.AddRange(mark.Samples);
            await Task.Delay(100, ct);
        }
        return (Round(Stats.Percentile(samples, 0.5)), Round(Stats.Percentile(samples, 0.99)), missed);
    }

    /// <summary>Sign-ups at a steady rate while every viewer watches and the clerk keeps working: how long each waits, and how far viewers lag.</summary>
    private async Task FloodAsync(Crowd crowd, CancellationToken ct)
    {
        var n = crowd.Count;
        var signUps = new List<double>();
        var commands = new List<double>();
        var marks = new List<Mark>();
        var inFlight = new List<Task>();
        var before = Stats.Rss(ServerPid);
        await using var council = await Council.SeatAsync(server, Hub, _meeting, ct);
        var clock = Stopwatch.StartNew();
        // How the machine's cores were shared, from the flood's start until every viewer is current.
        var cores = new CoresShared(ServerPid);
        // What the probe got during the flood, and when, to send the same bytes at the same moments to the baseline.
        var heard = new ConcurrentQueue<(TimeSpan At, long Sequence)>();
        _probe.Updated = (_, sequence, _) => heard.Enqueue((clock.Elapsed, sequence));
        var total = floodRate * floodSeconds;
        var clerk = Task.Run(async () =>
        {
            while (clock.Elapsed.TotalSeconds < floodSeconds)
            {
                var started = Stopwatch.GetTimestamp();
                await Command("ExtendTurn", $"[\"{_meeting}\",1]", ct);
                lock (commands) commands.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                await Task.Delay(250, ct);
            }
        }, ct);
        using var callers = new Callers(server, _accessCode);
        var calls = CallInAsync(callers, clock, ct);
        var votes = Task.Run(async () =>
        {
            while (clock.Elapsed.TotalSeconds < floodSeconds)
            {
                try
                {
                    await council.VoteRoundAsync(_clerk, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Problem(e);
                }
                await Task.Delay(2000, ct);
            }
        }, ct);
        for (var i = 0; i < total; i++)
        {
            await PaceAsync(clock, i, floodRate, ct);
            if (i % (floodRate / 4) == 0)
            {
                marks.Add(crowd.Place(_probe.Sequence > _last ? _probe.Sequence : _last));
            }
            var number = _signUps + i;
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    var took = await SignUpAsync(number, ct);
                    lock (signUps) signUps.Add(took.TotalMilliseconds);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Problem(e);
                }
            }, ct));
        }
        await Task.WhenAll(inFlight);
        await clerk;
        var called = await calls;
        await votes;
        var final = await LatestAsync(ct);
        var settle = Stopwatch.StartNew();
        var behind = await crowd.SettleAsync(final, TimeSpan.FromSeconds(60));
        (_result["flood_server_cores"], _result["flood_generator_cores"]) = cores.Now();
        _probe.Updated = null;
        foreach (var (at, sequence) in heard)
            if (_probe.Kept!.TryGetValue(sequence, out var frame)) _floodFrames.Add((at, frame));
        var lag = marks.SelectMany(m => m.Samples).ToList();
        _result["viewers"] = n;
        _result["signup_rate"] = floodRate;
        _result["signup_seconds"] = floodSeconds;
        _result[$"signup_p50_ms_{n}"] = Round(Stats.Percentile(signUps, 0.5));
        _result[$"signup_p99_ms_{n}"] = Round(Stats.Percentile(signUps, 0.99));
        _result[$"command_p50_ms_{n}"] = Round(Stats.Percentile(commands, 0.5));
        _result[$"command_p99_ms_{n}"] = Round(Stats.Percentile(commands, 0.99));
        _result[$"viewer_lag_p99_ms_{n}"] = Round(Stats.Percentile(lag, 0.99));
        _result["call_rate"] = callRate;
        _result["calls"] = called;
        _result["vote_rounds"] = council.Rounds;
        _result["officials"] = council.Members;
        _result["vote_p50_ms"] = Percentile(council.Times, 0.5);
        _result["vote_p99_ms"] = Percentile(council.Times, 0.99);
        _result["webhook_p50_ms"] = Percentile(callers.Times, 0.5);
        _result["webhook_p99_ms"] = Percentile(callers.Times, 0.99);
        _result[$"missed_after_flood_{n}"] = behind;
        Console.WriteLine($"{n:N0} viewers, {floodRate} sign-ups a second for {floodSeconds} s: sign-up p50 {_result[$"signup_p50_ms_{n}"]} ms, p99 {_result[$"signup_p99_ms_{n}"]} ms; " +
            $"clerk's command p50 {_result[$"command_p50_ms_{n}"]} ms, p99 {_result[$"command_p99_ms_{n}"]} ms; viewer lag p99 {_result[$"viewer_lag_p99_ms_{n}"]} ms; " +
            $"all viewers current {settle.Elapsed.TotalSeconds:F1} s after the last ({behind} not); " +
            $"{called} callers raised a hand by phone meanwhile, webhook p50 {_result["webhook_p50_ms"]} ms, p99 {_result["webhook_p99_ms"]} ms " +
            $"({string.Join(", ", Callers.Paths.Select(p => $"{p} {Percentile(callers.TimesOf(p), 0.5)} / {Percentile(callers.TimesOf(p), 0.99)}"))}); " +
            $"{council.Rounds} motions voted on by the council's {council.Members} officials, an official's command p50 {_result["vote_p50_ms"]} ms, p99 {_result["vote_p99_ms"]} ms; " +
            $"cores used until all were current: the server {_result["flood_server_cores"]}, this load generator {_result["flood_generator_cores"]}");
        await MemoryAfterFloodAsync(n, _idleRss, before, ct);
    }

    /// <summary>
    /// The server's largest memory while <paramref name="flood"/> runs, to the end of the minute after it: the server
    /// may be largest once the sign-ups are over, while it is still sending them.
    /// </summary>
    private async Task WatchingThePeakAsync(Func<Task> flood, int n, CancellationToken ct)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var peaking = HighestAsync(watching.Token);
        try
        {
            await flood();
        }
        finally
        {
            await watching.CancelAsync();
        }
        var peak = await peaking;
        _result[$"server_rss_peak_mb_{n}"] = Round(peak / 1048576.0);
        Console.WriteLine($"server memory peak from the flood's start to a minute after it: {peak / 1048576.0:N0} MB");
    }

    /// <summary>The server's largest memory, read every quarter second until <paramref name="ct"/> is cancelled.</summary>
    private async Task<long> HighestAsync(CancellationToken ct)
    {
        var highest = Stats.Rss(ServerPid);
        try
        {
            while (true)
            {
                await Task.Delay(250, ct);
                highest = Math.Max(highest, Stats.Rss(ServerPid));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return highest;
        }
    }

    /// <summary>Residents calling in during the flood, <c>callRate</c> a second, each raising a hand with *9: answers how many did.</summary>
    private async Task<int> CallInAsync(Callers callers, Stopwatch clock, CancellationToken ct)
    {
        var calls = new List<Task>();
        var raised = 0;
        for (var i = 0; i < callRate * floodSeconds; i++)
        {
            await PaceAsync(clock, i, callRate, ct);
            var number = i;
            calls.Add(Task.Run(async () =>
            {
                try
                {
                    await callers.CallAsync(number, ct);
                    Interlocked.Increment(ref raised);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Problem(e);
                }
            }, ct));
        }
        await Task.WhenAll(calls);
        return raised;
    }

    /// <summary>
    /// The server's memory every 10 s for a minute after the flood, against two idle levels: what it held a minute after
    /// the viewers joined (<paramref name="idle"/>, the level the issue's target is measured against), and what it held
    /// just before the flood began (<paramref name="before"/>), after the fan-out's changes and the sign-ups before it
    /// (tens of megabytes more in the runs so far). Back when it came within a tenth of the level and stayed there to
    /// the end of the minute (a reading that dipped and grew again is not back).
    /// </summary>
    private async Task MemoryAfterFloodAsync(int n, long idle, long before, CancellationToken ct)
    {
        var readings = new List<(double Seconds, long Rss)>();
        var after = Stopwatch.StartNew();
        for (var at = 0; at <= 60; at += 10)
        {
            var wait = TimeSpan.FromSeconds(at) - after.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            readings.Add((after.Elapsed.TotalSeconds, Stats.Rss(ServerPid)));
        }
        double? BackWithinATenthOf(long level)
        {
            var stayed = readings.Count - readings.AsEnumerable().Reverse().TakeWhile(r => r.Rss <= level * 1.1).Count();
            return stayed < readings.Count ? Round(readings[stayed].Seconds) : null;
        }
        string Said(double? back) => back is { } s ? $"back within a tenth of it from {s:F0} s on" : "not back within a tenth of it";
        var (backToIdle, backToBefore) = (BackWithinATenthOf(idle), BackWithinATenthOf(before));
        _result[$"server_rss_after_flood_mb_{n}"] = Round(readings[^1].Rss / 1048576.0);
        _result[$"server_rss_back_to_idle_s_{n}"] = backToIdle;
        _result[$"server_rss_before_flood_mb_{n}"] = Round(before / 1048576.0);
        _result[$"server_rss_back_to_before_flood_s_{n}"] = backToBefore;
        Console.WriteLine($"server memory after the flood, every 10 s: {string.Join(", ", readings.Select(r => $"{r.Rss / 1048576.0:N0}"))} MB; " +
                          $"idle after the joins {idle / 1048576.0:N0} MB, {Said(backToIdle)}; just before the flood {before / 1048576.0:N0} MB, {Said(backToBefore)}");
    }

    /// <summary>The same viewers and the same bytes against the raw WebSocket server.</summary>
    private async Task BaselineAsync(CancellationToken ct)
    {
        await QuietAsync(ct);
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Hearing).Assembly.Location);
        foreach (var a in new[] { "baseline", "--port", baselinePort.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        // The first it says (where an exception's message is), to say why if it never answers.
        var said = new List<string>();
        DataReceivedEventHandler keep = (_, e) => { if (e.Data is { } line) lock (said) if (said.Count < 8) said.Add(line); };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var url = new Uri($"ws://127.0.0.1:{baselinePort}/ws");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{baselinePort}") };
            for (var tries = 0; ; tries++)
            {
                try { await http.GetAsync("/", ct); break; }
                catch (HttpRequestException e) when (tries < 300)
                {
                    if (process.HasExited)
                        lock (said) throw new InvalidOperationException($"The baseline server exited ({process.ExitCode}): {string.Join(Environment.NewLine, said)}", e);
                    await Task.Delay(100, ct);
                }
            }
            await using var crowd = new Crowd();
            var before = Stats.Rss(process.Id);
            foreach (var n in viewerSteps)
            {
                await crowd.GrowAsync(n, i => HubSocket.ConnectAsync(url, Crowd.Address(i), null, signalR: false, i, ct), parallel: 100, ct);
                var (early, idle) = await IdleAsync(process.Id, ct);
                var perViewer = (idle - before) / 1024.0 / n;
                _result[$"baseline_rss_per_viewer_kb_{n}"] = Round(perViewer);
                _result[$"baseline_rss_per_viewer_3s_kb_{n}"] = Round((early - before) / 1024.0 / n);
                var frames = _fanoutFrames.GetValueOrDefault(n) ?? [];
                var k = 0;
                var (p50, p99, missed) = await FanOutAsync(crowd, n, () =>
                {
                    var frame = frames[k++ % frames.Count];
                    var sequence = HubSocket.Number(frame, "\"sequence\":"u8) ?? 0;
                    return Task.FromResult((sequence, (Func<Task<bool>>)(async () =>
                        (await http.PostAsync("/broadcast", new ByteArrayContent(frame), ct)).IsSuccessStatusCode)));
                }, ct);
                _result[$"baseline_fanout_p50_ms_{n}"] = p50;
                _result[$"baseline_fanout_p99_ms_{n}"] = p99;
                _result[$"baseline_missed_{n}"] = missed;
                Console.WriteLine($"baseline, {n:N0} sockets: {perViewer:F1} KB per idle socket ({(early - before) / 1024.0 / n:F1} KB 3 s after); fan-out p50 {p50} ms, p99 {p99} ms of the same {frames.Count} updates");
                if (n == viewerSteps[^1] && _floodFrames.Count > 0) await ReplayFloodAsync(crowd, http, process.Id, ct);
            }
        }
        finally
        {
            process.Kill();
        }
    }

    /// <summary>
    /// The flood's updates, the bytes the probe got and at the moments it got them, sent to every baseline socket: how
    /// far its viewers fall behind with the same bytes (each timed from the moment the update is due).
    /// </summary>
    private async Task ReplayFloodAsync(Crowd crowd, HttpClient http, int baselinePid, CancellationToken ct)
    {
        var marks = new List<Mark>();
        var clock = Stopwatch.StartNew();
        var cores = new CoresShared(baselinePid);
        var started = Stopwatch.GetTimestamp();
        long last = 0;
        foreach (var (at, frame) in _floodFrames)
        {
            if (at > clock.Elapsed) await Task.Delay(at - clock.Elapsed, ct);
            last = HubSocket.Number(frame, "\"sequence\":"u8) ?? last;
            marks.Add(crowd.Place(last, started + (long)(at.TotalSeconds * Stopwatch.Frequency)));
            // One at a time, as a WebSocket takes one send at a time: a server that cannot keep up falls behind the schedule.
            var sent = await http.PostAsync("/broadcast", new ByteArrayContent(frame), ct);
            if (!sent.IsSuccessStatusCode) Problem(new InvalidOperationException($"the baseline answered {(int)sent.StatusCode} to a flood update"));
        }
        var missed = await crowd.SettleAsync(last, TimeSpan.FromSeconds(60));
        (_result["baseline_flood_server_cores"], _result["baseline_flood_generator_cores"]) = cores.Now();
        var n = crowd.Count;
        _result[$"baseline_viewer_lag_p99_ms_{n}"] = Round(Stats.Percentile(marks.SelectMany(m => m.Samples), 0.99));
        Console.WriteLine($"baseline, {n:N0} sockets, the flood's {_floodFrames.Count} updates ({_floodFrames.Sum(f => f.Frame.Length) / 1024:N0} KB each socket) " +
            $"at the moments the probe got them: viewer lag p99 {_result[$"baseline_viewer_lag_p99_ms_{n}"]} ms, {missed} not current after; " +
            $"cores used until all were current: the baseline {_result["baseline_flood_server_cores"]}, this load generator {_result["baseline_flood_generator_cores"]}");
    }

    /// <summary>Waits (a minute at most) until the server, started again, has settled: under 5% of a core for a second.</summary>
    private async Task QuietAsync(CancellationToken ct)
    {
        for (var waited = 0; waited < 60; waited++)
        {
            var cpu = Stats.Cpu(ServerPid);
            await Task.Delay(1000, ct);
            if ((Stats.Cpu(ServerPid) - cpu).TotalMilliseconds < 50) return;
        }
    }

    private static async Task PingEvery(Crowd crowd, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), ct);
                await crowd.PingAsync(ct);
            }
        }
        catch (OperationCanceledException) { }
    }

    private static double Round(double value) => Math.Round(value, 1);

    /// <summary>Waits for the moment the <paramref name="n"/>th of <paramref name="rate"/> a second is due (the clock read once: a negative wait would be "forever").</summary>
    private static async Task PaceAsync(Stopwatch clock, int n, int rate, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds((double)n / rate) - clock.Elapsed;
        if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
    }

    /// <summary>A percentile of what was timed, or null when nothing was (JSON has no NaN).</summary>
    private static double? Percentile(List<double> samples, double p) => samples.Count == 0 ? null : Round(Stats.Percentile(samples, p));

    private static string Cpu() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
}
