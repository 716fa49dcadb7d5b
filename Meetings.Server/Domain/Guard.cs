namespace Meetings.Server.Domain;

/// <summary>Checks for free text coming from people: trimmed, present when required, bounded in length.</summary>
internal static class Guard
{
    public static string Text(string? value, string field, int maxLength)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
            throw new InvalidInputException(field, $"The {field} is required.");
        return text.Length <= maxLength ? text
            : throw new InvalidInputException(field, $"The {field} may be at most {maxLength} characters.");
    }

    public static string? OptionalText(string? value, string field, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(value, field, maxLength);
}
