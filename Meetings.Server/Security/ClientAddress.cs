using System.Net;
using System.Net.Sockets;

namespace Meetings.Server.Security;

/// <summary>
/// Who is asking, for counting and limiting: the client's address as the trusted reverse proxy reported it
/// (see <c>ForwardedHeaders:*</c>). An IPv6 client is counted by its /64 network, since one household or
/// phone holds a whole /64 and could otherwise take a fresh address for every try.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext http) => Of(http.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
