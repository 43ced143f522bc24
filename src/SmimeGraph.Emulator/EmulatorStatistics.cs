using System.Collections.Concurrent;

namespace SmimeGraph.Emulator;

/// <summary>Requests seen, and requests in flight per mailbox (current and the most at once).</summary>
internal sealed class EmulatorStatistics
{
    private readonly ConcurrentDictionary<string, Counter> _mailboxes = new(StringComparer.Ordinal);
    private long _requests;

    public long RequestCount => Interlocked.Read(ref _requests);

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public IDisposable Enter(string mailbox)
    {
        Counter counter = _mailboxes.GetOrAdd(mailbox, static _ => new Counter());
        counter.Enter();
        return counter;
    }

    public int MaxInFlight(string mailbox) => _mailboxes.TryGetValue(mailbox, out Counter? counter) ? counter.Max : 0;

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        foreach (Counter counter in _mailboxes.Values)
        {
            counter.ResetMax();
        }
    }

    private sealed class Counter : IDisposable
    {
        private int _current;
        private int _max;

        public int Max => Volatile.Read(ref _max);

        public void Enter()
        {
            int now = Interlocked.Increment(ref _current);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
            {
            }
        }

        public void ResetMax() => Volatile.Write(ref _max, Volatile.Read(ref _current));

        public void Dispose() => Interlocked.Decrement(ref _current);
    }
}
