namespace Meetings.Server.Notices;

/// <summary>Amended: the agenda, place or title changed. Moved: the meeting's time changed (and maybe more).</summary>
public enum NoticeKind { Published, Reminder, Amended, Cancelled, UpSoon, Moved }

public enum NoticeState { Scheduled, Sent, Dropped }

public enum Channel { Email, Sms }

public enum DeliveryState { Sending, Sent, Failed, Unknown }

/// <summary>
/// A resident who asked for a body's notices, by e-mail, text or both, with no account. Each channel is
/// confirmed before anything is sent to it (double opt-in) and can be stopped at any time.
/// </summary>
public sealed class Subscriber
{
    public Guid Id { get; set; }
    public Guid BodyId { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string Language { get; set; } = "en";
    /// <summary>The secret in the confirmation and unsubscribe links.</summary>
    public string Token { get; set; } = "";
    /// <summary>The code a texter replies with to confirm.</summary>
    public string SmsCode { get; set; } = "";
    public DateTimeOffset? EmailConfirmedAt { get; set; }
    public DateTimeOffset? SmsConfirmedAt { get; set; }
    public DateTimeOffset? EmailStoppedAt { get; set; }
    public DateTimeOffset? SmsStoppedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the last confirmation message went to this address; with the two below, the per-address limits.</summary>
    public DateTimeOffset? ConfirmationSentAt { get; set; }
    public DateTimeOffset? ConfirmationDayStartedAt { get; set; }
    public int ConfirmationsInDay { get; set; }

    public bool Receives(Channel channel) => channel == Channel.Email
        ? Email is not null && EmailConfirmedAt is not null && EmailStoppedAt is null
        : Phone is not null && SmsConfirmedAt is not null && SmsStoppedAt is null;
}

/// <summary>
/// One notice about a meeting (published, a reminder, an amended agenda, a cancellation, or a speaker's
/// "you're up soon"), under a key that makes it exist once however often it is planned.
/// </summary>
public sealed class Notice
{
    public Guid Id { get; set; }
    public string Key { get; set; } = "";
    public Guid MeetingId { get; set; }
    public NoticeKind Kind { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public NoticeState State { get; set; }
    public string? JobId { get; set; }
    /// <summary>For "you're up soon": the speaker it is for.</summary>
    public Guid? EntryId { get; set; }
    /// <summary>
    /// For a change notice, once its sending has begun: the last journal sequence it tells of. The next change notice
    /// tells of what came after, so each change is told once, and a retry tells the same.
    /// </summary>
    public long? Through { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One notice to one recipient on one channel. It is claimed (Sending) under a unique key before anything
/// is sent and marked after, so a retried job or a second server never sends it twice while the claim is held. A
/// claim left by a run that stopped part-way (its server killed) runs out after <see cref="NoticeJobs.ClaimAbandonedAfter"/>:
/// an e-mail is then sent, a text marked unknown.
/// </summary>
public sealed class Delivery
{
    public long Id { get; set; }
    public Guid NoticeId { get; set; }
    /// <summary>The subscriber's id, or for a speaker's text the speaker entry's id.</summary>
    public string Recipient { get; set; } = "";
    public Channel Channel { get; set; }
    public DeliveryState State { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>When the run sending it took it: a claim far older than a send takes was left by a run that stopped.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }
}
