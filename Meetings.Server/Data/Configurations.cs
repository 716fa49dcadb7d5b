using Meetings.Server.Domain;
using Meetings.Server.Followers;
using Meetings.Server.Live;
using Meetings.Server.Minutes;
using Meetings.Server.Notices;
using Meetings.Server.Phone;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Meetings.Server.Data;

internal sealed class BodyConfiguration : IEntityTypeConfiguration<Body>
{
    public void Configure(EntityTypeBuilder<Body> body)
    {
        body.Property(b => b.Name).HasMaxLength(200);
        body.ComplexProperty(b => b.Notice);
        // Bodies made before these rules take the defaults; the sentinel is the default, so every other value is written.
        body.Property(b => b.WrittenComments).HasConversion<string>().HasMaxLength(20)
            .HasDefaultValue(CommentRelease.AfterRelease).HasSentinel(CommentRelease.AfterRelease);
        body.Property(b => b.SilenceCountsAs).HasConversion<string>().HasMaxLength(20)
            .HasDefaultValue(VoteChoice.NotVoting).HasSentinel(VoteChoice.NotVoting);
        body.HasMany(b => b.Seats).WithOne().HasForeignKey("BodyId").OnDelete(DeleteBehavior.Cascade);
        body.Navigation(b => b.Seats).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class SeatConfiguration : IEntityTypeConfiguration<Seat>
{
    public void Configure(EntityTypeBuilder<Seat> seat)
    {
        seat.Property(s => s.Title).HasMaxLength(100);
        seat.Property(s => s.MemberName).HasMaxLength(100);
        seat.Property(s => s.OfficialUserId).HasMaxLength(450);
        seat.Property(s => s.Id).ValueGeneratedNever();
        seat.HasIndex(s => s.OfficialUserId);
    }
}

internal sealed class JournalRowConfiguration : IEntityTypeConfiguration<JournalRow>
{
    public void Configure(EntityTypeBuilder<JournalRow> row)
    {
        row.ToTable("JournalEvents");
        row.HasIndex(r => new { r.MeetingId, r.Sequence }).IsUnique();
        row.Property(r => r.Actor).HasMaxLength(200);
        row.Property(r => r.Type).HasMaxLength(100);
        row.Property(r => r.PreviousHash).HasMaxLength(64).IsFixedLength();
        row.Property(r => r.Hash).HasMaxLength(64).IsFixedLength();
        // Rows written before the chain version existed follow the first rule, until re-chained at start-up.
        row.Property(r => r.ChainVersion).HasDefaultValue(1).HasSentinel(0);
        row.HasIndex(r => r.ChainVersion);
    }
}

internal sealed class MeetingRowConfiguration : IEntityTypeConfiguration<MeetingRow>
{
    public void Configure(EntityTypeBuilder<MeetingRow> row)
    {
        row.ToTable("MeetingList");
        row.Property(m => m.Id).ValueGeneratedNever();
        row.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
        row.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        row.Property(m => m.BodyName).HasMaxLength(200);
        row.Property(m => m.Title).HasMaxLength(200);
        row.Property(m => m.TimeZone).HasMaxLength(100);
        row.Property(m => m.Location).HasMaxLength(300);
        row.Property(m => m.AccessCode).HasMaxLength(10);
        row.HasIndex(m => m.AccessCode);
        row.HasIndex(m => m.Start);
    }
}

internal sealed class SpeakerContactConfiguration : IEntityTypeConfiguration<SpeakerContact>
{
    public void Configure(EntityTypeBuilder<SpeakerContact> contact)
    {
        contact.HasKey(c => c.EntryId);
        contact.Property(c => c.Phone).HasMaxLength(16);
        contact.Property(c => c.Language).HasMaxLength(8);
        contact.Property(c => c.CallBackProblem).HasMaxLength(300);
        contact.Property(c => c.CallBack).HasConversion<string>().HasMaxLength(10);
        contact.HasIndex(c => c.MeetingId);
        contact.HasIndex(c => c.CallBack);
    }
}

internal sealed class PhoneCallConfiguration : IEntityTypeConfiguration<PhoneCall>
{
    public void Configure(EntityTypeBuilder<PhoneCall> call)
    {
        call.HasKey(c => c.CallSid);
        call.Property(c => c.CallSid).HasMaxLength(64);
        call.Property(c => c.From).HasMaxLength(32);
        call.Property(c => c.Language).HasMaxLength(8);
        call.Property(c => c.ConferenceSid).HasMaxLength(64);
        call.Property(c => c.Leg).HasConversion<string>().HasMaxLength(10);
        call.Property(c => c.Problem).HasMaxLength(300);
        call.Property(c => c.Announcement).HasMaxLength(40);
        call.Ignore(c => c.Label);
        call.Ignore(c => c.HangUpGivesUpPlace);
        call.HasIndex(c => c.MeetingId);
        call.HasIndex(c => c.EntryId);
    }
}

internal sealed class SubscriberConfiguration : IEntityTypeConfiguration<Subscriber>
{
    public void Configure(EntityTypeBuilder<Subscriber> subscriber)
    {
        subscriber.Property(s => s.Email).HasMaxLength(254);
        subscriber.Property(s => s.Phone).HasMaxLength(16);
        subscriber.Property(s => s.Language).HasMaxLength(8);
        subscriber.Property(s => s.Token).HasMaxLength(64);
        subscriber.Property(s => s.SmsCode).HasMaxLength(8);
        subscriber.HasIndex(s => s.Token).IsUnique();
        subscriber.HasIndex(s => new { s.BodyId, s.Email });
        subscriber.HasIndex(s => s.Phone);
    }
}

internal sealed class NoticeConfiguration : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> notice)
    {
        notice.Property(n => n.Key).HasMaxLength(200);
        notice.HasIndex(n => n.Key).IsUnique();
        notice.HasIndex(n => n.MeetingId);
        notice.Property(n => n.Kind).HasConversion<string>().HasMaxLength(20);
        notice.Property(n => n.State).HasConversion<string>().HasMaxLength(20);
        notice.Property(n => n.JobId).HasMaxLength(100);
    }
}

