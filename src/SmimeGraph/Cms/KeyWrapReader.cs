using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace SmimeGraph.Cms;

/// <summary>
/// Key unwrapping for KeyAgreeRecipientInfo and KEKRecipientInfo: AES key wrap (RFC 3394,
/// RFC 3565 §2.3.2) and the CMS Triple-DES key wrap (RFC 3217 §3), on BouncyCastle's engines.
/// </summary>
internal static class KeyWrapReader
{
    /// <summary>The KEK length in bytes for a key-wrap OID; 0 when unsupported.</summary>
    public static int KeyEncryptionKeyLength(string wrapOid) => wrapOid switch
    {
        Oids.Aes128Wrap => 16,
        Oids.Aes192Wrap => 24,
        Oids.Aes256Wrap => 32,
        Oids.Cms3DesWrap => 24,
        _ => 0,
    };

    public static string Name(string wrapOid) => wrapOid switch
    {
        Oids.Aes128Wrap => "AES-128 key wrap",
        Oids.Aes192Wrap => "AES-192 key wrap",
        Oids.Aes256Wrap => "AES-256 key wrap",
        Oids.Cms3DesWrap => "Triple-DES key wrap",
        _ => wrapOid,
    };

    /// <summary>Unwraps the content-encryption key; any failure, the integrity check included, is a CryptographicException.</summary>
    public static byte[] Unwrap(string wrapOid, ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped) => wrapOid switch
    {
        Oids.Aes128Wrap or Oids.Aes192Wrap or Oids.Aes256Wrap => AesUnwrap(kek, wrapped),
        Oids.Cms3DesWrap => TripleDesUnwrap(kek, wrapped),
        _ => throw new CryptographicException($"The key wrap algorithm {wrapOid} is not supported."),
    };

    private static byte[] AesUnwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < 24 || wrapped.Length % 8 != 0 || kek.Length is not (16 or 24 or 32))
        {
            throw new CryptographicException("The wrapped key or the key-encryption key has an invalid length.");
        }

        byte[] key = new byte[wrapped.Length - 8];
        if (!AesKeyWrap.TryUnwrap(kek, wrapped, key))
        {
            throw new CryptographicException("The key unwrap integrity check failed.");
        }

        return key;
    }

    // RFC 3217 §3.2 Key Unwrap: two Triple-DES CBC passes and a SHA-1 checksum.
    private static byte[] TripleDesUnwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < 16 || wrapped.Length % 8 != 0 || kek.Length != 24)
        {
            throw new CryptographicException("The wrapped key or the key-encryption key has an invalid length.");
        }

        var engine = new DesEdeWrapEngine();
        engine.Init(false, new KeyParameter(kek));
        byte[] input = wrapped.ToArray();
        try
        {
            return engine.Unwrap(input, 0, input.Length);
        }
        catch (InvalidCipherTextException ex)
        {
            throw new CryptographicException("The key unwrap integrity check failed.", ex);
        }
    }
}
