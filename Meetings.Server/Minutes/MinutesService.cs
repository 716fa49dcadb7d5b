using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Meetings.Client.Contracts;
using Meetings.Server.Data;
using Meetings.Server.Domain;
using Meetings.Server.Errors;
using Meetings.Server.Identity;
using Meetings.Server.Meetings;
using Meetings.Server.Records;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Server.Minutes;

/// <summary>What prints on the minutes besides the record: <c>Minutes:BodyName</c> (else the body's own) and <c>Minutes:SealText</c>.</summary>
public sealed class MinutesOptions
{
    public string? BodyName { get; set; }
    public string? SealText { get; set; }
    public string? FontFolder { get; set; }
}

/// <summary>
/// The minutes of a meeting: the draft made from its record and the clerk's narratives, edits and approvals through
/// the meeting's one path of change (so each is a journal event), and approved versions read back and checked
/// against the hash the journal holds for them.
/// </summary>
public sealed class MinutesService(MeetingsDbContext db, MeetingRecords records, MeetingStore store, Microsoft.Extensions.Options.IOptions<MinutesOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The draft: the record as the journal now stands, with the narratives as last edited.</summary>
    public async Task<(MeetingRecord Record, MinutesDocument Document)> DraftAsync(Guid meetingId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var record = await records.ReadAsync(meetingId, user, ct);
        return (record, await BuildAsync(record, ct));
    }

    /// <summary>An approved version (the latest when none is named), exactly as approved, or null when there is none.</summary>
    public async Task<MinutesDocument?> ApprovedAsync(MeetingRecord record, int? version, CancellationToken ct = default)
    {
        var versions = record.Meeting.MinutesVersions;
        var approved = version is { } n ? versions.FirstOrDefault(v => v.Version == n) : versions.Count > 0 ? versions[^1] : null;
        if (approved is null) return null;
        var json = await TextAsync(record.Meeting.Id, approved.DocumentHash, ct);
        return JsonSerializer.Deserialize<MinutesDocument>(json, Json)! with { ApprovedAt = record.Meeting.Local(approved.ApprovedAt) };
    }

    public async Task EditNarrativeAsync(Guid meetingId, NarrativeRequest request, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var text = (request.Text ?? "").Trim();
        Func<Meeting, DateTimeOffset, MeetingEvent[]> edit = (m, now) => m.EditNarrative(now, request.ItemId, text);
        await store.CheckAsync(meetingId, edit, ct);
        await KeepAsync(meetingId, text, ct);
        await store.ExecuteAsync(meetingId, Actors.For(user), edit, ct);
    }

    /// <summary>Freezes the draft as the next version: its JSON is kept under its hash, and the approval names that hash.</summary>
    public async Task<MinutesVersion> ApproveAsync(Guid meetingId, ApproveMinutesRequest request, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var record = await records.ReadAsync(meetingId, user, ct);
        var m = record.Meeting;
        var version = m.MinutesVersions.Count + 1;
        var draft = await BuildAsync(record, ct);
        var previous = await ApprovedAsync(record, null, ct);
        var correction = string.IsNullOrWhiteSpace(request.Correction) ? null : request.Correction.Trim();
        var changed = previous is null ? [] : Changes(previous, draft);
        if (previous is not null && correction is not null && changed.Count == 0)
            throw new MeetingRuleException("minutes-unchanged", $"These minutes read the same as version {previous.Version}; there is nothing to correct.");
        var document = draft with { Version = version, Correction = version > 1 ? correction : null, Changed = changed };
        var json = JsonSerializer.Serialize(document, Json);
        var hash = Meeting.HashOfText(json);
        Func<Meeting, DateTimeOffset, MeetingEvent[]> approve = (meeting, now) => meeting.ApproveMinutes(now, version, hash, record.Events, correction);
        await store.CheckAsync(meetingId, approve, ct);
        await KeepAsync(meetingId, json, ct);
        var result = await store.ExecuteAsync(meetingId, Actors.For(user), approve, meeting => meeting.MinutesVersions[^1], ct);
        return result.View;
    }

    private async Task<MinutesDocument> BuildAsync(MeetingRecord record, CancellationToken ct)
    {
        var m = record.Meeting;
        var texts = new Dictionary<string, string>();
        foreach (var hash in m.Narratives.Values.Distinct()) texts[hash] = await TextAsync(m.Id, hash, ct);
        return MinutesBuilder.Build(record, hash => texts.GetValueOrDefault(hash), options.Value.BodyName ?? m.BodyName, options.Value.SealText);
    }

    /// <summary>Which sections differ from the version before: the heading, attendance, an item, the appendix.</summary>
    private static List<string> Changes(MinutesDocument before, MinutesDocument after)
    {
        static string J(object? o) => JsonSerializer.Serialize(o, Json);
        var changed = new List<string>();
        if (J(before with { Version = null, ApprovedAt = null, Correction = null, Changed = [], Attendance = [], ArrivalsAndDepartures = [], Quorum = [], Items = [], WrittenComments = [], AsOfSequence = 0 })
            != J(after with { Version = null, ApprovedAt = null, Correction = null, Changed = [], Attendance = [], ArrivalsAndDepartures = [], Quorum = [], Items = [], WrittenComments = [], AsOfSequence = 0 }))
            changed.Add("header");
        if (J((before.Attendance, before.ArrivalsAndDepartures, before.Quorum)) != J((after.Attendance, after.ArrivalsAndDepartures, after.Quorum)))
            changed.Add("attendance");
        foreach (var item in after.Items)
            if (J(before.Items.FirstOrDefault(i => i.Number == item.Number)) != J(item)) changed.Add($"item {item.Number}");
        if (J(before.WrittenComments) != J(after.WrittenComments)) changed.Add("appendix");
        return changed;
    }

    private async Task KeepAsync(Guid meetingId, string text, CancellationToken ct)
    {
        var hash = Meeting.HashOfText(text);
        if (await db.MinutesTexts.AnyAsync(t => t.MeetingId == meetingId && t.Hash == hash, ct)) return;
        db.MinutesTexts.Add(new MinutesText { MeetingId = meetingId, Hash = hash, Text = text });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Kept meanwhile by a concurrent request: the same text under the same hash is as good.
            db.ChangeTracker.Clear();
            if (!await db.MinutesTexts.AsNoTracking().AnyAsync(t => t.MeetingId == meetingId && t.Hash == hash, ct)) throw;
        }
        db.ChangeTracker.Clear();
    }

    /// <summary>A kept text, checked against the hash the journal records for it.</summary>
    private async Task<string> TextAsync(Guid meetingId, string hash, CancellationToken ct)
    {
        if (hash == Meeting.HashOfText("")) return "";
        var text = await db.MinutesTexts.AsNoTracking().Where(t => t.MeetingId == meetingId && t.Hash == hash).Select(t => t.Text).SingleOrDefaultAsync(ct);
        return text is not null && Meeting.HashOfText(text) == hash ? text
            : throw new ConflictException("A stored text of the minutes is missing or does not match the journal; the minutes cannot be shown.");
    }
}
