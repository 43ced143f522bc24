using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SmimeGraph.Cms;

/// <summary>
/// The AES key wrap algorithm of RFC 3394 §2.2.1 (used by RFC 3565 §2.3.2 to wrap the content
/// key under the key-encryption key that ECDH agreed), built on AES-ECB one block at a time.
/// </summary>
internal static class AesKeyWrap
{
    private const int SemiblockSize = 8;

    // RFC 3394 §2.2.3.1: the default initial value.
    private const ulong DefaultInitialValue = 0xA6A6A6A6A6A6A6A6;

    /// <summary>The wrapped length of a key of <paramref name="keyDataLength"/> bytes: one semiblock more.</summary>
    public static int WrappedLength(int keyDataLength) => keyDataLength + SemiblockSize;

    /// <summary>Wraps <paramref name="keyData"/> (a multiple of 8 bytes, at least 16) under <paramref name="kek"/>.</summary>
    public static void Wrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData, Span<byte> destination)
    {
        if (keyData.Length < 2 * SemiblockSize || keyData.Length % SemiblockSize != 0)
        {
            throw new ArgumentException("Key data must be a multiple of 8 bytes and at least 16 bytes.", nameof(keyData));
        }

        if (destination.Length != WrappedLength(keyData.Length))
        {
            throw new ArgumentException("The destination must be one semiblock longer than the key data.", nameof(destination));
        }

        int n = keyData.Length / SemiblockSize;
        Span<byte> block = stackalloc byte[16];
        using Aes aes = CreateAes(kek);
        try
        {
            // RFC 3394 §2.2.1: A = IV, R[i] = P[i]; C = A | R[1..n] once done, so R lives in place.
            ulong a = DefaultInitialValue;
            keyData.CopyTo(destination[SemiblockSize..]);
            for (int j = 0; j <= 5; j++)
            {
                for (int i = 1; i <= n; i++)
                {
                    Span<byte> r = destination.Slice(i * SemiblockSize, SemiblockSize);
                    BinaryPrimitives.WriteUInt64BigEndian(block, a);
                    r.CopyTo(block[SemiblockSize..]);
                    aes.EncryptEcb(block, block, PaddingMode.None);
                    ulong t = (ulong)((n * j) + i);
                    a = BinaryPrimitives.ReadUInt64BigEndian(block) ^ t;
                    block[SemiblockSize..].CopyTo(r);
                }
            }

            BinaryPrimitives.WriteUInt64BigEndian(destination, a);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    /// <summary>
    /// Unwraps <paramref name="wrappedKey"/> into <paramref name="destination"/> (8 bytes shorter);
    /// returns false when the integrity check of RFC 3394 §2.2.3 fails (the destination is cleared).
    /// </summary>
    public static bool TryUnwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrappedKey, Span<byte> destination)
    {
        if (wrappedKey.Length < 3 * SemiblockSize || wrappedKey.Length % SemiblockSize != 0 ||
            destination.Length != wrappedKey.Length - SemiblockSize)
        {
            return false;
        }

        int n = destination.Length / SemiblockSize;
        Span<byte> block = stackalloc byte[16];
        using Aes aes = CreateAes(kek);
        try
        {
            // RFC 3394 §2.2.2: the inverse, from j = 5 and i = n downwards.
            ulong a = BinaryPrimitives.ReadUInt64BigEndian(wrappedKey);
            wrappedKey[SemiblockSize..].CopyTo(destination);
            for (int j = 5; j >= 0; j--)
            {
                for (int i = n; i >= 1; i--)
                {
                    Span<byte> r = destination.Slice((i - 1) * SemiblockSize, SemiblockSize);
                    ulong t = (ulong)((n * j) + i);
                    BinaryPrimitives.WriteUInt64BigEndian(block, a ^ t);
                    r.CopyTo(block[SemiblockSize..]);
                    aes.DecryptEcb(block, block, PaddingMode.None);
                    a = BinaryPrimitives.ReadUInt64BigEndian(block);
                    block[SemiblockSize..].CopyTo(r);
                }
            }

            if (a != DefaultInitialValue)
            {
                CryptographicOperations.ZeroMemory(destination);
                return false;
            }

            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    private static Aes CreateAes(ReadOnlySpan<byte> kek)
    {
        if (kek.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("The key-encryption key must be 16, 24 or 32 bytes.", nameof(kek));
        }

        var aes = Aes.Create();
        aes.SetKey(kek);
        return aes;
    }
}
