using System.Text.Json;
using System.Text.Json.Nodes;
using Meetings.Client.Services;
using Meetings.Server.Live;

namespace Meetings.Tests.Live;

/// <summary>The patch between two snapshots (server) and applying it (client): what one computes the other reproduces, and small changes stay small.</summary>
public class SnapshotPatchTests
{
    [Test]
    public void ThePatchBetweenTwoDocuments_TurnsTheFirstIntoTheSecond_ForAThousandRandomChanges()
    {
        var random = new Random(20261125);
        JsonNode before = Meeting(random, speakers: 40);
        for (var round = 0; round < 1000; round++)
        {
            var after = before.DeepClone();
            for (var i = random.Next(1, 4); i > 0; i--) Change(after, random);
            var patched = JsonPatch.Apply(before.DeepClone(), Patch(before, after));
            Assert.That(JsonNode.DeepEquals(patched, after), Is.True, $"round {round}: {Patch(before, after)}");
            before = after;
        }
    }

    [Test]
    public void ASignUpInAQueueOfAThousand_IsOneAdd_AndAStateChangeOneReplace()
    {
        var before = Meeting(new Random(1), speakers: 1000);
        var after = before.DeepClone();
        var speakers = after["speakers"]!.AsArray();
        speakers.Insert(500, Speaker("new-speaker", "Pat New"));
        var signUp = Ops(before, after);
        Assert.That(signUp.Select(o => (o["op"]!.GetValue<string>(), o["path"]!.GetValue<string>())), Is.EqualTo(new[] { ("add", "/speakers/500") }));

        var next = after.DeepClone();
        next["speakers"]![10]!["state"] = "Speaking";
        Assert.That(Ops(after, next).Select(o => (o["op"]!.GetValue<string>(), o["path"]!.GetValue<string>())), Is.EqualTo(new[] { ("replace", "/speakers/10/state") }));
    }

    [Test]
    public void AReorder_IsMoves_AndAListWhoseEveryElementChanged_IsOneReplace()
    {
        var before = Meeting(new Random(2), speakers: 200);
        var after = before.DeepClone();
        var speakers = after["speakers"]!.AsArray();
        var last = speakers[199]!;
        speakers.RemoveAt(199);
        speakers.Insert(3, last);
        Assert.That(Ops(before, after).Select(o => o["op"]!.GetValue<string>()), Is.EqualTo(new[] { "move" }));

        foreach (var (from, to) in new[] { (0, 199), (10, 150), (199, 0), (120, 121) })
        {
            var reordered = before.DeepClone();
            var list = reordered["speakers"]!.AsArray();
            var speaker = list[from]!;
            list.RemoveAt(from);
            list.Insert(to, speaker);
            Assert.That(Ops(before, reordered).Select(o => o["op"]!.GetValue<string>()), Is.EqualTo(new[] { "move" }), $"one speaker from {from} to {to}");
            Assert.That(JsonNode.DeepEquals(JsonPatch.Apply(before.DeepClone(), Patch(before, reordered)), reordered), Is.True);
        }
        var swapped = before.DeepClone();
        var pairs = swapped["speakers"]!.AsArray();
        for (var i = 0; i + 1 < 20; i += 2)
        {
            var first = pairs[i]!;
            pairs.RemoveAt(i);
            pairs.Insert(i + 1, first);
        }
        Assert.That(Ops(before, swapped).Count(o => o["op"]!.GetValue<string>() == "move"), Is.EqualTo(10), "ten pairs swapped: one move each");

        var corrected = before.DeepClone();
        corrected["corrections"] = new JsonArray([.. Enumerable.Range(0, 20).Select(i => (JsonNode)new JsonObject { ["seatId"] = "seat1", ["choice"] = $"Nay {i}" })]);
        var recorrected = corrected.DeepClone();
        recorrected["corrections"] = new JsonArray([.. Enumerable.Range(0, 20).Select(i => (JsonNode)new JsonObject { ["seatId"] = "seat2", ["choice"] = $"Aye {i}" })]);
        Assert.That(Ops(corrected, recorrected).Select(o => (o["op"]!.GetValue<string>(), o["path"]!.GetValue<string>())),
            Is.EqualTo(new[] { ("replace", "/corrections") }), "cheaper whole than as forty replaces");
    }

    [Test]
    public void NamesWithSlashesAndTildes_AreEscapedAsJsonPointerSays()
    {
        var before = JsonNode.Parse("""{"a/b":1,"c~d":{"x":1}}""");
        var after = JsonNode.Parse("""{"a/b":2,"c~d":{"x":2}}""");
        Assert.That(Ops(before, after).Select(o => o["path"]!.GetValue<string>()), Is.EquivalentTo(new[] { "/a~1b", "/c~0d/x" }));
        Assert.That(JsonNode.DeepEquals(JsonPatch.Apply(before, Patch(before, after)), after), Is.True);
    }

