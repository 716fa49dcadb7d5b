using System.Security.Cryptography;
using System.Text;

namespace Meetings.Server.Domain;

/// <summary>
/// Marks an event's field as free text a person typed (a speaker's name, a written comment). The journal
/// hashes only a salted commitment to such text and keeps the text beside the event, so the clerk can
/// withhold it from the public later and the chain still verifies.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FreeTextAttribute : Attribute;

/// <summary>
/// Free text and the salt that hides it: its commitment is the lowercase hex SHA-256 of the UTF-8 bytes of
/// <see cref="Salt"/> (32 hex characters) followed by <see cref="Text"/>. The salt makes a short text (a
/// name) impossible to find by guessing; its fixed length makes the split between salt and text certain.
/// </summary>
public sealed record SealedText(string Salt, string Text)
{
    public string Commitment => CommitmentOf(Salt, Text);

    public static string CommitmentOf(string salt, string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + text)));

    /// <summary>Seals a text with a fresh random salt.</summary>
    public static SealedText Seal(string text) => new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), text);
}
