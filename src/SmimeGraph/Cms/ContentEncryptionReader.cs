using System.Formats.Asn1;
using System.Security.Cryptography;

namespace SmimeGraph.Cms;

/// <summary>Content-encryption algorithms the readers decrypt (RFC 3565, RFC 5084, RFC 3370 §5.1).</summary>
internal static class ContentEncryptionReader
{
    /// <summary>Name, key length in bytes (0 = unsupported), authenticated, weak.</summary>
    public static (string Name, int KeyLength, bool IsAuthenticated, bool IsWeak) Describe(string oid) => oid switch
    {
        Oids.Aes128Cbc => ("AES-128-CBC", 16, false, false),
        Oids.Aes192Cbc => ("AES-192-CBC", 24, false, false),
        Oids.Aes256Cbc => ("AES-256-CBC", 32, false, false),
        Oids.Aes128Gcm => ("AES-128-GCM", 16, true, false),
        Oids.Aes192Gcm => ("AES-192-GCM", 24, true, false),
        Oids.Aes256Gcm => ("AES-256-GCM", 32, true, false),
        Oids.DesEde3Cbc => ("3DES-CBC", 24, false, true),
        Oids.Rc2Cbc => ("RC2-CBC", 0, false, true),
        _ => (oid, 0, false, false),
    };

    /// <summary>
    /// Decrypts the content. Any failure (padding, tag, parameters) is a CryptographicException;
    /// the caller turns every one into the same DecryptionFailedException.
    /// </summary>
    public static byte[] Decrypt(AlgorithmIdentifier algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> mac, ReadOnlySpan<byte> authenticatedAttributes)
    {
        (_, int keyLength, bool authenticated, _) = Describe(algorithm.Oid);
        if (keyLength == 0 || key.Length != keyLength || algorithm.Parameters is null)
        {
            throw new CryptographicException("The content-encryption key or parameters do not fit the algorithm.");
        }

        try
        {
            if (authenticated)
            {
                // RFC 5084 §3.2: GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen AES-GCM-ICVlen DEFAULT 12 }
                var reader = new AsnReader(algorithm.Parameters.Value, AsnEncodingRules.BER);
                AsnReader sequence = reader.ReadSequence();
                byte[] nonce = sequence.ReadOctetString();
                int icvLength = 12;
                if (sequence.HasData)
                {
                    icvLength = SignedDataReader.ReadSmallInteger(sequence);
                }

                sequence.ThrowIfNotEmpty();
                if (mac.Length != icvLength || icvLength is < 12 or > 16 || nonce.Length == 0)
                {
                    throw new CryptographicException("The GCM tag length does not match its parameters.");
                }

                byte[] plaintext = new byte[ciphertext.Length];
                using var gcm = new AesGcm(key, icvLength);
                gcm.Decrypt(nonce, ciphertext, mac, plaintext, authenticatedAttributes);
                return plaintext;
            }

            // RFC 3565 §4.1 / RFC 3370 §5.1: the parameters are the IV, an OCTET STRING.
            // SetKey, not Key = key.ToArray(): that copy of the CEK would outlive the call uncleared.
            byte[] iv = new AsnReader(algorithm.Parameters.Value, AsnEncodingRules.BER).ReadOctetString();
            if (algorithm.Oid == Oids.DesEde3Cbc)
            {
                using TripleDES des = TripleDES.Create();
                des.SetKey(key);
                return des.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
            }

            using Aes aes = Aes.Create();
            aes.SetKey(key);
            return aes.DecryptCbc(ciphertext, iv, PaddingMode.PKCS7);
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The content-encryption parameters are malformed.", ex);
        }
        catch (ArgumentException ex)
        {
            throw new CryptographicException("The content-encryption parameters are invalid.", ex);
        }
    }
}
