using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Journal;

/// <summary>
/// Brings journals written under the first hash rule to the current one, once, at start-up. Each old event is
/// rewritten as it is stored now (free text sealed behind a commitment, person keys made per meeting) and
/// linked under the current rule; then an event is appended that records the old head it replaces and whether
/// the old chain was whole, so nothing about the change is hidden. The appended event's unique place makes a
/// second instance doing the same at the same time fail and roll back.
/// </summary>
public static class JournalRechain
{
    public static async Task RechainOldJournalsAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeetingsDbContext>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JournalRechain));
        var old = await db.Journal.AsNoTracking().Where(r => r.ChainVersion < JournalChain.Version).Select(r => r.MeetingId).Distinct().ToListAsync();
        foreach (var meetingId in old)
        {
            try
            {
                var marker = await RechainAsync(db, app.Services.GetRequiredService<PersonKeys>(), meetingId, app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
                if (marker is not null)
                    log.LogInformation("Re-chained the journal of meeting {MeetingId} under hash rule {Rule}: {Through} events, old head {OldHead}, old chain {State}.",
                        meetingId, JournalChain.Version, marker.Through, marker.OldHead, marker.OldFirstBrokenLink is { } b ? $"broken at {b}" : "whole");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Re-chaining the journal of meeting {MeetingId} failed; it stays under the old rule and will not verify.", meetingId);
            }
        }
    }

    /// <summary>Re-chains one meeting's journal if it has events under the first rule; returns the event recording it, or null.</summary>
    public static async Task<JournalRechained?> RechainAsync(MeetingsDbContext db, PersonKeys keys, Guid meetingId, DateTimeOffset now, CancellationToken ct = default)
    {
        db.ChangeTracker.Clear();
        var rows = await db.Journal.Where(r => r.MeetingId == meetingId).OrderBy(r => r.Sequence).ToListAsync(ct);
        if (rows.Count == 0 || rows.All(r => r.ChainVersion == JournalChain.Version)) return null;
        if (rows.Any(r => r.ChainVersion == JournalChain.Version))
            throw new InvalidOperationException("The journal mixes hash rules; it was appended to before being re-chained.");
        var old = rows.Select(r => r.ToEntry()).ToList();
        var marker = new JournalRechained(1, old[^1].Sequence, old[^1].Hash, JournalChain.Legacy.FirstBrokenLink(old));
        var previous = JournalChain.Genesis;
        foreach (var row in rows)
        {
            var (payload, texts) = EventSerializer.Serialize(Rekeyed(EventSerializer.DeserializeUnsealed(row.Type, row.Payload), keys, meetingId));
            var entry = JournalChain.Link(meetingId, row.Sequence, row.At, row.Actor, row.Type, payload, previous, texts);
            (row.Payload, row.Texts, row.PreviousHash, row.Hash, row.ChainVersion) =
                (entry.Payload, JournalRow.TextsOf(entry), entry.PreviousHash, entry.Hash, JournalChain.Version);
            previous = entry.Hash;
        }
        var at = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var (markerPayload, _) = EventSerializer.Serialize(marker);
        db.Journal.Add(JournalRow.From(JournalChain.Link(meetingId, marker.Through + 1, at, Actor.System.Display, EventSerializer.TypeName(marker), markerPayload, previous)));
        (await db.Meetings.SingleAsync(m => m.Id == meetingId, ct)).LastSequence = marker.Through + 1;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return marker;
    }

    /// <summary>Person keys were one hash of a resident's token for every meeting; each becomes a key of its own meeting.</summary>
    private static MeetingEvent Rekeyed(MeetingEvent e, PersonKeys keys, Guid meetingId) => e switch
    {
        SpeakerSignedUp s => s with { PersonKey = keys.Rekeyed(meetingId, s.PersonKey) },
        WrittenCommentSubmitted c => c with { PersonKey = keys.Rekeyed(meetingId, c.PersonKey) },
        _ => e,
    };
}
