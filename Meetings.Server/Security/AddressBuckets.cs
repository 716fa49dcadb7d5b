using System.Net;

namespace Meetings.Server.Security;

/// <summary>
/// Token buckets per client address (<see cref="ClientAddress"/>) and, for IPv6, per /48 network holding
/// <see cref="ClientAddress.NetworkShare"/> times as much, so that the holder of a /48 gets that many budgets, not
/// one for each of its /64s. The network is asked first and given its token back when the address has none left: an
/// address that spends its own budget leaves the network's to the others on it, and a refusal by the network costs
/// the address nothing.
/// </summary>
internal sealed class AddressBuckets(int burst, double perSecond, TimeProvider clock)
{
    private readonly TokenBuckets _addresses = new(burst, perSecond, clock);
    private readonly TokenBuckets _networks = new(burst * ClientAddress.NetworkShare, perSecond * ClientAddress.NetworkShare, clock);

    /// <summary>Takes one token for <paramref name="address"/>; false when it, or its network, has none left.</summary>
    public bool TryTake(IPAddress? address)
    {
        var network = ClientAddress.NetworkOf(address);
        if (network is not null && !_networks.TryTake(network)) return false;
        if (_addresses.TryTake(ClientAddress.Of(address))) return true;
        if (network is not null) _networks.GiveBack(network);
        return false;
    }
}
