using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace SmimeGraph.Cms;

/// <summary>
/// The ANSI X9.63 key derivation function as RFC 5753 §3.1.2 and SEC 1 §3.6.1 use it:
/// K = Hash(Z || Counter || SharedInfo) for Counter = 1, 2, …, concatenated and truncated.
/// BouncyCastle's KDF2 generator is that function (ISO 18033-2 KDF2 counts from 1 as X9.63 does);
/// it takes any hash, SHA-224 included.
/// </summary>
internal static class X963Kdf
{
    /// <summary>Fills <paramref name="destination"/> with key material derived from the shared secret <paramref name="z"/>.</summary>
    public static void DeriveKey(HashAlgorithmName hashAlgorithm, ReadOnlySpan<byte> z, ReadOnlySpan<byte> sharedInfo, Span<byte> destination)
    {
        byte[] secret = z.ToArray();
        try
        {
            var kdf = new Kdf2BytesGenerator(AlgorithmIdentifierReader.CreateDigest(hashAlgorithm));
            kdf.Init(new KdfParameters(secret, sharedInfo.ToArray()));
            kdf.GenerateBytes(destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
