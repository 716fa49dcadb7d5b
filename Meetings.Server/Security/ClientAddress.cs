using System.Net;
using System.Net.Sockets;

namespace Meetings.Server.Security;

/// <summary>
/// Who is asking, for counting and limiting: the client's address as the trusted reverse proxy reported it
/// (see <c>ForwardedHeaders:*</c>). An IPv6 client is counted by its /64 network, since one household or
/// phone holds a whole /64 and could otherwise take a fresh address for every try. Its /48 is counted too, with
/// <see cref="NetworkShare"/> times an address's budget: a site may be given a /48 (RFC 6177; a free tunnel broker
/// gives anyone one), and its 65,536 /64s would otherwise each get a budget of their own.
/// </summary>
public static class ClientAddress
{
    /// <summary>How many addresses' budgets an IPv6 /48 gets together.</summary>
    public const int NetworkShare = 16;

    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address) => address is null ? "unknown"
        : IPv6(address) is { } v6 ? Prefix(v6, 8) + "/64"
        : address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString();

    /// <summary>The /48 an IPv6 client is also counted by; null for IPv4, whose addresses are few enough to count alone.</summary>
    public static string? NetworkOf(HttpContext http) => NetworkOf(http.Connection.RemoteIpAddress);

    public static string? NetworkOf(IPAddress? address) => IPv6(address) is { } v6 ? Prefix(v6, 6) + "/48" : null;

    private static IPAddress? IPv6(IPAddress? address) =>
        address is { AddressFamily: AddressFamily.InterNetworkV6, IsIPv4MappedToIPv6: false } ? address : null;

    private static IPAddress Prefix(IPAddress address, int bytesKept)
    {
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, bytesKept, 16 - bytesKept);
        return new IPAddress(bytes);
    }
}
