using Meetings.Server.Live;
using Meetings.Tests.Support;

namespace Meetings.Tests.Live;

/// <summary>
/// The server process has the runtime's shared array pool keep enough arrays for an update to thousands of screens
/// (SharedArrays), unless its operator says otherwise. What that saves is measured by infra/bench.sh, not here.
/// </summary>
public class SharedArraysTests
{
    [Test]
    public async Task TheServer_KeepsAThousandArraysOfASizePerCore()
    {
        await using var server = await ServerProcess.StartAsync(TestHost.NewFolder());

        Assert.That(server.Output, Has.Some.Contains($"The shared array pool keeps up to {SharedArrays.PerCore} arrays of a size per core."));
    }

    [Test]
    public async Task AnOperatorsOwnSetting_IsTheOneTaken()
    {
        await using var server = await ServerProcess.StartAsync(TestHost.NewFolder(), new Dictionary<string, string> { [SharedArrays.Setting] = "64" });

        Assert.That(server.Output, Has.Some.Contains("The shared array pool keeps up to 64 arrays of a size per core."));
    }
}
