using System.Collections.Concurrent;

namespace SmimeGraph.Graph;

/// <summary>
/// At most N requests in flight per mailbox (Graph throttles beyond four concurrent requests to
/// one mailbox). A lease is held from before the request is written until its response has been
/// read (for a streamed body, until the stream is disposed).
/// </summary>
internal sealed class MailboxConcurrencyLimiter
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _mailboxes = new(StringComparer.Ordinal);
    private readonly int _limit;

    public MailboxConcurrencyLimiter(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
    }

    public async Task<Lease> AcquireAsync(GraphMailbox mailbox, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = _mailboxes.GetOrAdd(mailbox.Key, static (_, limit) => new SemaphoreSlim(limit, limit), _limit);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Lease(gate);
    }

    /// <summary>One slot; releasing it twice releases once.</summary>
    internal sealed class Lease(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
