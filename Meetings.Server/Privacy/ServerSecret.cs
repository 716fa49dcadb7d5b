using System.Security.Cryptography;
using System.Text;
using Meetings.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Privacy;

/// <summary>A secret of this installation, kept in the database so every instance shares it.</summary>
public sealed class ServerSecretRow
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

/// <summary>
/// The key behind every person key (and a blocked caller's number): <c>Privacy:Secret</c> when configured (at
/// least 32 characters), else 32 random bytes made on first start and kept in the database. Without it, nobody
/// can tell from the public journal whether two meetings' speakers are the same person, nor try numbers.
/// </summary>
public sealed class ServerSecret
{
    public const string Name = "person-keys";
    private byte[]? _key;

    public byte[] Key => _key ?? throw new InvalidOperationException("The server secret is not loaded yet.");

    /// <summary>Loads the configured secret, or the stored one, making and storing it the first time (once, whichever instance wins).</summary>
    public async Task LoadAsync(MeetingsDbContext db, IConfiguration configuration, CancellationToken ct = default)
    {
        if (configuration["Privacy:Secret"] is { } configured)
        {
            _key = configured.Length >= 32 ? Encoding.UTF8.GetBytes(configured)
                : throw new InvalidOperationException("Privacy:Secret must be at least 32 characters.");
            return;
        }
        if (await StoredAsync(db, ct) is not { } stored)
        {
            db.Add(new ServerSecretRow { Name = Name, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance stored one first; that one is the secret.
            }
            db.ChangeTracker.Clear();
            stored = await StoredAsync(db, ct) ?? throw new InvalidOperationException("The server secret could not be stored.");
        }
        _key = Convert.FromBase64String(stored);
    }

    private static Task<string?> StoredAsync(MeetingsDbContext db, CancellationToken ct) =>
        db.Set<ServerSecretRow>().AsNoTracking().Where(s => s.Name == Name).Select(s => s.Value).FirstOrDefaultAsync(ct);
}
