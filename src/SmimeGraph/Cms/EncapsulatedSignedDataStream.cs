using System.Buffers;
using System.Security.Cryptography;

using SmimeGraph.Buffers;

namespace SmimeGraph.Cms;

/// <summary>
/// The write-only stream <see cref="SignedDataWriter.OpenEncapsulated"/> returns: content written
/// to it is hashed and passed on inside the eContent OCTET STRING as it arrives; disposing it
/// signs the digest and writes the certificates and the SignerInfo.
/// </summary>
/// <remarks>
/// With a known length the content goes straight through. Without one it is cut into
/// <see cref="SignedDataWriter.EncapsulatedSegmentLength"/>-byte segments in one pooled buffer
/// (cleared on return), so the output is the same however the writes are split.
/// </remarks>
internal sealed class EncapsulatedSignedDataStream : WriteOnlyStream
{
    private readonly SignedDataWriter _writer;
    private readonly Stream _destination;
    private readonly long? _contentLength;
    private IncrementalHash? _hash;
    private byte[]? _segment;
    private int _segmentFill;
    private long _written;
    private bool _started;
    private bool _completed;

    public EncapsulatedSignedDataStream(SignedDataWriter writer, Stream destination, long? contentLength)
    {
        _writer = writer;
        _destination = destination;
        _contentLength = contentLength;
        _hash = writer.CreateContentHash();
        if (contentLength is null)
        {
            _segment = CryptoPool.Rent(SignedDataWriter.EncapsulatedSegmentLength);
        }
    }

    public override bool CanWrite => !_completed;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        IncrementalHash hash = Accept(buffer.Length);
        if (!_started)
        {
            _destination.Write(Prefix());
            _started = true;
        }

        hash.AppendData(buffer);
        if (_segment is null)
        {
            _destination.Write(buffer);
            return;
        }

        while (!buffer.IsEmpty)
        {
            int take = Math.Min(buffer.Length, SignedDataWriter.EncapsulatedSegmentLength - _segmentFill);
            buffer[..take].CopyTo(_segment.AsSpan(_segmentFill));
            _segmentFill += take;
            buffer = buffer[take..];
            if (_segmentFill == SignedDataWriter.EncapsulatedSegmentLength)
            {
                WriteSegment();
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        IncrementalHash hash = Accept(buffer.Length);
        if (!_started)
        {
            await _destination.WriteAsync(Prefix(), cancellationToken).ConfigureAwait(false);
            _started = true;
        }

        hash.AppendData(buffer.Span);
        if (_segment is null)
        {
            await _destination.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (!buffer.IsEmpty)
        {
            int take = Math.Min(buffer.Length, SignedDataWriter.EncapsulatedSegmentLength - _segmentFill);
            buffer.Span[..take].CopyTo(_segment.AsSpan(_segmentFill));
            _segmentFill += take;
            buffer = buffer[take..];
            if (_segmentFill == SignedDataWriter.EncapsulatedSegmentLength)
            {
                await _destination.WriteAsync(SegmentHeader(), cancellationToken).ConfigureAwait(false);
                await _destination.WriteAsync(_segment.AsMemory(0, _segmentFill), cancellationToken).ConfigureAwait(false);
                _segmentFill = 0;
            }
        }
    }

    public override void Flush()
    {
        // Nothing is held back except an unfinished segment, which must stay whole.
        _destination.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _destination.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_completed)
        {
            try
            {
                (byte[] head, byte[] tail) = Finish();
                _destination.Write(head);
                if (_segmentFill > 0)
                {
                    _destination.Write(_segment.AsSpan(0, _segmentFill));
                }

                _destination.Write(tail);
            }
            finally
            {
                Release();
            }
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            try
            {
                (byte[] head, byte[] tail) = Finish();
                await _destination.WriteAsync(head).ConfigureAwait(false);
                if (_segmentFill > 0 && _segment is not null)
                {
                    await _destination.WriteAsync(_segment.AsMemory(0, _segmentFill)).ConfigureAwait(false);
                }

                await _destination.WriteAsync(tail).ConfigureAwait(false);
            }
            finally
            {
                Release();
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private IncrementalHash Accept(int count)
    {
        ObjectDisposedException.ThrowIf(_completed || _hash is null, this);
        if (_contentLength is long expected && _written + count > expected)
        {
            throw new InvalidOperationException($"More content was written than the {expected} bytes announced.");
        }

        _written += count;
        return _hash;
    }

    private byte[] Prefix() => _contentLength is long length ? _writer.EncodeDefinitePrefix(length) : _writer.EncodeIndefinitePrefix();

    private byte[] SegmentHeader()
    {
        var header = new byte[Der.HeaderLength(_segmentFill)];
        Der.WriteHeader(header, 0x04, _segmentFill);
        return header;
    }

    private void WriteSegment()
    {
        _destination.Write(SegmentHeader());
        _destination.Write(_segment.AsSpan(0, _segmentFill));
        _segmentFill = 0;
    }

    /// <summary>
    /// Signs and returns what goes before the last partial segment (the prefix when nothing was
    /// written, the segment's header) and everything after it.
    /// </summary>
    private (byte[] Head, byte[] Tail) Finish()
    {
        ObjectDisposedException.ThrowIf(_hash is null, this);
        if (_contentLength is long expected && _written != expected)
        {
            throw new InvalidOperationException($"The stream was completed after {_written} bytes of content; {expected} were announced.");
        }

        byte[] head = _started ? [] : Prefix();
        if (_segmentFill > 0)
        {
            head = [.. head, .. SegmentHeader()];
        }

        Span<byte> digest = stackalloc byte[64];
        int digestLength = _hash.GetHashAndReset(digest);
        try
        {
            byte[] signerInfos = _writer.WriteSignerInfos(digest[..digestLength]);
            return (head, _writer.EncodeSuffix(signerInfos, indefinite: _contentLength is null));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digest);
        }
    }

    private void Release()
    {
        _completed = true;
        _hash?.Dispose();
        _hash = null;
        if (_segment is not null)
        {
            CryptoPool.Return(_segment, SignedDataWriter.EncapsulatedSegmentLength);
            _segment = null;
        }

        _segmentFill = 0;
    }
}
