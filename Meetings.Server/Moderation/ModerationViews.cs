using Meetings.Client.Contracts;
using Meetings.Server.Domain;

namespace Meetings.Server.Moderation;

/// <summary>What the clerk sees to moderate: the originals as given beside what the public sees. Never sent to anyone else.</summary>
public static class ModerationViews
{
    public static ModerationView For(Meeting m) => new(
        m.Rules.WrittenComments.ToString(),
        [.. m.Agenda.SelectMany(i => m.QueueFor(i.Id)).Select(e => new ModeratedSpeaker(
            e.Id, e.ItemId, e.Source.ToString(), e.Name, e.PublicName, e.NameHidden, e.ModerationReason, m.Blocked.ContainsKey(e.PersonKey)))],
        [.. m.WrittenComments.Select(c => new ModeratedComment(c.Id, c.ItemId, c.Name, c.Text, c.At,
            c.Hidden ? "Hidden" : m.IsPublic(c) ? "Public" : "Pending", c.HiddenReason))],
        [.. m.Blocked.Select(b => new BlockedPerson(b.Key, b.Value))]);
}
