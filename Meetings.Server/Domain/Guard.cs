namespace Meetings.Server.Domain;

/// <summary>Checks for free text coming from people: trimmed, present when required, bounded in length.</summary>
internal static class Guard
{
    public static string Text(string? value, string field, int maxLength)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
            throw new InvalidInputException(field, $"The {field} is required.");
        // A lone surrogate is not text: it has no UTF-8 form, so no hash of the record could cover it.
        if (HasLoneSurrogate(text))
            throw new InvalidInputException(field, $"The {field} holds characters that are not valid text.");
        return text.Length <= maxLength ? text
            : throw new InvalidInputException(field, $"The {field} may be at most {maxLength} characters.");
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    public static string? OptionalText(string? value, string field, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(value, field, maxLength);
}
