namespace SmimeGraph.Buffers;

/// <summary>A pass-through stream that counts the bytes written.</summary>
internal sealed class CountingWriteStream(Stream destination) : WriteOnlyStream
{
    public long BytesWritten { get; private set; }

    public override void Flush() => destination.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => destination.FlushAsync(cancellationToken);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        destination.Write(buffer);
        BytesWritten += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        BytesWritten += buffer.Length;
        return destination.WriteAsync(buffer, cancellationToken);
    }
}
