namespace SmimeGraph.Tests.TestSupport;

/// <summary>
/// A clock whose timers fire at once, having moved time on by their due time less <c>early</c>:
/// a timer that fires a little before its due time, as real timers may. With <c>early</c> zero,
/// a clock that moves only when something waits on it.
/// </summary>
internal sealed class EarlyTimeProvider(TimeSpan early) : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        TimeSpan advance = dueTime > early ? dueTime - early : TimeSpan.Zero;
        Interlocked.Add(ref _ticks, advance.Ticks);
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
