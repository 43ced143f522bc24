using System.Buffers;
using System.Security.Cryptography;

namespace SmimeGraph.Buffers;

/// <summary>
/// A write-only stream that base64-encodes what is written to it in lines of 76 characters
/// ended by CRLF (RFC 2045 §6.8) and writes the text to another stream through a pooled buffer.
/// <see cref="Complete"/> (or disposal) writes the final quartet and the last CRLF.
/// </summary>
internal sealed class Base64LineStream : WriteOnlyStream
{
    private const int BufferSize = 16 * 1024;

    private readonly Stream _destination;
    private readonly bool _leaveOpen;
    private Base64LineEncoder _encoder;
    private byte[]? _buffer;
    private int _buffered;
    private int _highWater;
    private bool _completed;

    public Base64LineStream(Stream destination, bool leaveOpen = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _destination = destination;
        _leaveOpen = leaveOpen;
        _buffer = CryptoPool.Rent(BufferSize);
    }

    /// <summary>Bytes written to this stream (before encoding).</summary>
    public long BytesIn { get; private set; }

    /// <summary>The exact encoded length of <paramref name="inputLength"/> bytes; every line, the last included, ends with CRLF.</summary>
    public static long EncodedLength(long inputLength) => Base64LineEncoder.EncodedLength(inputLength);

    public override bool CanWrite => !_completed;
    public override void Write(ReadOnlySpan<byte> source)
    {
        while (!EncodeSome(ref source, isFinalBlock: false))
        {
            FlushBuffer();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (!EncodeSome(ref source, isFinalBlock: false))
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the final (padded) quartet and CRLF, then flushes to the destination.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        ReadOnlySpan<byte> none = default;
        while (!EncodeSome(ref none, isFinalBlock: true))
        {
            FlushBuffer();
        }

        _completed = true;
        FlushBuffer();
        ReturnBuffer();
    }

    /// <summary>The asynchronous <see cref="Complete"/>.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            return;
        }

        ReadOnlyMemory<byte> none = default;
        while (!EncodeSome(ref none, isFinalBlock: true))
        {
            await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        _completed = true;
        await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        ReturnBuffer();
    }

    /// <summary>
    /// Gives up after a failure: releases the buffer without writing the final block, so that
    /// disposal does not write to a destination that has already failed and hide the first error.
    /// </summary>
    public void Abort()
    {
        _completed = true;
        _buffered = 0;
        ReturnBuffer();
    }

    public override void Flush()
    {
        FlushBuffer();
        _destination.Flush();
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        await _destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private bool EncodeSome(ref ReadOnlyMemory<byte> source, bool isFinalBlock)
    {
        ReadOnlySpan<byte> span = source.Span;
        bool done = EncodeSome(ref span, isFinalBlock);
        source = source[(source.Length - span.Length)..];
        return done;
    }

    // True when all of source was taken; false when the buffer must be flushed first.
    private bool EncodeSome(ref ReadOnlySpan<byte> source, bool isFinalBlock)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The base64 stream has been completed.");
        }

        ObjectDisposedException.ThrowIf(_buffer is null, this);

        OperationStatus status = _encoder.Encode(source, _buffer.AsSpan(_buffered), out int consumed, out int written, isFinalBlock);
        _buffered += written;
        _highWater = Math.Max(_highWater, _buffered);
        BytesIn += consumed;
        source = source[consumed..];
        return status == OperationStatus.Done;
    }

    // Nothing can be written after the final block, so the buffer goes back to the pool at once
    // (callers that complete without disposing leak nothing). The text is cleared first: inside
    // an encryption stage it is the plaintext, base64-encoded.
    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            CryptoPool.Return(_buffer, _highWater);
            _buffer = null;
        }
    }

    private void FlushBuffer()
    {
        if (_buffer is not null && _buffered > 0)
        {
            try
            {
                _destination.Write(_buffer, 0, _buffered);
            }
            catch
            {
                Abort();
                throw;
            }

            _buffered = 0;
        }
    }

    private async ValueTask FlushBufferAsync(CancellationToken cancellationToken)
    {
        if (_buffer is not null && _buffered > 0)
        {
            try
            {
                await _destination.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Abort();
                throw;
            }

            _buffered = 0;
        }
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            if (disposing && !_completed && _buffer is not null)
            {
                Complete();
            }
        }
        finally
        {
            ReturnBuffer();
            if (disposing && !_leaveOpen)
            {
                _destination.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (!_completed && _buffer is not null)
            {
                await CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            ReturnBuffer();
            if (!_leaveOpen)
            {
                await _destination.DisposeAsync().ConfigureAwait(false);
            }

            GC.SuppressFinalize(this);
        }
    }
}
