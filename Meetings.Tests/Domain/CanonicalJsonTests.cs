using System.Text.Json;
using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

/// <summary>The JSON Canonicalization Scheme against the examples of RFC 8785 itself.</summary>
public class CanonicalJsonTests
{
    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CanonicalJson.Serialize(document.RootElement);
    }

    /// <summary>RFC 8785 section 3.2.2: the sample input and its canonical form, byte for byte (Appendix C's UTF-8).</summary>
    [Test]
    public void TheRfcsSample_IsCanonicalizedAsTheRfcShows()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";

        Assert.That(Canonical(input), Is.EqualTo(expected));
        // The UTF-8 bytes as the RFC prints them.
        const string rfcBytes =
            "7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a " +
            "5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 " +
            "5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d";
        using var document = JsonDocument.Parse(input);
        Assert.That(Convert.ToHexStringLower(CanonicalJson.Utf8(document.RootElement)), Is.EqualTo(rfcBytes.Replace(" ", "", StringComparison.Ordinal)));
    }

    /// <summary>RFC 8785 section 3.2.3: members sorted by the UTF-16 code units of their names, recursively.</summary>
    [Test]
    public void Members_AreSortedByUtf16CodeUnits_AsTheRfcShows()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        using var document = JsonDocument.Parse(Canonical(input));

        Assert.That(document.RootElement.EnumerateObject().Select(p => p.Value.GetString()), Is.EqualTo(new[]
        {
            "Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh",
        }), "an emoji (a surrogate pair, D83D) sorts before U+FB33, though its code point is larger");
        Assert.That(Canonical("""{"b":{"z":1,"a":[{"d":0,"c":0}]},"a":2}"""), Is.EqualTo("""{"a":2,"b":{"a":[{"c":0,"d":0}],"z":1}}"""));
    }

    /// <summary>RFC 8785 Appendix B: IEEE 754 doubles and their canonical text.</summary>
    [TestCase(0x0000000000000000UL, "0")]
    [TestCase(0x8000000000000000UL, "0")]
    [TestCase(0x0000000000000001UL, "5e-324")]
    [TestCase(0x8000000000000001UL, "-5e-324")]
    [TestCase(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [TestCase(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [TestCase(0x4340000000000000UL, "9007199254740992")]
    [TestCase(0xc340000000000000UL, "-9007199254740992")]
    [TestCase(0x4430000000000000UL, "295147905179352830000")]
    [TestCase(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [TestCase(0x44b52d02c7e14af6UL, "1e+23")]
    [TestCase(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [TestCase(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [TestCase(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [TestCase(0x444b1ae4d6e2ef50UL, "1e+21")]
    [TestCase(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [TestCase(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [TestCase(0x41b3de4355555553UL, "333333333.3333332")]
    [TestCase(0x41b3de4355555554UL, "333333333.33333325")]
    [TestCase(0x41b3de4355555555UL, "333333333.3333333")]
    [TestCase(0x41b3de4355555556UL, "333333333.3333334")]
    [TestCase(0x41b3de4355555557UL, "333333333.33333343")]
    [TestCase(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [TestCase(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Numbers_AreWrittenAsEcmaScriptWritesThem(ulong bits, string expected)
    {
        Assert.That(CanonicalJson.Number(BitConverter.UInt64BitsToDouble(bits)), Is.EqualTo(expected));
    }

    /// <summary>RFC 8785 Appendix B: NaN and Infinity have no JSON form.</summary>
    [TestCase(0x7fffffffffffffffUL)]
    [TestCase(0x7ff0000000000000UL)]
    public void NaNAndInfinity_AreRefused(ulong bits)
    {
        Assert.That(() => CanonicalJson.Number(BitConverter.UInt64BitsToDouble(bits)), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void Strings_EscapeOnlyWhatJsonRequires()
    {
        Assert.That(Canonical("\"\\u0001\\b\\t\\n\\f\\r\\u001f \\u007f \\u2028 <>&' \\u00e9\""),
            Is.EqualTo("\"\\u0001\\b\\t\\n\\f\\r\\u001f \u007f \u2028 <>&' é\""));
    }

    [Test]
    public void WhatIJsonForbids_IsRefused()
    {
        Assert.That(() => Canonical("""{"a":1,"a":2}"""), Throws.TypeOf<FormatException>(), "duplicate names");
        Assert.That(() => Canonical("\"\\ud800\""), Throws.TypeOf<FormatException>(), "a lone surrogate");
        Assert.That(() => Canonical("1e400"), Throws.TypeOf<FormatException>(), "beyond a double");
    }
}
