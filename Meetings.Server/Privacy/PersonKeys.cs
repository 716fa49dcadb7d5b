using System.Security.Cryptography;
using System.Text;
using Meetings.Server.Domain;

namespace Meetings.Server.Privacy;

/// <summary>
/// The keys that tell one person's speaker entries apart without naming the person: an HMAC, under the server's
/// secret, of the meeting and of who they are, prefixed by how they came (a resident's token, a room card's name,
/// a caller's number). Per meeting, so one resident cannot be followed from meeting to meeting; keyed, so a
/// phone number's key cannot be found by trying every number. The public journal carries only these.
/// </summary>
public sealed class PersonKeys(ServerSecret secret)
{
    /// <summary>A resident's key in a meeting, from the secret token their browser keeps.</summary>
    public string Resident(Guid meetingId, string? token) =>
        token is { Length: >= 16 and <= 200 } ? Key(meetingId, "resident:" + token)
        : throw new InvalidInputException("residentToken", "The resident token must be 16 to 200 characters; the client makes one at random.");

    /// <summary>A speaker card's key: one active card per name and item.</summary>
    public string Card(Guid meetingId, string? name) => Key(meetingId, "card:" + (name ?? "").Trim().ToUpperInvariant());

    /// <summary>
    /// A phone caller's key, from the number they call from: one place in line per number, and what blocking a
    /// caller blocks. Callers who withhold their number share one key.
    /// </summary>
    public string Caller(Guid meetingId, string number) => Key(meetingId, "phone:" + number.Trim());

    /// <summary>A key from before keys were made per meeting, made unlinkable across meetings when old journals are re-chained.</summary>
    public string Rekeyed(Guid meetingId, string oldKey) => Key(meetingId, "legacy:" + oldKey);

    private string Key(Guid meetingId, string who) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(secret.Key, Encoding.UTF8.GetBytes($"{meetingId:N}|{who}")))[..24];
}
