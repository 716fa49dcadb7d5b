namespace Meetings.Server.Domain;

/// <summary>
/// A command was refused because it would break a rule of procedure. <see cref="Rule"/> names the
/// rule (stable, for programs); the message says it in words a clerk can act on.
/// </summary>
public sealed class MeetingRuleException(string rule, string message) : Exception(message)
{
    public string Rule { get; } = rule;
}

/// <summary>Input that is malformed rather than against the rules (a blank title, a bad time zone).</summary>
public sealed class InvalidInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