internal sealed class NoticePlanMarkConfiguration : IEntityTypeConfiguration<NoticePlanMark>
{
    public void Configure(EntityTypeBuilder<NoticePlanMark> mark) => mark.HasKey(m => m.MeetingId);
}

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> delivery)
    {
        delivery.Property(d => d.Recipient).HasMaxLength(64);
        delivery.Property(d => d.Channel).HasConversion<string>().HasMaxLength(10);
        delivery.Property(d => d.State).HasConversion<string>().HasMaxLength(10);
        delivery.Property(d => d.Error).HasMaxLength(1000);
        delivery.HasIndex(d => new { d.NoticeId, d.Recipient, d.Channel }).IsUnique();
    }
}

internal sealed class FollowerCheckpointConfiguration : IEntityTypeConfiguration<FollowerCheckpoint>
{
    public void Configure(EntityTypeBuilder<FollowerCheckpoint> checkpoint)
    {
        checkpoint.HasKey(c => new { c.Follower, c.MeetingId });
        checkpoint.Property(c => c.Follower).HasMaxLength(50);
    }
}

internal sealed class ServerSecretConfiguration : IEntityTypeConfiguration<Privacy.ServerSecretRow>
{
    public void Configure(EntityTypeBuilder<Privacy.ServerSecretRow> secret)
    {
        secret.ToTable("ServerSecrets");
        secret.HasKey(s => s.Name);
        secret.Property(s => s.Name).HasMaxLength(50);
        secret.Property(s => s.Value).HasMaxLength(200);
    }
}

internal sealed class WebhookReceiptConfiguration : IEntityTypeConfiguration<WebhookReceipt>
{
    public void Configure(EntityTypeBuilder<WebhookReceipt> receipt)
    {
        receipt.HasKey(r => r.Token);
        receipt.Property(r => r.Token).HasMaxLength(128);
        receipt.Property(r => r.ContentType).HasMaxLength(100);
        receipt.HasIndex(r => r.ReceivedAt);
    }
}

internal sealed class MinutesTextConfiguration : IEntityTypeConfiguration<MinutesText>
{
    public void Configure(EntityTypeBuilder<MinutesText> text)
    {
        text.HasKey(t => new { t.MeetingId, t.Hash });
        text.Property(t => t.Hash).HasMaxLength(64).IsFixedLength();
    }
}
