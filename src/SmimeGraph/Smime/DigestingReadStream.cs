using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using SmimeGraph.Buffers;

namespace SmimeGraph.Smime;

/// <summary>
/// Hashes the bytes read through it with each of a few algorithms, so that a signature can be
/// checked over content that has already streamed by. When asked, it also hashes the content's
/// canonical form (RFC 8551 §3.1.1: CRLF line ends), but only from the first bare LF on: until
/// then the two forms are the same bytes, so the canonical hash starts as a copy of the other.
/// </summary>
/// <remarks>
/// Past <c>secondCoreAfter</c> bytes the hashing moves to a second core: the bytes read are
/// copied into a <see cref="PipelinedWriteStream"/>, whose work item hashes them in order while
/// this thread decrypts and parses the next ones. Hashing is most of what reading a large signed
/// message costs, so the overlap takes it off the reader's path. Every byte is still hashed
/// once, in order; the digests (and <see cref="SawBareLineFeed"/>) wait for the hashing to
/// finish, and disposing waits for a running chunk before the hashes are released.
/// </remarks>
internal sealed class DigestingReadStream : ReadOnlyStreamBase
{
    private static readonly byte[] CarriageReturn = [(byte)'\r'];

    [ThreadStatic]
    private static int t_hashedOnSecondCore;

    private readonly Stream _source;
    private readonly Dictionary<HashAlgorithmName, IncrementalHash> _raw = [];
    private readonly bool _canonical;
    private Dictionary<HashAlgorithmName, IncrementalHash>? _crlf;
    private Dictionary<HashAlgorithmName, byte[]>? _rawDigests;
    private Dictionary<HashAlgorithmName, byte[]>? _crlfDigests;
    private bool _lastWasCr;

    // Hashing on a second core: from _secondCoreAfter bytes on, until the digests are asked for.
    private readonly long _secondCoreAfter;
    private readonly Func<bool>? _coreFree;
    private long _hashedHere;
    private PipelinedWriteStream? _pipe;
    private bool _settled;
    private bool _disposed;

    /// <param name="source">The content.</param>
    /// <param name="algorithms">The digests to compute.</param>
    /// <param name="canonical">Also hash the content with every bare LF made CRLF.</param>
    /// <param name="secondCoreAfter">Hash on a second core once this many bytes were hashed here (never, by default).</param>
    /// <param name="coreFree">Asked as the content goes by, once hashing moved: while it says no, this thread hashes (always free, when null).</param>
    public DigestingReadStream(Stream source, IEnumerable<HashAlgorithmName> algorithms, bool canonical, long secondCoreAfter = long.MaxValue, Func<bool>? coreFree = null)
    {
        _source = source;
        _canonical = canonical;
        _secondCoreAfter = secondCoreAfter;
        _coreFree = coreFree;
        foreach (HashAlgorithmName algorithm in algorithms)
        {
            _raw.TryAdd(algorithm, IncrementalHash.CreateHash(algorithm));
        }
    }

    /// <summary>True when the content had a LF without a CR before it. Call after the content was read to its end.</summary>
    public bool SawBareLineFeed
    {
        get
        {
            Settle();
            return _crlf is not null || _crlfDigests is not null;
        }
    }

    /// <summary>True once hashing moved to a second core (for tests).</summary>
    internal bool HashedOnSecondCore { get; private set; }

    /// <summary>How many streams read on this thread moved their hashing to a second core (for tests).</summary>
    internal static int HashedOnSecondCoreOnThisThread => t_hashedOnSecondCore;

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int read = _source.Read(buffer);
        if (read == 0)
        {
            return 0;
        }

        if (_pipe is null && !_settled && _hashedHere >= _secondCoreAfter)
        {
            _pipe = new PipelinedWriteStream(new Sink(this), coreFree: _coreFree);
            HashedOnSecondCore = true;
            t_hashedOnSecondCore++;
        }

        if (_pipe is not null)
        {
            _pipe.Write(buffer[..read]);
        }
        else
        {
            Append(buffer[..read]);
            _hashedHere += read;
        }

