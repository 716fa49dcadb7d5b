using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Meetings.Tests.Live;

/// <summary>The README's JavaScript client (with @microsoft/signalr and fast-json-patch), run as written, keeps the meeting as the server has it.</summary>
public class ReadmeClientTests
{
    [Test]
    public async Task TheReadmesJavaScriptClient_AppliesEveryPatch_AndHoldsWhatAJoinGives()
    {
        var folder = Path.Combine(Root(), "infra", "protocol");
        Assert.That(Directory.Exists(Path.Combine(folder, "node_modules", "fast-json-patch")), Is.True,
            "infra/protocol's packages are missing: infra/test.sh installs them (npm ci)");
        using var host = new TestHost();
        var meeting = await host.Anonymous().DemoMeeting();
        var (id, item) = (meeting.Meeting.Id, meeting.Agenda[2].Id);
        await using var clerk = await LiveClient.ConnectAsync(host, Demo.Clerk, "clerk", id);
        await using var resident = await LiveClient.ConnectAsync(host, null, "resident", id);

        using var node = Process.Start(new ProcessStartInfo("node", ["run-readme-client.mjs", host.BaseAddress.ToString().TrimEnd('/'), id.ToString(), $"readme-{Guid.NewGuid():N}"])
        {
            WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        try
        {
            Assert.That(await LineAsync(node), Does.StartWith("joined "));
            await clerk.OpenPublicComment(id, item);
            var cards = new List<Guid>();
            for (var i = 0; i < 5; i++) cards.Add(await clerk.Invoke<Guid>("AddRoomSpeaker", id, item, $"Card {i}", null, false));
            var web = await resident.Invoke<Guid>("SignUpToSpeak", id, resident.ResidentToken, new SignUpRequest(item, "Pat Resident", "Support"));
            await clerk.Do("ReorderQueue", id, item, (List<Guid>)[web, .. Enumerable.Reverse(cards)]);
            await clerk.Do("StartTurn", id, web);
            await clerk.Do("EndTurn", id);
            await resident.Do("SubmitWrittenComment", id, resident.ResidentToken, item, "Pat", "Please build the park.");
            await clerk.Do("MarkNoShow", id, cards[4]);
            var last = await clerk.Do("CallNextSpeaker", id, item);

            await node.StandardInput.WriteLineAsync(last.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var held = JsonNode.Parse(await LineAsync(node))!;
            var joined = JsonNode.Parse((await clerk.Connection.InvokeAsync<JsonElement>("Join", id, null)).GetProperty("snapshot").GetRawText())!;
            Assert.That(held["sequence"]!.GetValue<long>(), Is.EqualTo(last.Sequence));
            Assert.That(Snapshots.Canonical(held), Is.EqualTo(Snapshots.Canonical(joined)));
        }
        finally
        {
            node.StandardInput.Close();
            if (!node.WaitForExit(10_000)) node.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The client's next line of output, past the SignalR library's own log lines ("[time] Information: ...").</summary>
    private static async Task<string> LineAsync(Process node)
    {
        while (true)
        {
            var line = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
                ?? throw new AssertionException($"the README's client ended: {await node.StandardError.ReadToEndAsync()}");
            if (!line.StartsWith('[')) return line;
        }
    }

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Meetings.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Meetings.sln not found above the test output.");
    }
}
