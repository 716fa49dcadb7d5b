using System.Security.Cryptography;
using System.Text;
using Meetings.Server.Domain;

namespace Meetings.Tests.Domain;

public class JournalChainTests
{
    private static readonly Guid MeetingId = Guid.Parse("6f1c1a4e-2d3b-4c5d-9e8f-0a1b2c3d4e5f");

    private static List<JournalEntry> Chain(int length)
    {
        var entries = new List<JournalEntry>();
        var previous = JournalChain.Genesis;
        for (var seq = 1L; seq <= length; seq++)
        {
            var entry = JournalChain.Link(MeetingId, seq, TestMeeting.At(seq), "clerk", $"Event{seq}", $"{{\"n\":{seq}}}", previous);
            entries.Add(entry);
            previous = entry.Hash;
        }
        return entries;
    }

    [Test]
    public void AnIntactChain_HasNoBrokenLink()
    {
        Assert.That(JournalChain.FirstBrokenLink(Chain(5)), Is.Null);
    }

    [Test]
    public void AnEmptyJournal_HasNoBrokenLink()
    {
        Assert.That(JournalChain.FirstBrokenLink([]), Is.Null);
    }

    [Test]
    public void Link_ChainsEachEntryToThePreviousHash_StartingFromGenesis()
    {
        var chain = Chain(3);

        Assert.That(JournalChain.Genesis, Is.EqualTo(new string('0', 64)));
        Assert.That(chain[0].PreviousHash, Is.EqualTo(JournalChain.Genesis));
        Assert.That(chain[2].PreviousHash, Is.EqualTo(chain[1].Hash));
        Assert.That(chain[1].Hash, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(chain.Select(e => e.Hash).Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public void AnEditedPayload_IsTheFirstBrokenLink()
    {
        var chain = Chain(5);
        chain[2] = chain[2] with { Payload = "{\"n\":333}" };

        Assert.That(JournalChain.FirstBrokenLink(chain), Is.EqualTo(3));
    }

    [Test]
    public void AnEditedPayloadWithARecomputedHash_BreaksTheNextLink()
    {
        var chain = Chain(5);
        var e = chain[2];
        chain[2] = JournalChain.Link(e.MeetingId, e.Sequence, e.At, e.Actor, e.Type, "{\"n\":333}", e.PreviousHash);

        Assert.That(JournalChain.FirstBrokenLink(chain), Is.EqualTo(4));
    }

    [Test]
    public void AWrongPreviousHash_IsABrokenLink()
    {
        var chain = Chain(5);
        var e = chain[3];
        chain[3] = JournalChain.Link(e.MeetingId, e.Sequence, e.At, e.Actor, e.Type, e.Payload, chain[1].Hash);

        Assert.That(JournalChain.FirstBrokenLink(chain), Is.EqualTo(4));
    }

    [Test]
    public void AFirstEntryNotLinkedToGenesis_IsABrokenLink()
    {
        var chain = Chain(2);
        chain[0] = JournalChain.Link(MeetingId, 1, TestMeeting.At(1), "clerk", "Event1", "{\"n\":1}", new string('f', 64));

        Assert.That(JournalChain.FirstBrokenLink(chain), Is.EqualTo(1));
    }

    [Test]
    public void AGap_IsABrokenLink()
    {
        var chain = Chain(5);
        chain.RemoveAt(2);

        Assert.That(JournalChain.FirstBrokenLink(chain), Is.EqualTo(3));
    }

    [Test]
    public void AMissingFirstEntry_IsABrokenLink()
    {
        Assert.That(JournalChain.FirstBrokenLink(Chain(3).Skip(1)), Is.EqualTo(1));
    }

    [Test]
    public void SwappedEntries_AreABrokenLink()
    {
        var chain = Chain(4);
        (chain[1], chain[2]) = (chain[2], chain[1]);

        Assert.That(JournalChain.FirstBrokenLink(chain), Is.EqualTo(2));
    }

    [TestCase("actor")]
    [TestCase("type")]
    [TestCase("at")]
    [TestCase("meeting")]
    public void EditingAnyField_IsABrokenLink(string field)
    {
        var chain = Chain(3);
        chain[1] = field switch
        {
            "actor" => chain[1] with { Actor = "admin" },
            "type" => chain[1] with { Type = "VoteCorrected" },
            "at" => chain[1] with { At = chain[1].At.AddSeconds(1) },
            _ => chain[1] with { MeetingId = Guid.NewGuid() },
        };

        Assert.That(JournalChain.FirstBrokenLink(chain), Is.EqualTo(2));
    }

    [Test]
    public void TheHash_DoesNotConfuseFieldBoundaries()
    {
        var a = JournalChain.HashOf(MeetingId, 1, TestMeeting.Start, "ab", "c", "{}", JournalChain.Genesis);
        var b = JournalChain.HashOf(MeetingId, 1, TestMeeting.Start, "a", "bc", "{}", JournalChain.Genesis);

        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public void TheHash_DependsOnTheInstant_NotItsOffset()
    {
        var utc = TestMeeting.Start.ToUniversalTime();
        Assert.That(JournalChain.HashOf(MeetingId, 1, utc, "a", "t", "{}", JournalChain.Genesis),
            Is.EqualTo(JournalChain.HashOf(MeetingId, 1, TestMeeting.Start, "a", "t", "{}", JournalChain.Genesis)));
    }

    /// <summary>The rule the README states: SHA-256 of the RFC 8785 form of {meetingId, sequence, at, actor, type, payload, previousHash}, as served.</summary>
    [Test]
    public void TheHash_IsTheSha256_OfTheCanonicalJsonOfTheServedFields()
    {
        var at = new DateTimeOffset(2026, 3, 4, 10, 30, 5, 120, TimeSpan.FromHours(-8));

        var hash = JournalChain.HashOf(MeetingId, 7, at, "clerk: Jo", "ItemOpened", """{ "itemId" : "x\u00e9", "a": 1.0 }""", JournalChain.Genesis);

        const string served = "{\"actor\":\"clerk: Jo\",\"at\":\"2026-03-04T18:30:05.120Z\",\"meetingId\":\"6f1c1a4e-2d3b-4c5d-9e8f-0a1b2c3d4e5f\"," +
            "\"payload\":{\"a\":1,\"itemId\":\"xé\"},\"previousHash\":\"0000000000000000000000000000000000000000000000000000000000000000\"," +
            "\"sequence\":7,\"type\":\"ItemOpened\"}";
        Assert.That(hash, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(served)))));
        Assert.That(JournalChain.AtText(at), Is.EqualTo("2026-03-04T18:30:05.120Z"));
    }

    [TestCase("""{"b":[1,2.5e3,{"y":null,"x":true}],"a":"\u00e9\n\"q\"","€":"x","\r":0}""")]
    [TestCase("{}")]
    public void TheCanonicalForm_IsTheGeneralCanonicalizationOfTheServedObject(string payload)
    {
        var at = new DateTimeOffset(2026, 3, 4, 10, 30, 5, 120, TimeSpan.FromHours(-8));
        var general = CanonicalJson.Serialize(System.Text.Json.JsonSerializer.SerializeToElement(
            JournalChain.Hashed(MeetingId, 12345, at, "clerk: Zoë \"Z\"", "SpeakerSignedUp", payload, JournalChain.Genesis)));

        Assert.That(JournalChain.CanonicalForm(MeetingId, 12345, at, "clerk: Zoë \"Z\"", "SpeakerSignedUp", payload, JournalChain.Genesis), Is.EqualTo(general));
    }

    [Test]
    public void TheHash_DependsOnThePayloadsValues_NotOnHowItsJsonIsWritten()
    {
        Assert.That(JournalChain.HashOf(MeetingId, 1, TestMeeting.Start, "a", "t", """{"b":[1,2],"a":"\u0041"}""", JournalChain.Genesis),
            Is.EqualTo(JournalChain.HashOf(MeetingId, 1, TestMeeting.Start, "a", "t", """{ "a" : "A", "b" : [ 1.0, 2e0 ] }""", JournalChain.Genesis)));
    }

    [Test]
    public void AText_ThatIsNotTheOneItsPayloadCommitsTo_IsABrokenLink()
    {
        var sealedText = SealedText.Seal("Ana Ruiz");
        var entry = JournalChain.Link(MeetingId, 1, TestMeeting.Start, "resident", "SpeakerSignedUp",
            $$"""{"name":"{{sealedText.Commitment}}"}""", JournalChain.Genesis, new Dictionary<string, SealedText> { ["name"] = sealedText });
        Assert.That(JournalChain.FirstBrokenLink([entry]), Is.Null);
        Assert.That(JournalChain.FirstBrokenLink([entry with { Texts = null }]), Is.Null, "a withheld text leaves the chain whole");

        var edited = entry with { Texts = new Dictionary<string, SealedText> { ["name"] = sealedText with { Text = "Someone Else" } } };

        Assert.That(JournalChain.FirstBrokenLink([edited]), Is.EqualTo(1));
        Assert.That(sealedText.Commitment, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sealedText.Salt + "Ana Ruiz")))));
        Assert.That(sealedText.Salt, Does.Match("^[0-9a-f]{32}$"));
    }

    [Test]
    public void TheFirstRule_StillChecksOldJournals_ForReChaining()
    {
        var (previous, entries) = (JournalChain.Genesis, new List<JournalEntry>());
        for (var seq = 1L; seq <= 3; seq++)
        {
            var hash = JournalChain.Legacy.HashOf(MeetingId, seq, TestMeeting.At(seq), "clerk", "E", "{}", previous);
            entries.Add(new JournalEntry(MeetingId, seq, TestMeeting.At(seq), "clerk", "E", "{}", previous, hash));
            previous = hash;
        }
        Assert.That(JournalChain.Legacy.FirstBrokenLink(entries), Is.Null);
        Assert.That(JournalChain.FirstBrokenLink(entries), Is.EqualTo(1), "the current rule does not accept the first rule's hashes");
        entries[1] = entries[1] with { Payload = "{\"x\":1}" };
        Assert.That(JournalChain.Legacy.FirstBrokenLink(entries), Is.EqualTo(2));
    }
}