        return read;
    }

    /// <summary>The content's digest under <paramref name="algorithm"/>, or null when it was not hashed with it. Call after the content was read to its end.</summary>
    public byte[]? Digest(HashAlgorithmName algorithm)
    {
        Finish();
        return _rawDigests!.GetValueOrDefault(algorithm);
    }

    /// <summary>The digest of the content with every bare LF made CRLF (the same as <see cref="Digest"/> when there was none).</summary>
    public byte[]? CanonicalDigest(HashAlgorithmName algorithm)
    {
        Finish();
        return (_crlfDigests ?? _rawDigests!).GetValueOrDefault(algorithm);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;

            // Waits for a chunk being hashed, drops the rest and clears the chunks.
            _pipe?.Dispose();
            _pipe = null;
            foreach (IncrementalHash hash in _raw.Values.Concat(_crlf?.Values ?? Enumerable.Empty<IncrementalHash>()))
            {
                hash.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        if (_canonical)
        {
            if (_crlf is null)
            {
                int bare = FindBareLineFeed(chunk);
                if (bare >= 0)
                {
                    _crlf = _raw.ToDictionary(p => p.Key, p => p.Value.Clone());
                }
            }

            if (_crlf is not null)
            {
                AppendCanonical(chunk);
            }

            _lastWasCr = chunk[^1] == (byte)'\r';
        }

        foreach (IncrementalHash hash in _raw.Values)
        {
            hash.AppendData(chunk);
        }
    }

    private int FindBareLineFeed(ReadOnlySpan<byte> chunk) => IndexOfBareLineFeed(chunk, _lastWasCr);

    /// <summary>
    /// The index of the first LF in <paramref name="chunk"/> with no CR before it (the byte before
    /// the chunk was a CR when <paramref name="crBefore"/>), or -1. Compares a vector of bytes at a
    /// time with the vector one byte back, instead of a search per line.
    /// </summary>
    internal static int IndexOfBareLineFeed(ReadOnlySpan<byte> chunk, bool crBefore)
    {
        if (chunk.IsEmpty)
        {
            return -1;
        }

        if (chunk[0] == (byte)'\n' && !crBefore)
        {
            return 0;
        }

        int i = 1;
        if (Vector512.IsHardwareAccelerated && chunk.Length > Vector512<byte>.Count)
        {
            ref byte start = ref MemoryMarshal.GetReference(chunk);
            Vector512<byte> lineFeed = Vector512.Create((byte)'\n');
            Vector512<byte> carriageReturn = Vector512.Create((byte)'\r');
            int last = chunk.Length - Vector512<byte>.Count;
            for (; i <= last; i += Vector512<byte>.Count)
            {
                Vector512<byte> current = Vector512.LoadUnsafe(ref start, (nuint)i);
                Vector512<byte> previous = Vector512.LoadUnsafe(ref start, (nuint)(i - 1));
                Vector512<byte> bare = Vector512.AndNot(Vector512.Equals(current, lineFeed), Vector512.Equals(previous, carriageReturn));
                if (bare != Vector512<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(bare.ExtractMostSignificantBits());
                }
            }
        }

        if (Vector256.IsHardwareAccelerated && chunk.Length - i > Vector256<byte>.Count)
        {
            ref byte start = ref MemoryMarshal.GetReference(chunk);
            Vector256<byte> lineFeed = Vector256.Create((byte)'\n');
            Vector256<byte> carriageReturn = Vector256.Create((byte)'\r');
            int last = chunk.Length - Vector256<byte>.Count;
            for (; i <= last; i += Vector256<byte>.Count)
            {
                Vector256<byte> current = Vector256.LoadUnsafe(ref start, (nuint)i);
                Vector256<byte> previous = Vector256.LoadUnsafe(ref start, (nuint)(i - 1));
                Vector256<byte> bare = Vector256.AndNot(Vector256.Equals(current, lineFeed), Vector256.Equals(previous, carriageReturn));
                if (bare != Vector256<byte>.Zero)
                {
                    return i + BitOperations.TrailingZeroCount(bare.ExtractMostSignificantBits());
                }
            }
        }

        for (; i < chunk.Length; i++)
        {
            if (chunk[i] == (byte)'\n' && chunk[i - 1] != (byte)'\r')
            {
                return i;
            }
        }

        return -1;
    }

    private void AppendCanonical(ReadOnlySpan<byte> chunk)
    {
        // Each bare LF (judged on the bytes as they came) gets a CR before it; the LF starts the
        // next segment.
        int segment = 0;
        int from = 0;
        while (true)
        {
            bool crBefore = from == 0 ? _lastWasCr : chunk[from - 1] == (byte)'\r';
            int bare = IndexOfBareLineFeed(chunk[from..], crBefore);
            if (bare < 0)
            {
                break;
            }

            int at = from + bare;
            foreach (IncrementalHash hash in _crlf!.Values)
            {
                hash.AppendData(chunk[segment..at]);
                hash.AppendData(CarriageReturn);
            }

            segment = at;
            from = at + 1;
        }

        foreach (IncrementalHash hash in _crlf!.Values)
        {
            hash.AppendData(chunk[segment..]);
        }
    }

    // Waits until the second core (if any) has hashed every byte read; from then on this thread
    // owns the hashes again. Throws what the hashing threw.
    private void Settle()
    {
        _settled = true;
        if (_pipe is { } pipe)
        {
            _pipe = null;
            try
            {
                pipe.Complete();
            }
            finally
            {
                pipe.Dispose();
            }
        }
    }

    private void Finish()
    {
        Settle();
        if (_rawDigests is not null)
        {
            return;
        }

        _rawDigests = _raw.ToDictionary(p => p.Key, p => p.Value.GetHashAndReset());
        if (_crlf is not null)
        {
            _crlfDigests = _crlf.ToDictionary(p => p.Key, p => p.Value.GetHashAndReset());
        }
    }

    /// <summary>The stage the second core drives: each chunk goes to <see cref="Append"/>, in order.</summary>
    private sealed class Sink(DigestingReadStream owner) : WriteOnlyStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!buffer.IsEmpty)
            {
                owner.Append(buffer);
            }
        }
    }
}
