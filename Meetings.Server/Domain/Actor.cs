namespace Meetings.Server.Domain;

public enum ActorRole { System, Resident, Official, Clerk, Admin }

/// <summary>Who asked for a change. Only <see cref="Display"/> goes into the public journal.</summary>
public sealed record Actor(ActorRole Role, string Display)
{
    public static Actor System { get; } = new(ActorRole.System, "system");
    public static Actor Resident { get; } = new(ActorRole.Resident, "resident");
}
