using SmimeGraph.Buffers;

namespace SmimeGraph.Cms;

/// <summary>
/// The write-only stream <see cref="EnvelopedDataWriter.Open"/> returns: counts the plaintext
/// against the announced length and completes the structure on dispose. A failed write leaves it
/// faulted, and disposing a faulted stream only releases its buffers.
/// </summary>
internal abstract class EncryptingContentStream : WriteOnlyStream
{
    private readonly long? _contentLength;
    private long _written;
    private bool _disposed;
    private bool _faulted;

    protected EncryptingContentStream(Stream destination, long? contentLength)
    {
        Destination = destination;
        _contentLength = contentLength;
    }

    protected Stream Destination { get; }

    public override bool CanWrite => !_disposed;

    public override void Flush()
    {
        // Ciphertext goes out a chunk at a time; nothing partial can be flushed before the end.
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        BeginWrite(buffer.Length);
        try
        {
            WriteCore(buffer);
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        BeginWrite(buffer.Length);
        try
        {
            await WriteCoreAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    protected abstract void WriteCore(ReadOnlySpan<byte> buffer);

    protected abstract ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Encrypts what is left and writes everything after the last plaintext byte.</summary>
    protected abstract void Complete();

    protected abstract ValueTask CompleteAsync();

    /// <summary>Clears and returns the pooled buffers, disposes the cipher.</summary>
    protected abstract void Release();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            try
            {
                if (!_faulted)
                {
                    EnsureComplete();
                    Complete();
                }
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
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                if (!_faulted)
                {
                    EnsureComplete();
                    await CompleteAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                Release();
            }
        }

        GC.SuppressFinalize(this);
    }

    private void BeginWrite(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new InvalidOperationException("An earlier write failed; the encrypted output is incomplete.");
        }

        if (_contentLength is long announced && _written + count > announced)
        {
            _faulted = true;
            throw new InvalidOperationException($"More plaintext was written than the {announced:N0} bytes announced.");
        }

        _written += count;
    }

    private void EnsureComplete()
    {
        if (_contentLength is long announced && _written != announced)
        {
            _faulted = true;
            throw new InvalidOperationException($"Only {_written:N0} of the {announced:N0} bytes of plaintext announced were written.");
        }
    }
}
