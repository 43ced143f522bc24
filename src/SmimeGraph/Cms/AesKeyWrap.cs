using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace SmimeGraph.Cms;

/// <summary>
/// The AES key wrap algorithm of RFC 3394 §2.2 (used by RFC 3565 §2.3.2 to wrap the content
/// key under the key-encryption key that ECDH agreed, or a KEKRecipientInfo's key), on
/// BouncyCastle's RFC 3394 engine: the platform has AES but no key wrap with the RFC 3394
/// initial value.
/// </summary>
internal static class AesKeyWrap
{
    private const int SemiblockSize = 8;

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

        IWrapper engine = CreateEngine(forWrapping: true, kek);
        byte[] input = keyData.ToArray();
        try
        {
            byte[] wrapped = engine.Wrap(input, 0, input.Length);
            wrapped.CopyTo(destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
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

        IWrapper engine = CreateEngine(forWrapping: false, kek);
        byte[] input = wrappedKey.ToArray();
        byte[]? key = null;
        try
        {
            key = engine.Unwrap(input, 0, input.Length);
            key.CopyTo(destination);
            return true;
        }
        catch (InvalidCipherTextException)
        {
            destination.Clear();
            return false;
        }
        finally
        {
            if (key is not null)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    private static AesWrapEngine CreateEngine(bool forWrapping, ReadOnlySpan<byte> kek)
    {
        if (kek.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("The key-encryption key must be 16, 24 or 32 bytes.", nameof(kek));
        }

        var engine = new AesWrapEngine();
        engine.Init(forWrapping, new KeyParameter(kek));
        return engine;
    }
}
