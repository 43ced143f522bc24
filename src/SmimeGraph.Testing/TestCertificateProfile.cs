using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Testing;


/// <summary>
/// One end-entity certificate of the test PKI: its file name stem, subject, key, usages and
/// validity, and why it exists (for the README).
/// </summary>
/// <param name="Name">The file name stem and the PKCS#12 friendlyName.</param>
/// <param name="CommonName">The subject's CN.</param>
/// <param name="Email">The address, in subjectAltName rfc822Name (RFC 8550 §3) and the subject's E.</param>
/// <param name="KeyAlgorithm">RSA, ECDSA P-256 or ECDH P-256.</param>
/// <param name="KeySize">The RSA modulus length in bits (256 for the EC keys).</param>
/// <param name="KeyUsage">The keyUsage extension (critical), RFC 8550 §4.4.2.</param>
/// <param name="ExtendedKeyUsages">The extendedKeyUsage OIDs, RFC 8550 §4.4.4.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="Description">Why the certificate exists.</param>
public sealed record TestCertificateProfile(
    string Name,
    string CommonName,
    string Email,
    TestKeyAlgorithm KeyAlgorithm,
    int KeySize,
    X509KeyUsageFlags KeyUsage,
    IReadOnlyList<string> ExtendedKeyUsages,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Description)
{
    /// <summary>A key description for the README, e.g. <c>RSA-2048</c> or <c>EC P-256</c>.</summary>
    public string KeyDescription => KeyAlgorithm == TestKeyAlgorithm.Rsa ? $"RSA-{KeySize}" : KeyAlgorithm == TestKeyAlgorithm.EcdsaP256 ? "ECDSA P-256" : "ECDH P-256";
}
