namespace SmimeGraph.Tests.Support;

/// <summary>
/// A read-only stream over <paramref name="data"/> that returns between 1 and
/// <paramref name="largestRead"/> bytes per read, as a network stream may, the sizes drawn from
/// <paramref name="random"/>.
/// </summary>
internal sealed class RandomBlockStream(byte[] data, int largestRead, Random random) : MemoryStream(data, writable: false)
{
    public RandomBlockStream(byte[] data, int largestRead, int seed)
        : this(data, largestRead, new Random(seed))
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, random.Next(1, largestRead + 1)));

    public override int Read(Span<byte> buffer)
    {
        byte[] block = new byte[Math.Min(buffer.Length, largestRead)];
        int read = Read(block, 0, block.Length);
        block.AsSpan(0, read).CopyTo(buffer);
        return read;
    }
}
