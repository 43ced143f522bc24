using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SmimeGraph.Cms;

/// <summary>
/// The ANSI X9.63 key derivation function as RFC 5753 §3.1.2 and SEC 1 §3.6.1 use it:
/// K = Hash(Z || Counter || SharedInfo) for Counter = 1, 2, …, concatenated and truncated.
/// </summary>
internal static class X963Kdf
{
    /// <summary>Fills <paramref name="destination"/> with key material derived from the shared secret <paramref name="z"/>.</summary>
    public static void DeriveKey(HashAlgorithmName hashAlgorithm, ReadOnlySpan<byte> z, ReadOnlySpan<byte> sharedInfo, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(hashAlgorithm);
        Span<byte> digest = stackalloc byte[64];
        Span<byte> counter = stackalloc byte[4];
        try
        {
            int written = 0;
            for (uint i = 1; written < destination.Length; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(counter, i);
                hash.AppendData(z);
                hash.AppendData(counter);
                hash.AppendData(sharedInfo);
                int digestLength = hash.GetHashAndReset(digest);
                int take = Math.Min(digestLength, destination.Length - written);
                digest[..take].CopyTo(destination[written..]);
                written += take;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digest);
        }
    }
}
