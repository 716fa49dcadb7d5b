using System.Net;

namespace Meetings.Server.Security;

/// <summary>
/// Token buckets per client address (<see cref="ClientAddress"/>) and, for IPv6, per /48 network holding
/// <see cref="ClientAddress.NetworkShare"/> times as much, so that the holder of a /48 gets that many budgets, not
/// one for each of its /64s. The address is asked first: one address that spends its own budget leaves the network's
/// for the others on it.
/// </summary>
internal sealed class AddressBuckets(int burst, double perSecond, TimeProvider clock)
{
    private readonly TokenBuckets _addresses = new(burst, perSecond, clock);
    private readonly TokenBuckets _networks = new(burst * ClientAddress.NetworkShare, perSecond * ClientAddress.NetworkShare, clock);

    /// <summary>Takes one token for <paramref name="address"/>; false when it, or its network, has none left.</summary>
    public bool TryTake(IPAddress? address) =>
        _addresses.TryTake(ClientAddress.Of(address)) && (ClientAddress.NetworkOf(address) is not { } network || _networks.TryTake(network));
}
