using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cli.TestPki;

/// <summary>The key algorithm of a test certificate.</summary>
internal enum TestKeyAlgorithm
{
    Rsa,
    EcdsaP256,
    EcdhP256,
}

/// <summary>
/// One end-entity certificate of the test PKI: its file name stem, subject, key, usages and
/// validity, and why it exists (for the README).
/// </summary>
internal sealed record TestCertificateProfile(
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
