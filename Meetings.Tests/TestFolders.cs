namespace Meetings.Tests;

/// <summary>
/// Every folder a test makes (data folders, mail drops, Redis's and the S3 stand-in's) lies under one folder for the
/// run, removed when the run ends, so runs do not leave thousands of folders in the machine's temp directory.
/// </summary>
[SetUpFixture]
public sealed class TestFolders
{
    private static readonly Lazy<string> Run = new(() => Directory.CreateTempSubdirectory("meetings-tests-").FullName);

    public static string New(string prefix = "test-") =>
        Directory.CreateDirectory(Path.Combine(Run.Value, prefix + Guid.NewGuid().ToString("N")[..12])).FullName;

    /// <summary>Once every test has run and stopped what it started.</summary>
    [OneTimeTearDown]
    public void RemoveAll()
    {
        if (!Run.IsValueCreated) return;
        try { Directory.Delete(Run.Value, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A helper process still writing into it: the folder stays in the temp directory, named for the run.
            TestContext.Progress.WriteLine($"Could not remove {Run.Value}: {e.Message}");
        }
    }
}