    [Test]
    public void APatchThatDoesNotFitTheDocument_IsRefused()
    {
        var document = JsonNode.Parse("""{"speakers":[{"id":"a"}]}""");
        Assert.That(() => JsonPatch.Apply(document, Parse("""[{"op":"remove","path":"/speakers/3"}]""")), Throws.TypeOf<JsonPatchException>());
        Assert.That(() => JsonPatch.Apply(document, Parse("""[{"op":"replace","path":"/nothing/here","value":1}]""")), Throws.TypeOf<JsonPatchException>());
        Assert.That(() => JsonPatch.Apply(document, Parse("""[{"op":"test","path":"/speakers/0/id","value":"b"}]""")), Throws.TypeOf<JsonPatchException>());
        Assert.That(() => JsonPatch.Apply(document, Parse("""[{"op":"add","path":"/speakers/01","value":1}]""")), Throws.TypeOf<JsonPatchException>());
    }

    private static JsonElement Patch(JsonNode? before, JsonNode? after)
    {
        using var a = JsonDocument.Parse(before!.ToJsonString());
        using var b = JsonDocument.Parse(after!.ToJsonString());
        var ops = SnapshotDiff.Diff(a.RootElement, b.RootElement);
        return Parse("[" + string.Join(",", ops.Select(o => System.Text.Encoding.UTF8.GetString(o))) + "]");
    }

    private static List<JsonNode> Ops(JsonNode? before, JsonNode? after) => [.. JsonNode.Parse(Patch(before, after).GetRawText())!.AsArray().Select(o => o!)];

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static JsonObject Meeting(Random random, int speakers) => new JsonObject
    {
        ["sequence"] = 1,
        ["meeting"] = new JsonObject { ["title"] = "Council", ["status"] = "Live" },
        ["speakers"] = new JsonArray([.. Enumerable.Range(0, speakers).Select(i => Speaker($"s{i}", $"Speaker {i}"))]),
        ["members"] = new JsonArray([.. Enumerable.Range(0, 5).Select(i => (JsonNode)new JsonObject { ["seatId"] = $"seat{i}", ["presence"] = "Absent" })]),
        ["motions"] = new JsonArray(new JsonObject { ["id"] = "m1", ["votes"] = new JsonObject(), ["ayes"] = 0 }),
        ["corrections"] = new JsonArray(),
        ["speaking"] = null,
        ["serverTime"] = "2026-01-01T00:00:00Z",
    };

    private static JsonObject Speaker(string id, string name) => new JsonObject { ["id"] = id, ["name"] = name, ["state"] = "Waiting", ["seconds"] = null };

    /// <summary>One random change of the kinds a meeting has: sign-ups, withdrawals, reorders, states, votes, corrections, the floor.</summary>
    private static void Change(JsonNode meeting, Random random)
    {
        var speakers = meeting["speakers"]!.AsArray();
        var votes = meeting["motions"]![0]!["votes"]!.AsObject();
        switch (random.Next(9))
        {
            case 0: speakers.Insert(random.Next(speakers.Count + 1), Speaker(Guid.NewGuid().ToString(), "New")); break;
            case 1 when speakers.Count > 0: speakers.RemoveAt(random.Next(speakers.Count)); break;
            case 2 when speakers.Count > 1:
                var from = random.Next(speakers.Count);
                var moved = speakers[from]!;
                speakers.RemoveAt(from);
                speakers.Insert(random.Next(speakers.Count + 1), moved);
                break;
            case 3 when speakers.Count > 0: speakers[random.Next(speakers.Count)]!["state"] = random.Next(2) == 0 ? "Done" : "OnDeck"; break;
            case 4: votes[$"seat{random.Next(5)}"] = random.Next(2) == 0 ? "Aye" : "Nay"; break;
            case 5 when votes.Count > 0: votes.Remove(votes.First().Key); break;
            case 6: meeting["corrections"]!.AsArray().Insert(0, new JsonObject { ["seatId"] = "seat1", ["choice"] = "Nay" }); break;
            case 8 when speakers.Count > 2 && random.Next(4) == 0:
                // A clerk's bulk reorder: a stretch of the queue shuffled.
                var start = random.Next(speakers.Count - 1);
                var stretch = speakers.Skip(start).Take(random.Next(2, 12)).ToList();
                foreach (var s in stretch) speakers.Remove(s);
                foreach (var s in stretch.OrderBy(_ => random.Next())) speakers.Insert(Math.Min(start, speakers.Count), s);
                break;
            case 7: meeting["speaking"] = speakers.Count > 0 && meeting["speaking"] is null ? speakers[0]!.DeepClone() : null; break;
            default: meeting["sequence"] = meeting["sequence"]!.GetValue<int>() + 1; break;
        }
        meeting["serverTime"] = DateTimeOffset.UnixEpoch.AddSeconds(random.Next()).ToString("O");
    }
}
