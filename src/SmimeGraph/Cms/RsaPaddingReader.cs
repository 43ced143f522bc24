using System.Numerics;
using System.Security.Cryptography;

namespace SmimeGraph.Cms;

/// <summary>
/// RSA paddings the platform cannot check with the parameters CMS allows (RFC 8017): RSASSA-PSS
/// with any salt length and MGF1 hash (the platform fixes salt = hash length, MGF1 hash = hash),
/// RSAES-OAEP with a label or an MGF1 hash other than the OAEP hash, PKCS#1 v1.5 signatures
/// over SHA-224. Built on the raw RSA primitives RSAVP1 and RSADP.
/// </summary>
internal static class RsaPaddingReader
{
    // RFC 8017 §5.2.2 RSAVP1: m = s^e mod n. Public data only.
    public static byte[]? PublicOperation(RSA rsa, ReadOnlySpan<byte> signature)
    {
        RSAParameters p = rsa.ExportParameters(false);
        int k = p.Modulus!.Length;
        if (signature.Length != k)
        {
            return null;
        }

        var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
        var e = new BigInteger(p.Exponent, isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(signature, isUnsigned: true, isBigEndian: true);
        if (s >= n)
        {
            return null;
        }

        return ToFixed(BigInteger.ModPow(s, e, n), k);
    }

    // RFC 8017 §5.1.2 RSADP with the CRT (§5.1.2 2.b) and base blinding, so the exponentiation
    // never runs on the attacker's ciphertext directly.
    public static byte[] PrivateOperation(RSA rsa, ReadOnlySpan<byte> ciphertext)
    {
        RSAParameters p = rsa.ExportParameters(true);
        try
        {
            int k = p.Modulus!.Length;
            if (ciphertext.Length != k)
            {
                throw new CryptographicException("The encrypted key does not have the modulus length.");
            }

            var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
            var e = new BigInteger(p.Exponent, isUnsigned: true, isBigEndian: true);
            var c = new BigInteger(ciphertext, isUnsigned: true, isBigEndian: true);
            if (c >= n)
            {
                throw new CryptographicException("The encrypted key is out of range.");
            }

            BigInteger r;
            byte[] random = new byte[k];
            do
            {
                RandomNumberGenerator.Fill(random);
                r = new BigInteger(random, isUnsigned: true, isBigEndian: true) % n;
            }
            while (r.IsZero || BigInteger.GreatestCommonDivisor(r, n) != BigInteger.One);

            BigInteger blinded = c * BigInteger.ModPow(r, e, n) % n;
            var prime1 = new BigInteger(p.P, isUnsigned: true, isBigEndian: true);
            var prime2 = new BigInteger(p.Q, isUnsigned: true, isBigEndian: true);
            var dp = new BigInteger(p.DP, isUnsigned: true, isBigEndian: true);
            var dq = new BigInteger(p.DQ, isUnsigned: true, isBigEndian: true);
            var qInv = new BigInteger(p.InverseQ, isUnsigned: true, isBigEndian: true);
            BigInteger m1 = BigInteger.ModPow(blinded, dp, prime1);
            BigInteger m2 = BigInteger.ModPow(blinded, dq, prime2);
            BigInteger h = (m1 - m2) * qInv % prime1;
            if (h.Sign < 0)
            {
                h += prime1;
            }

            BigInteger m = (m2 + h * prime2) % n;
            m = m * ModInverse(r, n) % n;
            return ToFixed(m, k);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(p.D);
            CryptographicOperations.ZeroMemory(p.P);
            CryptographicOperations.ZeroMemory(p.Q);
            CryptographicOperations.ZeroMemory(p.DP);
            CryptographicOperations.ZeroMemory(p.DQ);
            CryptographicOperations.ZeroMemory(p.InverseQ);
        }
    }

    /// <summary>RFC 8017 §9.1.2 EMSA-PSS-VERIFY over the already computed message hash.</summary>
    public static bool VerifyPss(RSA rsa, ReadOnlySpan<byte> mHash, ReadOnlySpan<byte> signature, HashAlgorithmName hash, HashAlgorithmName mgfHash, int saltLength, int trailerField)
    {
        if (trailerField != 1)
        {
            return false;
        }

        byte[]? em0 = PublicOperation(rsa, signature);
        if (em0 is null)
        {
            return false;
        }

        int modBits = rsa.KeySize;
        int emBits = modBits - 1;
        int emLen = (emBits + 7) / 8;
        // RSAVP1 gives k octets; EM is the last emLen of them and any extra leading octet is zero.
        ReadOnlySpan<byte> em = em0.AsSpan(em0.Length - emLen);
        if (em0.Length > emLen && em0[0] != 0)
        {
            return false;
        }

        int hLen = mHash.Length;
        if (emLen < hLen + saltLength + 2 || em[^1] != 0xBC)
        {
            return false;
        }

        ReadOnlySpan<byte> maskedDb = em[..(emLen - hLen - 1)];
        ReadOnlySpan<byte> h = em.Slice(emLen - hLen - 1, hLen);
        int zeroBits = 8 * emLen - emBits;
        if ((maskedDb[0] & (0xFF << (8 - zeroBits)) & 0xFF) != 0)
        {
            return false;
        }

        byte[] db = Mgf1(mgfHash, h, maskedDb.Length);
        for (int i = 0; i < db.Length; i++)
        {
            db[i] ^= maskedDb[i];
        }

        db[0] &= (byte)(0xFF >> zeroBits);
        int psLength = emLen - hLen - saltLength - 2;
        for (int i = 0; i < psLength; i++)
        {
            if (db[i] != 0)
            {
                return false;
            }
        }

        if (db[psLength] != 0x01)
        {
            return false;
        }

        ReadOnlySpan<byte> salt = db.AsSpan(db.Length - saltLength);
        byte[] mPrime = new byte[8 + hLen + saltLength];
        mHash.CopyTo(mPrime.AsSpan(8));
        salt.CopyTo(mPrime.AsSpan(8 + hLen));
        byte[] hPrime = AlgorithmIdentifierReader.Hash(hash, mPrime);
        return CryptographicOperations.FixedTimeEquals(hPrime, h);
    }

    /// <summary>RFC 8017 §8.2.2 with EMSA-PKCS1-v1_5 (§9.2): re-encode and compare.</summary>
    public static bool VerifyPkcs1(RSA rsa, ReadOnlySpan<byte> digestInfo, ReadOnlySpan<byte> signature)
    {
        byte[]? em = PublicOperation(rsa, signature);
        if (em is null || em.Length < digestInfo.Length + 11)
        {
            return false;
        }

        byte[] expected = new byte[em.Length];
        expected[1] = 0x01;
        expected.AsSpan(2, em.Length - digestInfo.Length - 3).Fill(0xFF);
        digestInfo.CopyTo(expected.AsSpan(em.Length - digestInfo.Length));
        return CryptographicOperations.FixedTimeEquals(em, expected);
    }

    /// <summary>
    /// RFC 8017 §7.1.2 RSAES-OAEP-DECRYPT with an explicit label and MGF1 hash. Every failure is
    /// the same CryptographicException, decided only after the whole block has been examined.
    /// </summary>
    public static byte[] DecryptOaep(RSA rsa, ReadOnlySpan<byte> ciphertext, HashAlgorithmName hash, HashAlgorithmName mgfHash, ReadOnlySpan<byte> label)
    {
        byte[] em = PrivateOperation(rsa, ciphertext);
        try
        {
            int k = em.Length;
            int hLen = AlgorithmIdentifierReader.HashSize(hash);
            if (k < 2 * hLen + 2)
            {
                throw new CryptographicException("OAEP decoding failed.");
            }

            byte[] lHash = AlgorithmIdentifierReader.Hash(hash, label);
            ReadOnlySpan<byte> maskedSeed = em.AsSpan(1, hLen);
            ReadOnlySpan<byte> maskedDb = em.AsSpan(1 + hLen);
            byte[] seed = Mgf1(mgfHash, maskedDb, hLen);
            for (int i = 0; i < hLen; i++)
            {
                seed[i] ^= maskedSeed[i];
            }

            byte[] db = Mgf1(mgfHash, seed, k - hLen - 1);
            for (int i = 0; i < db.Length; i++)
            {
                db[i] ^= maskedDb[i];
            }

            // Constant-flow scan for the 0x01 separator after lHash' and the zero padding.
            int bad = em[0];
            bad |= CryptographicOperations.FixedTimeEquals(db.AsSpan(0, hLen), lHash) ? 0 : 1;
            int found = 0;
            int index = 0;
            for (int i = hLen; i < db.Length; i++)
            {
                int isOne = db[i] == 1 ? 1 : 0;
                int isZero = db[i] == 0 ? 1 : 0;
                int first = isOne & (found ^ 1);
                index |= first * i;
                found |= isOne;
                bad |= (found ^ 1) & (isZero ^ 1);
            }

            bad |= found ^ 1;
            CryptographicOperations.ZeroMemory(seed);
            if (bad != 0)
            {
                CryptographicOperations.ZeroMemory(db);
                throw new CryptographicException("OAEP decoding failed.");
            }

            byte[] message = db.AsSpan(index + 1).ToArray();
            CryptographicOperations.ZeroMemory(db);
            return message;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(em);
        }
    }

    // RFC 8017 §B.2.1 MGF1.
    public static byte[] Mgf1(HashAlgorithmName hash, ReadOnlySpan<byte> seed, int length)
    {
        byte[] output = new byte[length];
        byte[] input = new byte[seed.Length + 4];
        seed.CopyTo(input);
        int offset = 0;
        for (uint counter = 0; offset < length; counter++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(seed.Length), counter);
            byte[] block = AlgorithmIdentifierReader.Hash(hash, input);
            int take = Math.Min(block.Length, length - offset);
            block.AsSpan(0, take).CopyTo(output.AsSpan(offset));
            offset += take;
        }

        return output;
    }

    private static BigInteger ModInverse(BigInteger value, BigInteger modulus)
    {
        BigInteger t = 0, newT = 1, r = modulus, newR = value;
        while (!newR.IsZero)
        {
            BigInteger q = r / newR;
            (t, newT) = (newT, t - q * newT);
            (r, newR) = (newR, r - q * newR);
        }

        return t.Sign < 0 ? t + modulus : t;
    }

    private static byte[] ToFixed(BigInteger value, int length)
    {
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length == length)
        {
            return bytes;
        }

        byte[] fixedLength = new byte[length];
        bytes.CopyTo(fixedLength.AsSpan(length - bytes.Length));

        // After RSADP the value is the encoded message, which holds the content-encryption key.
        CryptographicOperations.ZeroMemory(bytes);
        return fixedLength;
    }
}
