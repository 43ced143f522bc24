using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// Turns what the CMS reader found about each SignerInfo into the verdicts the inspector reports,
/// adding the policy's judgement of the signer's key (RSA under
/// <see cref="CertificatePolicy.MinimumRsaKeySize"/> bits is weak).
/// </summary>
internal static class SignedDataVerification
{
    /// <summary>Verifies every SignerInfo of <paramref name="reader"/> (see <see cref="SignedDataReader.VerifySignerInfos"/>) and returns one verdict each.</summary>
    public static IReadOnlyList<SignatureVerdict> Verify(this SignedDataReader reader, ReadOnlyMemory<byte>? detachedContent, IEnumerable<X509Certificate2>? extraCertificates = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        IReadOnlyList<SignerInfoVerification> verifications = reader.VerifySignerInfos(detachedContent, extraCertificates);
        return ToVerdicts(verifications);
    }

    /// <summary>Verifies every SignerInfo over a content hashed as it streamed by (see <see cref="SignedDataReader.VerifySignerInfosOverDigest"/>).</summary>
    public static IReadOnlyList<SignatureVerdict> VerifyOverDigest(this SignedDataReader reader, Func<HashAlgorithmName, byte[]?> contentDigest, IEnumerable<X509Certificate2>? extraCertificates = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return ToVerdicts(reader.VerifySignerInfosOverDigest(contentDigest, extraCertificates));
    }

    /// <summary>
    /// Gives every countersignature (RFC 5652 §11.4), at any depth, its chain and its signer's
    /// addresses. Countersigners vouch for nothing the verdict uses (anyone can add one to a
    /// signature), so their signing times and addresses are not compared with the message.
    /// </summary>
    public static void CompleteCountersignatures(IReadOnlyList<SignatureVerdict> countersignatures, IReadOnlyList<X509Certificate2> certificates, ChainValidationOptions chainOptions)
    {
        foreach (SignatureVerdict countersignature in countersignatures)
        {
            if (countersignature.SignerCertificate is { } certificate)
            {
                // The countersigner's certificate is attacker-supplied bytes too: one the platform
                // cannot decode is the countersignature's problem, not the signature's or an exception.
                try
                {
                    countersignature.Chain = ChainValidator.Validate(certificate, certificates, chainOptions, CertificatePurpose.Signing);
                    countersignature.SignerAddresses = CertificatePolicy.GetEmailAddresses(certificate);
                }
                catch (Exception ex) when (SmimeInspector.IsDecodingFailure(ex))
                {
                    var unreadable = new InspectionProblem(InspectionProblemCodes.CertificateUnreadable, "the countersigner certificate cannot be decoded: " + ex.Message);
                    countersignature.Chain = new ChainValidationResult(false, [unreadable], [certificate], chainOptions.ValidationTime ?? DateTimeOffset.UtcNow);
                }
            }

            CompleteCountersignatures(countersignature.Countersignatures, certificates, chainOptions);
        }
    }

    private static List<SignatureVerdict> ToVerdicts(IReadOnlyList<SignerInfoVerification> verifications)
    {
        var verdicts = new List<SignatureVerdict>(verifications.Count);
        foreach (SignerInfoVerification verification in verifications)
        {
            var weaknesses = new List<string>(verification.Weaknesses);
            // The key size from the SubjectPublicKeyInfo, as the certificate policy reads it: the
            // signature check has imported the key already, and importing it again costs more than
            // the rest of the verdict. The reader takes DER only; a key it cannot read (0 bits) may
            // still have imported (the platform takes BER) and verified, so it is imported again
            // to be judged rather than passed over.
            if (verification.SignerCertificate is { } certificate
                && certificate.PublicKey.Oid.Value == Oids.RsaEncryption
                && RsaKeyBits(certificate) is int bits and > 0
                && bits < CertificatePolicy.MinimumRsaKeySize)
            {
                weaknesses.Add($"RSA key of {bits} bits is under {CertificatePolicy.MinimumRsaKeySize}");
            }

            verdicts.Add(new SignatureVerdict(verification.SignerIdentifier, verification.DigestAlgorithmOid, verification.SignatureAlgorithmOid)
            {
                DigestAlgorithm = verification.DigestAlgorithm,
                SignatureAlgorithm = verification.SignatureAlgorithm,
                SignerCertificate = verification.SignerCertificate,
                SigningTime = verification.SigningTime,
                Weaknesses = weaknesses,
                IsSignatureValid = verification.IsSignatureValid,
                Failure = verification.Failure,
                Countersignatures = ToVerdicts(verification.Countersignatures),
            });
        }

        return verdicts;
    }

    private static int RsaKeyBits(X509Certificate2 certificate)
    {
        int bits = SubjectPublicKeyInfoReader.RsaModulusBits(certificate);
        if (bits > 0)
        {
            return bits;
        }

        try
        {
            using RSA? rsa = certificate.GetRSAPublicKey();
            return rsa?.KeySize ?? 0;
        }
        catch (CryptographicException)
        {
            // Not importable either: the signature check has failed on it.
            return 0;
        }
    }
}
