using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using BcAlgorithmIdentifier = Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace SmimeGraph.Cms;

/// <summary>
/// RSA paddings with the parameters CMS allows but the platform cannot check (RFC 8017): RSASSA-PSS
/// with any salt length and MGF1 hash (the platform fixes salt = hash length and MGF1 hash = hash),
/// RSAES-OAEP with a label or an MGF1 hash of its own, and PKCS #1 v1.5 signatures over SHA-224 or
/// with the DigestInfo NULL left out. These run on BouncyCastle's RSA engines (blinded for the
/// private operation); everything else stays on the platform.
/// </summary>
internal static class RsaPaddingReader
{
    /// <summary>
    /// RFC 8017 §8.2.2 with EMSA-PKCS1-v1_5 (§9.2) over an already computed digest. The DigestInfo
    /// may carry the digest algorithm's NULL parameters or leave them out (RFC 4055 §2.1, RFC 5754 §2).
    /// </summary>
    public static bool VerifyPkcs1(RSA rsa, string digestOid, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        try
        {
            var signer = new RsaDigestSigner(new RsaEngine(), Prehash.ForParameters(digestOid, digest.Length), new BcAlgorithmIdentifier(new DerObjectIdentifier(digestOid), DerNull.Instance));
            signer.Init(false, PublicKey(rsa));
            signer.BlockUpdate(digest);
            return signer.VerifySignature(signature.ToArray());
        }
        catch (Exception ex) when (ex is CryptoException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>RFC 8017 §8.1.2 with EMSA-PSS-VERIFY (§9.1.2) over the already computed message hash.</summary>
    public static bool VerifyPss(RSA rsa, ReadOnlySpan<byte> mHash, ReadOnlySpan<byte> signature, HashAlgorithmName hash, HashAlgorithmName mgfHash, int saltLength, int trailerField)
    {
        // RFC 4055 §3.1: trailerField 1 is the 0xBC octet, the only one defined.
        if (trailerField != 1)
        {
            return false;
        }

        try
        {
            PssSigner signer = PssSigner.CreateRawSigner(new RsaEngine(), AlgorithmIdentifierReader.CreateDigest(hash), AlgorithmIdentifierReader.CreateDigest(mgfHash), saltLength, PssSigner.TrailerImplicit);
            signer.Init(false, PublicKey(rsa));
            signer.BlockUpdate(mHash);
            return signer.VerifySignature(signature.ToArray());
        }
        catch (Exception ex) when (ex is CryptoException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// RFC 8017 §7.1.2 RSAES-OAEP-DECRYPT with an explicit label and MGF1 hash. Every failure is the
    /// same CryptographicException.
    /// </summary>
    public static byte[] DecryptOaep(RSA rsa, ReadOnlySpan<byte> ciphertext, HashAlgorithmName hash, HashAlgorithmName mgfHash, ReadOnlySpan<byte> label)
    {
        RSAParameters p = rsa.ExportParameters(true);
        try
        {
            if (ciphertext.Length != p.Modulus!.Length)
            {
                throw new CryptographicException("OAEP decoding failed.");
            }

            var key = new RsaPrivateCrtKeyParameters(
                Unsigned(p.Modulus), Unsigned(p.Exponent!), Unsigned(p.D!), Unsigned(p.P!), Unsigned(p.Q!), Unsigned(p.DP!), Unsigned(p.DQ!), Unsigned(p.InverseQ!));
            var oaep = new OaepEncoding(new RsaBlindedEngine(), AlgorithmIdentifierReader.CreateDigest(hash), AlgorithmIdentifierReader.CreateDigest(mgfHash), label.ToArray());
            oaep.Init(false, key);
            byte[] block = ciphertext.ToArray();
            return oaep.ProcessBlock(block, 0, block.Length);
        }
        catch (Exception ex) when (ex is CryptoException or ArgumentException or InvalidOperationException)
        {
            throw new CryptographicException("OAEP decoding failed.", ex);
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

    private static RsaKeyParameters PublicKey(RSA rsa)
    {
        RSAParameters p = rsa.ExportParameters(false);
        return new RsaKeyParameters(false, Unsigned(p.Modulus!), Unsigned(p.Exponent!));
    }

    private static BigInteger Unsigned(byte[] bigEndian) => new(1, bigEndian);
}
