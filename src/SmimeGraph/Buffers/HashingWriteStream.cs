using System.Security.Cryptography;

namespace SmimeGraph.Buffers;

/// <summary>
/// Feeds every byte to an <see cref="IncrementalHash"/> and passes it on unchanged: the signed
/// entity is hashed exactly as it is written out, in the same pass.
/// </summary>
internal sealed class HashingWriteStream(Stream destination, IncrementalHash hash) : WriteOnlyStream
{
    public override void Flush() => destination.Flush();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hash.AppendData(buffer);
        destination.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        hash.AppendData(buffer.Span);
        return destination.WriteAsync(buffer, cancellationToken);
    }
}
