using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SmimeGraph.Cms;

/// <summary>The SHA-256 of some DER bytes, as a dictionary key.</summary>
internal readonly record struct DerDigest(ulong A, ulong B, ulong C, ulong D)
{
    public static DerDigest Of(ReadOnlySpan<byte> der)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(der, hash);
        return new DerDigest(
            BinaryPrimitives.ReadUInt64LittleEndian(hash),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
    }
}
