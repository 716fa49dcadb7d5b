using System.Diagnostics;
using Meetings.Client.Contracts;
using Meetings.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Meetings.Tests.Journal;

/// <summary>
/// The verifier printed in README.md, extracted from it and run as written with python3 against a served journal:
/// it accepts the journal of a meeting with sealed names, a hidden name and a comment not yet released, and
/// rejects an edited row and a removed event.
/// </summary>
[NonParallelizable]
public class PublicVerifierTests
{
    private TestHost _host = null!;
    private Guid _meetingId;
    private string _verifier = null!;

    [OneTimeSetUp]
    public async Task AMeetingWithSpeakersCommentsAndAHiddenName()
    {
        _verifier = Path.Combine(TestHost.NewFolder(), "verify.py");
        await File.WriteAllTextAsync(_verifier, ReadmeVerifier());
        _host = new TestHost();
        var meeting = await _host.Anonymous().DemoMeeting();
        _meetingId = meeting.Meeting.Id;
        var item = meeting.Agenda.First(i => i.TakesPublicComment).Id;
        await using var clerk = await LiveClient.ConnectAsync(_host, Demo.Clerk, "clerk", _meetingId);
        await using var resident = await LiveClient.ConnectAsync(_host, null, "resident", _meetingId);
        await clerk.OpenPublicComment(_meetingId, item);
        await resident.Invoke<Guid>("SignUpToSpeak", _meetingId, resident.ResidentToken, new SignUpRequest(item, "Zoë Ünal-Ruiz \"Z\" 🙂"));
        var troll = await clerk.Invoke<Guid>("SignUpToSpeak", _meetingId, $"troll-{Guid.NewGuid():N}", new SignUpRequest(item, "A slur"));
        await resident.Do("SubmitWrittenComment", _meetingId, resident.ResidentToken, item, "Zoë", "Line one\nline two\t<b>&</b>");
        await clerk.Do("HideSpeakerName", _meetingId, troll, "Not a name");
        await clerk.Do("Adjourn", _meetingId);
    }

    [OneTimeTearDown]
    public void Stop() => _host?.Dispose();

    /// <summary>The first Python block of README.md: the verifier, exactly as people will copy it.</summary>
    private static string ReadmeVerifier()
    {
        var readme = File.ReadAllText(Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "README.md"));
        var start = readme.IndexOf("```python\n", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README.md shows the verifier in a python block");
        start += "```python\n".Length;
        var code = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.That(code.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.LessThan(25), "the README promises under 25 lines");
        return code;
    }

    private async Task<(int Exit, string Output)> Verify(params string[] extra)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { _verifier, _host.BaseAddress.ToString(), _meetingId.ToString() }.Concat(extra)) start.ArgumentList.Add(arg);
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEndAsync();
        var error = python.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await python.WaitForExitAsync(timeout.Token);
        return (python.ExitCode, (await output + await error).Trim());
    }

    private async Task<List<JournalEventDto>> Served() =>
        await _host.Anonymous().Get<List<JournalEventDto>>($"/api/meetings/{_meetingId}/journal");

    private T WithRow<T>(long sequence, Func<Meetings.Server.Data.MeetingsDbContext, Meetings.Server.Data.JournalRow, T> change) =>
        _host.WithDb(db =>
        {
            var row = db.Journal.Single(r => r.MeetingId == _meetingId && r.Sequence == sequence);
            var result = change(db, row);
            db.SaveChanges();
            return result;
        });

    [Test, Order(1)]
    public async Task TheReadmeVerifier_AcceptsTheServedJournal_WithSealedTextsAndAHiddenName()
    {
        var served = await Served();
        var verification = await _host.Anonymous().Get<JournalVerification>($"/api/meetings/{_meetingId}/journal/verify");
        var headRecorded = served.Single(e => e.Type == "JournalHeadRecorded");

        var (exit, output) = await Verify();
        var (exitWithHead, _) = await Verify(headRecorded.PreviousHash);
        var (exitWithStrangeHead, strange) = await Verify(new string('a', 64));

        Assert.That((exit, output), Is.EqualTo((0, $"intact: {served.Count} events, head {verification.Head}")));
        Assert.That(exitWithHead, Is.Zero, "the journal passes through the head recorded at adjournment");
        Assert.That((exitWithStrangeHead, strange), Is.EqualTo((1, $"the journal does not pass through {new string('a', 64)}")));
        Assert.That(served.Count(e => e.Texts is not null), Is.EqualTo(1), "only the name that is public has its text served");
        Assert.That(headRecorded.Payload.GetProperty("through").GetInt64(), Is.EqualTo(served.Single(e => e.Type == "MeetingAdjourned").Sequence));
    }

    [Test, Order(2)]
    public async Task TheReadmeVerifier_RejectsAnEditedRow()
    {
        var opened = (await Served()).First(e => e.Type == "ItemOpened").Sequence;
        var original = WithRow(opened, (_, row) => { var payload = row.Payload; row.Payload = $$"""{"itemId":"{{Guid.Empty}}"}"""; return payload; });
        try
        {
            Assert.That(await Verify(), Is.EqualTo((1, $"broken at event {opened}")));
        }
        finally
        {
            WithRow(opened, (_, row) => row.Payload = original);
        }
        Assert.That((await Verify()).Exit, Is.Zero, "restored");
    }

    [Test, Order(3)]
    public async Task TheReadmeVerifier_RejectsAnEditedText()
    {
        var signUp = (await Served()).Single(e => e.Texts is not null).Sequence;
        var original = WithRow(signUp, (_, row) => { var texts = row.Texts!; row.Texts = texts.Replace("Z", "S", StringComparison.Ordinal); return texts; });
        try
        {
            Assert.That(await Verify(), Is.EqualTo((1, $"broken at event {signUp}")));
        }
        finally
        {
            WithRow(signUp, (_, row) => row.Texts = original);
        }
    }

    [Test, Order(4)]
    public async Task TheReadmeVerifier_RejectsARemovedEvent()
    {
        var removed = (await Served()).Single(e => e.Type == "PublicCommentOpened").Sequence;
        _host.WithDb(db => db.Journal.Where(r => r.MeetingId == _meetingId && r.Sequence == removed).ExecuteDelete());

        var (exit, output) = await Verify();

        Assert.That((exit, output), Is.EqualTo((1, $"broken at event {removed}")));
    }
}
