namespace EdgeLstm.Tests.Shared;

/// <summary>Polls a condition until it holds or the time is up: for tests that wait on another thread or process.</summary>
internal static class Eventually
{
    /// <summary>True as soon as the condition holds; false if it still does not after <paramref name="seconds"/>.</summary>
    public static async Task<bool> TrueAsync(Func<bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition()) return true;
            await Task.Delay(20);
        }
        return condition();
    }
}
