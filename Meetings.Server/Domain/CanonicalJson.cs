using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Meetings.Server.Domain;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785): object members sorted by their names' UTF-16 code units,
/// no whitespace, strings escaped only where JSON requires it, numbers written as ECMAScript writes them.
/// Two parties that hold the same JSON values get the same bytes, whatever the whitespace, escaping or
/// member order of the text they were sent; so a hash of these bytes is a hash of the values.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The canonical UTF-8 bytes of a JSON value.</summary>
    public static byte[] Utf8(JsonElement value) => Encoding.UTF8.GetBytes(Serialize(value));

    /// <summary>The canonical text of a JSON value. Throws <see cref="FormatException"/> for what I-JSON forbids.</summary>
    public static string Serialize(JsonElement value)
    {
        var text = new StringBuilder();
        Write(text, value);
        return text.ToString();
    }

    /// <summary>Appends the canonical text of a JSON value.</summary>
    public static void Write(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = value.EnumerateObject().Select(p => (p.Name, p.Value)).ToList();
                // Ordinal comparison of .NET strings is comparison by UTF-16 code units, as RFC 8785 3.2.3 asks.
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                for (var i = 1; i < members.Count; i++)
                    if (members[i].Name == members[i - 1].Name) throw new FormatException($"Duplicate member \"{members[i].Name}\".");
                text.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    WriteString(text, members[i].Name);
                    text.Append(':');
                    Write(text, members[i].Value);
                }
                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first) text.Append(',');
                    Write(text, item);
                    first = false;
                }
                text.Append(']');
                break;
            case JsonValueKind.String: WriteString(text, StringOf(value)); break;
            case JsonValueKind.Number:
                text.Append(Number(value.TryGetDouble(out var number) ? number
                    : throw new FormatException($"The number {value.GetRawText()} is outside what a double can hold.")));
                break;
            case JsonValueKind.True: text.Append("true"); break;
            case JsonValueKind.False: text.Append("false"); break;
            case JsonValueKind.Null: text.Append("null"); break;
            default: throw new FormatException($"No JSON value ({value.ValueKind}).");
        }
    }

    private static string StringOf(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException("A string holds a lone surrogate, which UTF-8 cannot carry.", e);
        }
    }

    /// <summary>A string as RFC 8785 3.2.2.2 writes it: only the quote, the backslash and control characters escaped.</summary>
    public static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default:
                    if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])))
                        throw new FormatException("A string holds a lone surrogate, which UTF-8 cannot carry.");
                    text.Append(c);
                    if (char.IsHighSurrogate(c)) text.Append(value[++i]);
                    break;
            }
        }
        text.Append('"');
    }

    /// <summary>
    /// A number as ECMAScript's Number.prototype.toString writes it (RFC 8785 3.2.2.3): the shortest digits that
    /// read back as the same double, in plain notation from 1e-6 up to 1e21 and in exponent notation beyond.
    /// </summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value)) throw new FormatException("NaN and Infinity are not JSON numbers.");
        if (value == 0) return "0"; // minus zero too
        // .NET's "R" gives the shortest round-tripping digits; only their layout differs from ECMAScript's.
        var (digits, exponent) = Decompose(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture));
        var k = digits.Length;
        var n = exponent + 1; // the position of the decimal point after the first digit, as ECMA-262 counts it
        var sign = value < 0 ? "-" : "";
        if (k <= n && n <= 21) return sign + digits + new string('0', n - k);
        if (0 < n && n <= 21) return sign + digits[..n] + "." + digits[n..];
        if (-6 < n && n <= 0) return sign + "0." + new string('0', -n) + digits;
        var mantissa = k == 1 ? digits : digits[..1] + "." + digits[1..];
        return sign + mantissa + "e" + (n - 1 >= 0 ? "+" : "-") + Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Splits .NET's round-trip text ("1.2345E-07", "123.45") into significant digits and a power of ten for the first.</summary>
    private static (string Digits, int Exponent) Decompose(string text)
    {
        var e = text.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? text : text[..e];
        var power = e < 0 ? 0 : int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var integer = dot < 0 ? mantissa : mantissa[..dot];
        var fraction = dot < 0 ? "" : mantissa[(dot + 1)..];
        var all = integer + fraction;
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        // The first significant digit stands at 10^(integer.Length - 1 - leadingZeros), shifted by the exponent.
        return (digits, integer.Length - 1 - leadingZeros + power);
    }
}
