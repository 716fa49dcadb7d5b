using Meetings.Server.Domain;
using Meetings.Server.Identity;
using Meetings.Server.Live;
using Meetings.Server.Minutes;
using Meetings.Server.Notices;
using Meetings.Server.Phone;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Data;

/// <summary>
/// The one database: identity, bodies, the meeting journal and the meeting list kept beside it.
/// Each provider has a subclass only so that each keeps its own migrations.
/// </summary>
public abstract class MeetingsDbContext(DbContextOptions options) : IdentityDbContext<MeetingsUser>(options)
{
    public DbSet<Body> Bodies => Set<Body>();
    public DbSet<JournalRow> Journal => Set<JournalRow>();
    public DbSet<MeetingRow> Meetings => Set<MeetingRow>();
    public DbSet<SpeakerContact> SpeakerContacts => Set<SpeakerContact>();
    public DbSet<PhoneCall> PhoneCalls => Set<PhoneCall>();
    public DbSet<Subscriber> Subscribers => Set<Subscriber>();
    public DbSet<Notice> Notices => Set<Notice>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<WebhookReceipt> WebhookReceipts => Set<WebhookReceipt>();
    public DbSet<MinutesText> MinutesTexts => Set<MinutesText>();

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

/// <summary>One event of a meeting's journal as stored. (MeetingId, Sequence) is unique: two writers cannot both append the same place.</summary>
public sealed class JournalRow
{
    public long Id { get; set; }
    public Guid MeetingId { get; set; }
    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "";
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";

    public JournalEntry ToEntry() => new(MeetingId, Sequence, At, Actor, Type, Payload, PreviousHash, Hash);

    public static JournalRow From(JournalEntry e) => new()
    {
        MeetingId = e.MeetingId, Sequence = e.Sequence, At = e.At, Actor = e.Actor, Type = e.Type,
        Payload = e.Payload, PreviousHash = e.PreviousHash, Hash = e.Hash,
    };
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
    public DateTimeOffset Start { get; set; }
    public string TimeZone { get; set; } = "";
    public string Location { get; set; } = "";
    public string AccessCode { get; set; } = "";
    public long LastSequence { get; set; }
}
