using Meetings.Server.Live;

namespace Meetings.Tests.Live;

/// <summary>The shared array pool is asked to keep many blocks, unless the operator said how many.</summary>
[NonParallelizable]
public class PooledBlocksTests
{
    private string? _before;

    [SetUp]
    public void Remember() => _before = Environment.GetEnvironmentVariable(PooledBlocks.Setting);

    [TearDown]
    public void Restore() => Environment.SetEnvironmentVariable(PooledBlocks.Setting, _before);

    [Test]
    public void Unset_ItAsksFor4096ArraysASizePerCore()
    {
        Environment.SetEnvironmentVariable(PooledBlocks.Setting, null);
        PooledBlocks.KeepMany();
        Assert.That(Environment.GetEnvironmentVariable(PooledBlocks.Setting), Is.EqualTo("4096"));
    }

    [Test]
    public void SetByTheOperator_ItIsLeftAlone()
    {
        Environment.SetEnvironmentVariable(PooledBlocks.Setting, "32");
        PooledBlocks.KeepMany();
        Assert.That(Environment.GetEnvironmentVariable(PooledBlocks.Setting), Is.EqualTo("32"));
    }
}
