using System.Security.Cryptography;

namespace SmimeGraph.Cms;

/// <summary>Key unwrapping for KeyAgreeRecipientInfo: AES key wrap (RFC 3394) and CMS Triple-DES key wrap (RFC 3217).</summary>
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

    public static byte[] Unwrap(string wrapOid, ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped) => wrapOid switch
    {
        Oids.Aes128Wrap or Oids.Aes192Wrap or Oids.Aes256Wrap => AesUnwrap(kek, wrapped),
        Oids.Cms3DesWrap => TripleDesUnwrap(kek, wrapped),
        _ => throw new CryptographicException($"The key wrap algorithm {wrapOid} is not supported."),
    };

    // RFC 3394 §2.2.2, shared with the writer's AesKeyWrap.
    private static byte[] AesUnwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < 24 || wrapped.Length % 8 != 0)
        {
            throw new CryptographicException("The wrapped key has an invalid length.");
        }

        byte[] key = new byte[wrapped.Length - 8];
        if (!AesKeyWrap.TryUnwrap(kek, wrapped, key))
        {
            throw new CryptographicException("The key unwrap integrity check failed.");
        }

        return key;
    }

    // RFC 3217 §3.2 Key Unwrap.
    private static byte[] TripleDesUnwrap(ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length < 16 || wrapped.Length % 8 != 0)
        {
            throw new CryptographicException("The wrapped key has an invalid length.");
        }

        using TripleDES des = TripleDES.Create();
        des.SetKey(kek); // no uncleared copy of the key-encryption key (Key = kek.ToArray() would leave one)
        ReadOnlySpan<byte> iv4adda = [0x4a, 0xdd, 0xa2, 0x2c, 0x79, 0xe8, 0x21, 0x05];
        byte[] temp3 = des.DecryptCbc(wrapped, iv4adda, PaddingMode.None);
        Array.Reverse(temp3);
        byte[] cekIcv = des.DecryptCbc(temp3.AsSpan(8), temp3.AsSpan(0, 8), PaddingMode.None);
        CryptographicOperations.ZeroMemory(temp3);
        byte[] cek = cekIcv.AsSpan(0, cekIcv.Length - 8).ToArray();
        byte[] icv = SHA1.HashData(cek);
        bool ok = CryptographicOperations.FixedTimeEquals(icv.AsSpan(0, 8), cekIcv.AsSpan(cekIcv.Length - 8));
        CryptographicOperations.ZeroMemory(cekIcv);
        if (!ok)
        {
            CryptographicOperations.ZeroMemory(cek);
            throw new CryptographicException("The key unwrap integrity check failed.");
        }

        return cek;
    }
}
