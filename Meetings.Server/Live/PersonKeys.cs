using System.Security.Cryptography;
using System.Text;
using Meetings.Server.Domain;

namespace Meetings.Server.Live;

/// <summary>
/// The keys that tell one person's speaker entries apart without naming the person: a hash of who they are,
/// prefixed by how they came (a resident's token, a room card's name, a caller's number), so that no value
/// from one kind can pose as another.
/// </summary>
public static class PersonKeys
{
    /// <summary>A resident's key, from the secret token their browser keeps.</summary>
    public static string Resident(string? token) =>
        token is { Length: >= 16 and <= 200 } ? Hash("resident:" + token)
        : throw new InvalidInputException("residentToken", "The resident token must be 16 to 200 characters; the client makes one at random.");

    /// <summary>A speaker card's key: one active card per name and item.</summary>
    public static string Card(string? name) => Hash("card:" + (name ?? "").Trim().ToUpperInvariant());

    /// <summary>
    /// A phone caller's key, from the call's id, never the number: a number has too few possibilities for its
    /// hash to hide it. (One place per number is checked privately, against the calls table.)
    /// </summary>
    public static string Caller(string callSid) => Hash("call:" + callSid);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..24];
}
