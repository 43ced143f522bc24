using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Reads a SignerInfo's signatureAlgorithm (RFC 3370 §3, RFC 4056, RFC 5754, RFC 5758) and
/// checks a signature over a digest with the signer certificate's key.
/// </summary>
internal static class SignatureAlgorithmReader
{
    private enum Family
    {
        Unknown,
        RsaPkcs1,
        RsaPss,
        Ecdsa,
        Dsa,
    }

    /// <summary>RSASSA-PSS parameters (RFC 4055 §3.1).</summary>
    internal readonly record struct PssParameters(string HashOid, string MgfHashOid, int SaltLength, int TrailerField);

    public static string Describe(AlgorithmIdentifier signatureAlgorithm, AlgorithmIdentifier digestAlgorithm)
    {
        string digest = AlgorithmIdentifierReader.DigestName(digestAlgorithm.Oid);
        (Family family, string? impliedDigest) = Classify(signatureAlgorithm.Oid);
        string hashName = impliedDigest is null ? digest : AlgorithmIdentifierReader.DigestName(impliedDigest);
        switch (family)
        {
            case Family.RsaPkcs1:
                return $"RSA PKCS#1 v1.5 with {hashName}";
            case Family.RsaPss:
                try
                {
                    PssParameters p = ReadPssParameters(signatureAlgorithm);
                    return $"RSASSA-PSS ({AlgorithmIdentifierReader.DigestName(p.HashOid)}, MGF1 {AlgorithmIdentifierReader.DigestName(p.MgfHashOid)}, salt {p.SaltLength})";
                }
                catch (AsnContentException)
                {
                    return "RSASSA-PSS (malformed parameters)";
                }

            case Family.Ecdsa:
                return $"ECDSA with {hashName}";
            case Family.Dsa:
                return $"DSA with {hashName}";
            default:
                return signatureAlgorithm.Oid;
        }
    }

