namespace SmimeGraph.Buffers;

/// <summary>The members every forward-only read stream of the reading side shares.</summary>
internal abstract class ReadOnlyStreamBase : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public abstract override int Read(Span<byte> buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>
    /// Reads <paramref name="stream"/> to its end, discarding what it reads: a stream that can
    /// skip (<see cref="ISkippingStream"/>) does so without copying its bytes out.
    /// </summary>
    public static void Drain(Stream stream)
    {
        if (stream is ISkippingStream skipping)
        {
            _ = skipping.SkipToEnd();
            return;
        }

        Span<byte> scratch = stackalloc byte[4096];
        while (stream.Read(scratch) > 0)
        {
        }
    }
}

/// <summary>
/// A read stream that can move to its end without handing its bytes to anyone. Every stream
/// below it still sees every byte (a digest or a copy further down is unchanged): only the
/// copies out of this stream are saved.
/// </summary>
internal interface ISkippingStream
{
    /// <summary>Consumes the rest of the stream and returns how many bytes that was; reads after it return 0.</summary>
    long SkipToEnd();
}

/// <summary>
/// Remembers the first exception its source threw, and throws it again on every later read: a
/// layer that hands its decoded or decrypted bytes to an inner reader learns afterwards whether
/// its own stream failed (bad base64, bad padding, broken BER), whoever caught the exception.
/// </summary>
internal sealed class ReadGuardStream(Stream source) : ReadOnlyStreamBase
{
    /// <summary>The first exception the source threw, or null.</summary>
    public Exception? Failure { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (Failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(Failure);
        }

        try
        {
            return source.Read(buffer);
        }
        catch (Exception ex)
        {
            Failure = ex;
            throw;
        }
    }
}

/// <summary>Copies every byte read from its source to a destination, as it is read.</summary>
internal sealed class TeeReadStream(Stream source, Stream destination) : ReadOnlyStreamBase
{
    public override int Read(Span<byte> buffer)
    {
        int read = source.Read(buffer);
        destination.Write(buffer[..read]);
        return read;
    }
}
