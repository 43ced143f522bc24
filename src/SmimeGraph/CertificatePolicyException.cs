using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph;

/// <summary>
/// A certificate or algorithm was refused by SmimeGraph's security policy (weak algorithm,
/// short RSA key, missing key usage or extended key usage, outside its validity period).
/// </summary>
public sealed class CertificatePolicyException : SmimeGraphException
{
    /// <summary>Creates the exception for a certificate (null when the refusal is about an algorithm alone).</summary>
    public CertificatePolicyException(string message, X509Certificate2? certificate = null)
        : base(certificate is null ? message : $"{message} (certificate: {certificate.Subject}, serial {certificate.SerialNumber}, thumbprint {certificate.Thumbprint})")
    {
        Certificate = certificate;
    }

    /// <summary>The refused certificate, when a certificate is the reason.</summary>
    public X509Certificate2? Certificate { get; }
}
