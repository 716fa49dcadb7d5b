namespace Meetings.Server.Identity;

/// <summary>
/// Slows password guessing without giving anyone a way to lock an account. Sign-ins are counted per client
/// address and per (account, address), never per account alone: a flood of wrong passwords from one place never
/// keeps the real person out when they sign in from another. Each try is counted when it begins, before its
/// password is checked, so guesses sent all at once are held to the same numbers as guesses sent one by one; a
/// success takes its try back and clears the (account, address) count. Counts are kept in memory on each instance
/// for a window that starts at the first try.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    /// <summary>Wrong passwords for one account from one address before that pair must wait out the window.</summary>
    public const int FailuresPerAccountAndAddress = 5;

    /// <summary>Wrong passwords from one address, over all accounts (a city hall behind one router included).</summary>
    public const int FailuresPerAddress = 30;

    /// <summary>Wrong passwords from one IPv6 /48, over all its addresses (<see cref="Security.ClientAddress.NetworkOf(HttpContext)"/>).</summary>
    public const int FailuresPerNetwork = FailuresPerAddress * Security.ClientAddress.NetworkShare;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    // Each address can add at most FailuresPerAddress + 2 keys a window, so this bound is reached only from
    // thousands of addresses; then the oldest counts go first.
    private const int Capacity = 100_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Failures, DateTimeOffset Since)> _counts = [];

    /// <summary>
    /// Begins a try, counted as failed until <see cref="Succeeded"/> says otherwise; false when the address, its
    /// network (an IPv6 /48; null for IPv4) or the pair has had its tries.
    /// </summary>
    public bool TryBegin(string address, string? network, string account)
    {
        lock (_gate)
        {
            if (Failures(address) >= FailuresPerAddress || Failures(Pair(address, account)) >= FailuresPerAccountAndAddress
                || network is not null && Failures(network) >= FailuresPerNetwork) return false;
            Add(address);
            Add(Pair(address, account));
            if (network is not null) Add(network);
            return true;
        }
    }

    public void Succeeded(string address, string? network, string account)
    {
        lock (_gate)
        {
            _counts.Remove(Pair(address, account));
            TakeBack(address);
            if (network is not null) TakeBack(network);
        }
    }

    private void TakeBack(string key)
    {
        if (_counts.TryGetValue(key, out var count) && count.Failures > 0) _counts[key] = (count.Failures - 1, count.Since);
    }

    private static string Pair(string address, string account) => $"{address}\n{account}";

    private int Failures(string key) =>
        _counts.TryGetValue(key, out var count) && clock.GetUtcNow() - count.Since < Window ? count.Failures : 0;

    private void Add(string key)
    {
        var now = clock.GetUtcNow();
        if (_counts.TryGetValue(key, out var count) && now - count.Since < Window) _counts[key] = (count.Failures + 1, count.Since);
        else
        {
            if (_counts.Count >= Capacity) MakeRoom(now);
            _counts[key] = (1, now);
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (key, count) in _counts)
            if (now - count.Since >= Window) _counts.Remove(key);
        if (_counts.Count < Capacity) return;
        foreach (var key in _counts.OrderBy(c => c.Value.Since).Take(Capacity / 2).Select(c => c.Key).ToList()) _counts.Remove(key);
    }
}
