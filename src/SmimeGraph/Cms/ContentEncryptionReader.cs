using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Paddings;
using Org.BouncyCastle.Crypto.Parameters;

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
        Oids.Rc2Cbc => ("RC2-CBC", 0, false, true), // the key length follows the parameters (KeyLength)
        _ => (oid, 0, false, false),
    };

    /// <summary>
    /// The content-encryption key length in bytes for <paramref name="algorithm"/>, parameters
    /// included (RC2's key length follows its effective key bits); 0 when unsupported.
    /// </summary>
    public static int KeyLength(AlgorithmIdentifier algorithm)
    {
        if (algorithm.Oid != Oids.Rc2Cbc)
        {
            return Describe(algorithm.Oid).KeyLength;
        }

        try
        {
            return ReadRc2Parameters(algorithm).EffectiveBits / 8;
        }
        catch (Exception ex) when (ex is AsnContentException or CryptographicException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Decrypts the content. Any failure (padding, tag, parameters) is a CryptographicException;
    /// the caller turns every one into the same DecryptionFailedException.
    /// </summary>
    public static byte[] Decrypt(AlgorithmIdentifier algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> mac, ReadOnlySpan<byte> authenticatedAttributes)
    {
        (_, _, bool authenticated, _) = Describe(algorithm.Oid);
        int keyLength = KeyLength(algorithm);
        if (keyLength == 0 || key.Length != keyLength || algorithm.Parameters is null)
        {
            throw new CryptographicException("The content-encryption key or parameters do not fit the algorithm.");
        }

        try
        {
            if (algorithm.Oid == Oids.Rc2Cbc)
            {
                return DecryptRc2(algorithm, key, ciphertext);
            }

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

    /// <summary>
    /// A decryptor for content decrypted as it streams by, for the CBC algorithms the platform
    /// has (AES, RFC 3565; Triple-DES, RFC 3370 §5.1), or null for the others (AES-GCM, whose tag
    /// follows the content; RC2), which are decrypted whole. The key is copied into the transform.
    /// It does not remove the padding: <see cref="CbcDecryptingReadStream"/> does.
    /// </summary>
    /// <exception cref="CryptographicException">The key or the parameters do not fit the algorithm.</exception>
    public static ICryptoTransform? CreateCbcDecryptor(AlgorithmIdentifier algorithm, ReadOnlySpan<byte> key)
    {
        if (algorithm.Oid is not (Oids.Aes128Cbc or Oids.Aes192Cbc or Oids.Aes256Cbc or Oids.DesEde3Cbc))
        {
            return null;
        }

        int keyLength = KeyLength(algorithm);
        if (keyLength == 0 || key.Length != keyLength || algorithm.Parameters is null)
        {
            throw new CryptographicException("The content-encryption key or parameters do not fit the algorithm.");
        }

        byte[] iv;
        try
        {
            iv = new AsnReader(algorithm.Parameters.Value, AsnEncodingRules.BER).ReadOctetString();
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The content-encryption parameters are malformed.", ex);
        }

        using SymmetricAlgorithm cipher = algorithm.Oid == Oids.DesEde3Cbc ? TripleDES.Create() : Aes.Create();
        if (iv.Length != cipher.BlockSize / 8)
        {
            throw new CryptographicException("The IV does not fit the algorithm.");
        }

        cipher.SetKey(key);
        cipher.IV = iv;
        cipher.Mode = CipherMode.CBC;
        cipher.Padding = PaddingMode.None;
        return cipher.CreateDecryptor();
    }

    // RFC 3370 §5.2 / RFC 2268 §6:
    //   RC2-CBC-Parameter ::= CHOICE {
    //     iv IV,                                      -- effective key bits 32
    //     params SEQUENCE { version RC2Version, iv IV } }
    // rc2ParameterVersion 160, 120, 58 encode 40, 64, 128 effective bits; 256 and above are the bits.
    private static (int EffectiveBits, byte[] Iv) ReadRc2Parameters(AlgorithmIdentifier algorithm)
    {
        var reader = new AsnReader(algorithm.Parameters!.Value, AsnEncodingRules.BER);
        if (reader.PeekTag().HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
        {
            return (32, reader.ReadOctetString());
        }

        AsnReader sequence = reader.ReadSequence();
        int version = SignedDataReader.ReadSmallInteger(sequence);
        byte[] iv = sequence.ReadOctetString();
        sequence.ThrowIfNotEmpty();
        int bits = version switch
        {
            160 => 40,
            120 => 64,
            58 => 128,
            >= 256 and <= 1024 => version,
            _ => throw new CryptographicException($"The RC2 parameter version {version} is not defined."),
        };
        if (iv.Length != 8 || bits % 8 != 0)
        {
            throw new CryptographicException("The RC2 parameters are invalid.");
        }

        return (bits, iv);
    }

    // RC2 (RFC 2268) in CBC mode with PKCS #7 padding, on BouncyCastle: the platform's RC2 is gone
    // from OpenSSL 3's default provider. Read only; RC2 is reported weak, never valid.
    private static byte[] DecryptRc2(AlgorithmIdentifier algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> ciphertext)
    {
        (int bits, byte[] iv) = ReadRc2Parameters(algorithm);
        byte[] keyBytes = key.ToArray();
        try
        {
            var cipher = new PaddedBufferedBlockCipher(new CbcBlockCipher(new RC2Engine()), new Pkcs7Padding());
            cipher.Init(false, new ParametersWithIV(new RC2Parameters(keyBytes, bits), iv));
            return cipher.DoFinal(ciphertext.ToArray());
        }
        catch (InvalidCipherTextException ex)
        {
            throw new CryptographicException("The RC2 content does not decrypt.", ex);
        }
        catch (DataLengthException ex)
        {
            throw new CryptographicException("The RC2 content does not decrypt.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyBytes);
        }
    }
}
