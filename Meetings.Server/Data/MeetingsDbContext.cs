using Meetings.Server.Domain;
using Meetings.Server.Followers;
using Meetings.Server.Identity;
using Meetings.Server.Live;
using Meetings.Server.Minutes;
using Meetings.Server.Notices;
using Meetings.Server.Phone;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Data;

/// <summary>
/// The one database: identity, bodies, the meeting journal and the meeting list kept beside it, and the keys that
/// sign-in cookies are sealed with (so every instance on it reads every instance's cookies).
/// Each provider has a subclass only so that each keeps its own migrations.
/// </summary>
public abstract class MeetingsDbContext(DbContextOptions options) : IdentityDbContext<MeetingsUser>(options), IDataProtectionKeyContext
{
    public DbSet<Body> Bodies => Set<Body>();
    public DbSet<JournalRow> Journal => Set<JournalRow>();
    public DbSet<MeetingRow> Meetings => Set<MeetingRow>();
    public DbSet<SpeakerContact> SpeakerContacts => Set<SpeakerContact>();
    public DbSet<PhoneCall> PhoneCalls => Set<PhoneCall>();
    public DbSet<Subscriber> Subscribers => Set<Subscriber>();
    public DbSet<Notice> Notices => Set<Notice>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<NoticePlanMark> NoticePlanMarks => Set<NoticePlanMark>();
    public DbSet<FollowerCheckpoint> FollowerCheckpoints => Set<FollowerCheckpoint>();
    public DbSet<WebhookReceipt> WebhookReceipts => Set<WebhookReceipt>();
    public DbSet<MinutesText> MinutesTexts => Set<MinutesText>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(MeetingsDbContext).Assembly);
    }
}

public sealed class SqliteMeetingsDbContext(DbContextOptions<SqliteMeetingsDbContext> options) : MeetingsDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite has no type for DateTimeOffset that sorts; the binary form does and round-trips exactly.
        builder.Properties<DateTimeOffset>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
        builder.Properties<DateTimeOffset?>().HaveConversion<Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter>();
    }
}

public sealed class SqlServerMeetingsDbContext(DbContextOptions<SqlServerMeetingsDbContext> options) : MeetingsDbContext(options);

/// <summary>
/// One event of a meeting's journal as stored. (MeetingId, Sequence) is unique: two writers cannot both append the
/// same place. <see cref="Texts"/> holds the sealed free text behind the payload's commitments, as JSON
/// (<c>{"name": {"salt": "…", "text": "…"}}</c>), outside the hash; <see cref="ChainVersion"/> is the hash rule the row follows.
/// </summary>
public sealed class JournalRow
{
    private static readonly System.Text.Json.JsonSerializerOptions TextsJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    public long Id { get; set; }
    public Guid MeetingId { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
    public string? Texts { get; set; }
    public int ChainVersion { get; set; } = JournalChain.Version;

    public JournalEntry ToEntry() => new(MeetingId, Sequence, At, Actor, Type, Payload, PreviousHash, Hash,
        Texts is null ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, SealedText>>(Texts, TextsJson));

    public static JournalRow From(JournalEntry e) => new()
    {
        MeetingId = e.MeetingId, Sequence = e.Sequence, At = e.At, Actor = e.Actor, Type = e.Type,
        Payload = e.Payload, PreviousHash = e.PreviousHash, Hash = e.Hash, Texts = TextsOf(e),
    };

    public static string? TextsOf(JournalEntry e) =>
        e.Texts is { Count: > 0 } texts ? System.Text.Json.JsonSerializer.Serialize(texts, TextsJson) : null;
}

/// <summary>
/// The meeting list: a few fields of each meeting's state, written in the same transaction as its
/// journal, so listing meetings never folds a journal.
/// </summary>
public sealed class MeetingRow
{
    public Guid Id { get; set; }
    public Guid BodyId { get; set; }
    public string BodyName { get; set; } = "";
    public string Title { get; set; } = "";
    public MeetingKind Kind { get; set; }
    public MeetingStatus Status { get; set; }
    /// <summary>Whether its agenda was ever posted: a draft cancelled before posting stays the clerks'.</summary>
    public bool Posted { get; set; }
    public DateTimeOffset Start { get; set; }
    public string TimeZone { get; set; } = "";
    public string Location { get; set; } = "";
    public string AccessCode { get; set; } = "";
    public long LastSequence { get; set; }
}
