namespace Meetings.Client.Contracts;

/// <summary>Phone numbers as people dial them: a North American number as (503) 555-0100, others in international form with spaces.</summary>
public static class PhoneNumbers
{
    public static string Display(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return "";
        var digits = new string(number.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 11 && digits[0] == '1') digits = digits[1..];
        else if (digits.Length != 10 || number.TrimStart().StartsWith('+')) return number.Trim();
        return $"({digits[..3]}) {digits[3..6]}-{digits[6..]}";
    }
}
