using Meetings.Client.Contracts;
using Meetings.Server.Identity;
using Meetings.Server.Meetings;
using Meetings.Server.Moderation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Meetings.Server.Live;

// The clerk's moderation: each command is a recorded event with its reason; the originals stay on the record,
// and only the clerk's own view (Moderation) shows them.
public sealed partial class MeetingHub
{
    /// <summary>Every speaker's name as given and as shown, every written comment with its state, and who is blocked: for the clerk alone.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<ModerationView> Moderation(Guid meetingId) =>
        store.ReadAsync(meetingId, m => MeetingEndpoints.Visible(m, Context.User!) ? ModerationViews.For(m) : throw new HubException("No such meeting."));

    /// <summary>Hides a speaker's name from the public (screens, display, journal, exports), with a reason.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> HideSpeakerName(Guid meetingId, Guid entryId, string reason) =>
        Run(meetingId, (m, _) => m.HideSpeakerName(entryId, reason ?? ""));

    /// <summary>Shows another name in place of a speaker's (such as "Speaker 4"), with a reason.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> ReplaceSpeakerName(Guid meetingId, Guid entryId, string name, string reason) =>
        Run(meetingId, (m, _) => m.ReplaceSpeakerName(entryId, name ?? "", reason ?? ""));

    /// <summary>Hides a written comment from the public, with a reason.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> HideWrittenComment(Guid meetingId, Guid commentId, string reason) =>
        Run(meetingId, (m, _) => m.HideWrittenComment(commentId, reason ?? ""));

    /// <summary>Makes a written comment public, where the body's rule holds comments for release.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> ReleaseWrittenComment(Guid meetingId, Guid commentId) =>
        Run(meetingId, (m, _) => m.ReleaseWrittenComment(commentId));

    /// <summary>Ends a web or phone speaker's turn and drops their call, in one action; the line is muted at once and the call hung up.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> DropSpeaker(Guid meetingId, Guid entryId) =>
        Run(meetingId, (m, now) => m.DropSpeaker(now, entryId));

    /// <summary>Blocks the person behind a web or phone sign-up from signing up or commenting again in this meeting.</summary>
    [Authorize(Policy = Roles.ClerkPolicy)]
    public Task<CommandAck> BlockSpeaker(Guid meetingId, Guid entryId, string reason) =>
        Run(meetingId, (m, _) => m.BlockSpeaker(entryId, reason ?? ""));
}