    /// <summary>
    /// Checks <paramref name="signature"/> over <paramref name="digest"/>; returns the problem, or
    /// null when it verifies. An RSA key whose public exponent is wider than
    /// <paramref name="maxRsaPublicExponentBits"/> is refused before any arithmetic.
    /// </summary>
    public static string? Verify(X509Certificate2 certificate, AlgorithmIdentifier signatureAlgorithm, AlgorithmIdentifier digestAlgorithm, HashAlgorithmName hash, byte[] digest, ReadOnlySpan<byte> signature, int maxRsaPublicExponentBits = CmsReadBudget.DefaultMaxRsaPublicExponentBits)
    {
        (Family family, string? impliedDigest) = Classify(signatureAlgorithm.Oid);
        if (impliedDigest is not null && impliedDigest != digestAlgorithm.Oid)
        {
            return $"the signature algorithm's hash ({AlgorithmIdentifierReader.DigestName(impliedDigest)}) differs from the digest algorithm ({AlgorithmIdentifierReader.DigestName(digestAlgorithm.Oid)})";
        }

        switch (family)
        {
            case Family.RsaPkcs1:
                {
                    using RsaPublicKeys.Lease lease = RsaPublicKeys.Shared.Rent(certificate);
                    RSA? rsa = lease.Key;
                    if (rsa is null)
                    {
                        return "the signature algorithm is RSA but the certificate's key is not";
                    }

                    if (ExponentProblem(certificate, rsa, maxRsaPublicExponentBits) is { } exponentProblem)
                    {
                        return exponentProblem;
                    }

                    // The platform verifies the common case; BouncyCastle takes SHA-224, which the
                    // platform lacks, and the DigestInfo that leaves the NULL parameters out (RFC 4055
                    // §2.1 / RFC 5754 §2: some signers omit them), which it refuses.
                    bool ok = hash != AlgorithmIdentifierReader.Sha224 && rsa.VerifyHash(digest, signature.ToArray(), hash, RSASignaturePadding.Pkcs1);
                    ok = ok || RsaPaddingReader.VerifyPkcs1(rsa, digestAlgorithm.Oid, digest, signature);
                    return ok ? null : "the RSA signature does not verify";
                }

            case Family.RsaPss:
                {
                    using RsaPublicKeys.Lease lease = RsaPublicKeys.Shared.Rent(certificate);
                    RSA? rsa = lease.Key;
                    if (rsa is null)
                    {
                        return "the signature algorithm is RSASSA-PSS but the certificate's key is not RSA";
                    }

                    if (ExponentProblem(certificate, rsa, maxRsaPublicExponentBits) is { } exponentProblem)
                    {
                        return exponentProblem;
                    }

                    PssParameters p;
                    try
                    {
                        p = ReadPssParameters(signatureAlgorithm);
                    }
                    catch (AsnContentException)
                    {
                        return "the RSASSA-PSS parameters are malformed";
                    }

                    // RFC 4056 §3: the PSS hash must be the SignerInfo's digest algorithm.
                    if (p.HashOid != digestAlgorithm.Oid)
                    {
                        return "the RSASSA-PSS hash differs from the digest algorithm";
                    }

                    if (!AlgorithmIdentifierReader.TryGetHashAlgorithm(p.MgfHashOid, out HashAlgorithmName mgfHash))
                    {
                        return $"the MGF1 hash {p.MgfHashOid} is not supported";
                    }

                    if (p.SaltLength < 0 || p.SaltLength > rsa.KeySize / 8)
                    {
                        return "the RSASSA-PSS salt length is out of range";
                    }

                    // The platform's PSS takes salt = hash length and MGF1 with the same hash;
                    // any other parameters are checked by BouncyCastle.
                    bool platform = p.SaltLength == AlgorithmIdentifierReader.HashSize(hash) && mgfHash == hash && p.TrailerField == 1
                        && hash != AlgorithmIdentifierReader.Sha224 && hash != HashAlgorithmName.MD5;
                    bool verified = platform
                        ? rsa.VerifyHash(digest, signature.ToArray(), hash, RSASignaturePadding.Pss)
                        : RsaPaddingReader.VerifyPss(rsa, digest, signature, hash, mgfHash, p.SaltLength, p.TrailerField);
                    return verified ? null : "the RSASSA-PSS signature does not verify";
                }

            case Family.Ecdsa:
                {
                    using ECDsa? ecdsa = certificate.GetECDsaPublicKey();
                    if (ecdsa is null)
                    {
                        return "the signature algorithm is ECDSA but the certificate's key is not EC";
                    }

                    return ecdsa.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence) ? null : "the ECDSA signature does not verify";
                }

            case Family.Dsa:
                {
                    using DSA? dsa = certificate.GetDSAPublicKey();
                    if (dsa is null)
                    {
                        return "the signature algorithm is DSA but the certificate's key is not a usable DSA key";
                    }

                    return dsa.VerifySignature(digest, signature, DSASignatureFormat.Rfc3279DerSequence) ? null : "the DSA signature does not verify";
                }

            default:
                return $"the signature algorithm {signatureAlgorithm.Oid} is not supported";
        }
    }

    // RFC 8017 §3.1 bounds the exponent only by the modulus; checking a signature costs one
    // modular squaring per exponent bit, so a huge exponent is refused unused.
    // The key was imported from a certificate with the same SubjectPublicKeyInfo (RsaPublicKeys),
    // so the exponent is read from the certificate; exporting the key's parameters is the fallback
    // for an encoding the reader does not take.
    private static string? ExponentProblem(X509Certificate2 certificate, RSA rsa, int maxBits)
    {
        int bits = SubjectPublicKeyInfoReader.RsaPublicExponentBits(certificate) ?? ExportedExponentBits(rsa);
        return bits > maxBits
            ? $"the RSA public exponent has {bits} bits, more than the limit of {maxBits}; the signature is not checked"
            : null;
    }

    private static int ExportedExponentBits(RSA rsa)
    {
        RSAParameters parameters = rsa.ExportParameters(false);
        int start = parameters.Exponent.AsSpan().IndexOfAnyExcept((byte)0);
        return start < 0 ? 0 : ((parameters.Exponent!.Length - start - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount(parameters.Exponent[start]));
    }

    /// <summary>The digest a signature algorithm implies (its own hash, or the PSS parameters' hash); null when it names none.</summary>
    public static string? DigestOf(AlgorithmIdentifier signatureAlgorithm)
    {
        (Family family, string? implied) = Classify(signatureAlgorithm.Oid);
        if (family == Family.RsaPss)
        {
            try
            {
                return ReadPssParameters(signatureAlgorithm).HashOid;
            }
            catch (AsnContentException)
            {
                return null;
            }
        }

        return implied;
    }

    // RFC 4055 §3.1:
    //   RSASSA-PSS-params ::= SEQUENCE {
    //     hashAlgorithm      [0] HashAlgorithm DEFAULT sha1,
    //     maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
    //     saltLength         [2] INTEGER DEFAULT 20,
    //     trailerField       [3] INTEGER DEFAULT 1 }
    internal static PssParameters ReadPssParameters(AlgorithmIdentifier algorithm)
    {
        string hashOid = Oids.DigestSha1;
        string mgfHashOid = Oids.DigestSha1;
        int saltLength = 20;
        int trailer = 1;
        if (algorithm.HasNoParameters)
        {
            return new PssParameters(hashOid, mgfHashOid, saltLength, trailer);
        }

        var outer = new AsnReader(algorithm.Parameters!.Value, AsnEncodingRules.BER);
        AsnReader sequence = outer.ReadSequence();
        var tag0 = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        var tag1 = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        var tag2 = new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true);
        var tag3 = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
        if (sequence.HasData && sequence.PeekTag() == tag0)
        {
            AsnReader explicitHash = sequence.ReadSequence(tag0);
            hashOid = AlgorithmIdentifierReader.Read(explicitHash).Oid;
        }

        if (sequence.HasData && sequence.PeekTag() == tag1)
        {
            AsnReader explicitMgf = sequence.ReadSequence(tag1);
            mgfHashOid = ReadMgf1Hash(AlgorithmIdentifierReader.Read(explicitMgf));
        }

        if (sequence.HasData && sequence.PeekTag() == tag2)
        {
            saltLength = SignedDataReader.ReadSmallInteger(sequence.ReadSequence(tag2));
        }

        if (sequence.HasData && sequence.PeekTag() == tag3)
        {
            trailer = SignedDataReader.ReadSmallInteger(sequence.ReadSequence(tag3));
        }

        sequence.ThrowIfNotEmpty();
        return new PssParameters(hashOid, mgfHashOid, saltLength, trailer);
    }

    /// <summary>The hash OID of an id-mgf1 AlgorithmIdentifier (RFC 8017 §B.2.1).</summary>
    internal static string ReadMgf1Hash(AlgorithmIdentifier mgf)
    {
        if (mgf.Oid != Oids.MaskGenerationMgf1 || mgf.Parameters is null)
        {
            throw new AsnContentException($"The mask generation function {mgf.Oid} is not MGF1.");
        }

        return AlgorithmIdentifierReader.Read(new AsnReader(mgf.Parameters.Value, AsnEncodingRules.BER)).Oid;
    }

    private static (Family Family, string? ImpliedDigest) Classify(string oid) => oid switch
    {
        Oids.RsaEncryption => (Family.RsaPkcs1, null),
        Oids.SignatureMd5WithRsa => (Family.RsaPkcs1, Oids.DigestMd5),
        Oids.SignatureSha1WithRsa => (Family.RsaPkcs1, Oids.DigestSha1),
        Oids.SignatureSha224WithRsa => (Family.RsaPkcs1, Oids.DigestSha224),
        Oids.SignatureSha256WithRsa => (Family.RsaPkcs1, Oids.DigestSha256),
        Oids.SignatureSha384WithRsa => (Family.RsaPkcs1, Oids.DigestSha384),
        Oids.SignatureSha512WithRsa => (Family.RsaPkcs1, Oids.DigestSha512),
        Oids.SignatureRsassaPss => (Family.RsaPss, null),
        Oids.EcPublicKey => (Family.Ecdsa, null),
        Oids.SignatureEcdsaWithSha1 => (Family.Ecdsa, Oids.DigestSha1),
        Oids.SignatureEcdsaWithSha224 => (Family.Ecdsa, Oids.DigestSha224),
        Oids.SignatureEcdsaWithSha256 => (Family.Ecdsa, Oids.DigestSha256),
        Oids.SignatureEcdsaWithSha384 => (Family.Ecdsa, Oids.DigestSha384),
        Oids.SignatureEcdsaWithSha512 => (Family.Ecdsa, Oids.DigestSha512),
        Oids.Dsa => (Family.Dsa, null),
        Oids.SignatureDsaWithSha1 => (Family.Dsa, Oids.DigestSha1),
        Oids.SignatureDsaWithSha224 => (Family.Dsa, Oids.DigestSha224),
        Oids.SignatureDsaWithSha256 => (Family.Dsa, Oids.DigestSha256),
        _ => (Family.Unknown, null),
    };
}
