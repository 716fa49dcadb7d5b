namespace Meetings.Tests.Support;

/// <summary>Bounded waiting for something that happens on another thread or process.</summary>
public static class Wait
{
    /// <summary>Polls until <paramref name="condition"/> holds, failing the test after fifteen seconds.</summary>
    public static async Task Until(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            try { await Task.Delay(50, timeout.Token); }
            catch (OperationCanceledException) { Assert.Fail($"never happened: {what}"); }
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing the test after fifteen seconds.</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!condition())
        {
            try { await Task.Delay(50, timeout.Token); }
            catch (OperationCanceledException) { Assert.Fail($"never happened: {what}"); }
        }
    }
}
