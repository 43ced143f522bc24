namespace SmimeGraph.Buffers;

/// <summary>
/// Passes writes on to a stage that holds everything until it completes (AES-GCM encrypts in one
/// call), refusing with <see cref="PayloadTooLargeException"/> the first write whose bytes alone,
/// base64-encoded, would already exceed the Graph body ceiling: the body carries at least those
/// bytes, so nothing more need be read or held. Disposing it disposes (completes) the stage.
/// </summary>
internal sealed class CeilingWriteStream(Stream stage, long ceiling) : WriteOnlyStream
{
    private long _written;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Admit(buffer.Length);
        stage.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Admit(buffer.Length);
        return stage.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => stage.Flush();

    public override ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return stage.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stage.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Admit(int count)
    {
        long encoded = GraphBodyStream.EncodedLength(_written + count);
        if (encoded > ceiling)
        {
            throw new PayloadTooLargeException(encoded, ceiling, sizeIsLowerBound: true);
        }

        _written += count;
    }
}
