using Meetings.Server.Followers;
using Meetings.Server.Meetings;

namespace Meetings.Server.Notices;

/// <summary>
/// Plans a meeting's notices from its journal: after each change, the notices the meeting should now have (see
/// <see cref="NoticePlan.For"/>). Planning twice is harmless: every notice exists once under its unique key, and a
/// delivery is claimed under a unique key before it is sent.
/// </summary>
public sealed class NoticeFollower(IServiceScopeFactory scopes, MeetingStore store, TimeProvider clock) : IJournalFollower
{
    public string Name => "notices";

    public async Task FollowAsync(FollowedEvents batch, CancellationToken ct)
    {
        var amendedAt = NoticePlan.FirstAmendment(batch.Numbered);
        var plan = await store.ReadAsync(batch.MeetingId, m => NoticePlan.For(m, amendedAt, clock.GetUtcNow()), ct);
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NoticePlanner>().ApplyAsync(plan);
    }
}
