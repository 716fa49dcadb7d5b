using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Meetings.Tests.Support;

/// <summary>
/// s3rver, an S3-compatible server from the npm registry (infra/test.sh installs it into infra/s3), on a loopback port
/// of its own with a bucket ready, storing into a temporary folder. Stopped, by its process id, when disposed.
/// </summary>
public sealed partial class S3Server : IDisposable
{
    public const string Bucket = "meetings-documents";
    public const string AccessKey = "S3RVER", SecretKey = "S3RVER";

    private readonly Process _process;

    private S3Server(Process process, string url) => (_process, ServiceUrl) = (process, url);

    public string ServiceUrl { get; }

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Documents:S3:Bucket"] = Bucket, ["Documents:S3:ServiceUrl"] = ServiceUrl,
        ["Documents:S3:AccessKey"] = AccessKey, ["Documents:S3:SecretKey"] = SecretKey,
    };

    public static async Task<S3Server> StartAsync()
    {
        var program = Path.Combine(Architecture.DomainPurityTests.SolutionFolder(), "infra", "s3", "node_modules", "s3rver", "bin", "s3rver.js");
        Assert.That(File.Exists(program), Is.True, "s3rver is missing: infra/test.sh installs it (npm ci --prefix infra/s3)");
        var start = new ProcessStartInfo("node", [program, "--directory", TestHost.NewFolder(), "--port", "0", "--address", "127.0.0.1",
            "--configure-bucket", Bucket]) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            if (Listening().Match(line) is { Success: true } m)
            {
                // It logs every request: keep its output flowing so it never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
                return new S3Server(process, $"http://127.0.0.1:{m.Groups[1].Value}");
            }
        process.Kill();
        Assert.Fail($"s3rver did not start: {await process.StandardError.ReadToEndAsync()}");
        return null!;
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
