using System.Collections.Concurrent;

namespace SmimeGraph.Emulator;

/// <summary>
/// Outlook's per app and mailbox limits (concepts/throttling-limits.md, "Outlook service
/// limits"): concurrent requests, requests in a sliding window, and upload bytes in a sliding
/// window. Every request counts against the request window, refused ones too ("all requests
/// accrue against your usage limits", concepts/throttling.md).
/// </summary>
internal sealed class EmulatorThrottle(EmulatorThrottlingOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string App, string Mailbox), Bucket> _buckets = new();

    /// <summary>Counts the request and takes a concurrency slot; null (and a lease to dispose) when admitted.</summary>
    public ThrottleRefusal? TryEnter(string app, string mailbox, out IDisposable? lease)
    {
        lease = null;
        if (!options.Enabled)
        {
            return null;
        }

        Bucket bucket = _buckets.GetOrAdd((app, mailbox), static _ => new Bucket());
        long now = time.GetTimestamp();
        lock (bucket.Gate)
        {
            long window = Ticks(options.RequestWindow);
            while (bucket.Requests.Count > 0 && now - bucket.Requests.Peek() >= window)
            {
                bucket.Requests.Dequeue();
            }

            // Refused requests accrue too, up to twice the limit (bounded memory).
            if (bucket.Requests.Count < 2L * options.MaxRequests)
            {
                bucket.Requests.Enqueue(now);
            }

            if (bucket.Requests.Count > options.MaxRequests)
            {
                // Free again when enough of the oldest requests have left the window.
                long oldest = bucket.Requests.ElementAt(bucket.Requests.Count - options.MaxRequests - 1);
                return new ThrottleRefusal("Application is over its MailboxRequests limit.", Elapsed(window - (now - oldest)));
            }

            if (bucket.InFlight >= options.MaxConcurrentRequests)
            {
                return new ThrottleRefusal("Application is over its MailboxConcurrency limit.", options.ConcurrencyRetryAfter);
            }

            bucket.InFlight++;
        }

        lease = new Slot(bucket);
        return null;
    }

    /// <summary>Requests of <paramref name="app"/> admitted to <paramref name="mailbox"/> and not finished.</summary>
    public int InFlight(string app, string mailbox)
    {
        if (!_buckets.TryGetValue((app, mailbox), out Bucket? bucket))
        {
            return 0;
        }

        lock (bucket.Gate)
        {
            return bucket.InFlight;
        }
    }

    /// <summary>Counts <paramref name="bytes"/> of request body; a refusal when they would pass the upload limit.</summary>
    public ThrottleRefusal? TryUpload(string app, string mailbox, long bytes)
    {
        if (!options.Enabled || bytes == 0)
        {
            return null;
        }

        Bucket bucket = _buckets.GetOrAdd((app, mailbox), static _ => new Bucket());
        long now = time.GetTimestamp();
        lock (bucket.Gate)
        {
            long window = Ticks(options.UploadWindow);
            while (bucket.Uploads.Count > 0 && now - bucket.Uploads.Peek().At >= window)
            {
                bucket.UploadBytes -= bucket.Uploads.Dequeue().Bytes;
            }

            if (bucket.UploadBytes + bytes > options.MaxUploadBytes)
            {
                // Free again once enough of the oldest uploads have left the window.
                long needed = bucket.UploadBytes + bytes - options.MaxUploadBytes;
                long freedAt = now + window;
                foreach ((long at, long size) in bucket.Uploads)
                {
                    needed -= size;
                    if (needed <= 0)
                    {
                        freedAt = at + window;
                        break;
                    }
                }

                return new ThrottleRefusal("Application is over its IncomingBytes limit.", Elapsed(freedAt - now));
            }

            bucket.Uploads.Enqueue((now, bytes));
            bucket.UploadBytes += bytes;
            return null;
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private TimeSpan Elapsed(long timestampTicks) => TimeSpan.FromSeconds(Math.Max(0, timestampTicks) / (double)time.TimestampFrequency);

    private sealed class Bucket
    {
        public Lock Gate { get; } = new();

        public int InFlight { get; set; }

        public Queue<long> Requests { get; } = new();

        public Queue<(long At, long Bytes)> Uploads { get; } = new();

        public long UploadBytes { get; set; }
    }

    private sealed class Slot(Bucket bucket) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (bucket.Gate)
                {
                    bucket.InFlight--;
                }
            }
        }
    }
}

/// <summary>A 429: Graph's message and how long to wait.</summary>
internal sealed record ThrottleRefusal(string Message, TimeSpan RetryAfter);
