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
internal sealed class DigestingReadStream : ReadOnlyStreamBase
{
    private static readonly byte[] CarriageReturn = [(byte)'\r'];

    private readonly Stream _source;
    private readonly Dictionary<HashAlgorithmName, IncrementalHash> _raw = [];
    private readonly bool _canonical;
    private Dictionary<HashAlgorithmName, IncrementalHash>? _crlf;
    private Dictionary<HashAlgorithmName, byte[]>? _rawDigests;
    private Dictionary<HashAlgorithmName, byte[]>? _crlfDigests;
    private bool _lastWasCr;

    public DigestingReadStream(Stream source, IEnumerable<HashAlgorithmName> algorithms, bool canonical)
    {
        _source = source;
        _canonical = canonical;
        foreach (HashAlgorithmName algorithm in algorithms)
        {
            _raw.TryAdd(algorithm, IncrementalHash.CreateHash(algorithm));
        }
    }

    /// <summary>True when the content had a LF without a CR before it.</summary>
    public bool SawBareLineFeed => _crlf is not null || _crlfDigests is not null;

    public override int Read(Span<byte> buffer)
    {
        int read = _source.Read(buffer);
        if (read > 0)
        {
            Append(buffer[..read]);
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
        if (disposing)
        {
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

    private void Finish()
    {
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
}
