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
        var verdicts = new List<SignatureVerdict>(verifications.Count);
        foreach (SignerInfoVerification verification in verifications)
        {
            var weaknesses = new List<string>(verification.Weaknesses);
            if (verification.SignerCertificate is { } certificate)
            {
                try
                {
                    using RSA? rsa = certificate.GetRSAPublicKey();
                    if (rsa is not null && rsa.KeySize < CertificatePolicy.MinimumRsaKeySize)
                    {
                        weaknesses.Add($"RSA key of {rsa.KeySize} bits is under {CertificatePolicy.MinimumRsaKeySize}");
                    }
                }
                catch (CryptographicException)
                {
                    // An unreadable key has already failed the signature check.
                }
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
            });
        }

        return verdicts;
    }
}
