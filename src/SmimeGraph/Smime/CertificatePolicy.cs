using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// The certificate rules SmimeGraph applies to senders and recipients (RFC 8550 §4.4): the
/// key usage fits the purpose, an extended key usage (when present) allows email protection,
/// the certificate is inside its validity period, RSA keys are at least 2048 bits.
/// </summary>
public static class CertificatePolicy
{
    /// <summary>The smallest RSA modulus SmimeGraph sends with, in bits.</summary>
    public const int MinimumRsaKeySize = 2048;

    /// <summary>
    /// Lists every reason <paramref name="certificate"/> is not acceptable for
    /// <paramref name="purpose"/> at <paramref name="at"/>; empty when it is acceptable.
    /// </summary>
    public static IReadOnlyList<string> Evaluate(X509Certificate2 certificate, CertificatePurpose purpose, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var problems = new List<string>();

        // RFC 5280 §4.1.2.5: the certificate is valid from notBefore to notAfter inclusive.
        if (at.UtcDateTime < certificate.NotBefore.ToUniversalTime())
        {
            problems.Add($"it is not valid until {certificate.NotBefore.ToUniversalTime():u}");
        }
        else if (at.UtcDateTime > certificate.NotAfter.ToUniversalTime())
        {
            problems.Add($"it expired on {certificate.NotAfter.ToUniversalTime():u}");
        }

        // RFC 8550 §4.4.2: keyUsage, when present, must allow the operation.
        if (CertificateExtensionReader.KeyUsage(certificate) is X509KeyUsageFlags flags)
        {
            bool ok = purpose switch
            {
                CertificatePurpose.Signing => (flags & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) != 0,
                _ => (flags & (X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement)) != 0,
            };
            if (!ok)
            {
                problems.Add(purpose == CertificatePurpose.Signing
                    ? "its key usage allows neither digitalSignature nor nonRepudiation"
                    : "its key usage allows neither keyEncipherment nor keyAgreement");
            }
            else if (purpose == CertificatePurpose.Encryption)
            {
                // RFC 8550 §4.4.2 with RFC 5652 §6.2: an RSA key receives the content key by key
                // transport (keyEncipherment), an EC key by key agreement (keyAgreement).
                switch (certificate.PublicKey.Oid.Value)
                {
                    case Oids.RsaEncryption when (flags & X509KeyUsageFlags.KeyEncipherment) == 0:
                        problems.Add("its key usage does not allow keyEncipherment, which RSA key transport needs");
                        break;
                    case Oids.EcPublicKey when (flags & X509KeyUsageFlags.KeyAgreement) == 0:
                        problems.Add("its key usage does not allow keyAgreement, which ECDH key agreement needs");
                        break;
                }
            }
        }

        // RFC 8550 §4.4.4: an extendedKeyUsage, when present, must contain emailProtection or anyExtendedKeyUsage.
        if (CertificateExtensionReader.ExtendedKeyUsages(certificate) is IReadOnlyList<string> purposes)
        {
            if (!purposes.Any(p => p is Oids.KeyPurposeEmailProtection or Oids.AnyExtendedKeyUsage))
            {
                problems.Add("its extended key usage does not include emailProtection");
            }
        }

        // The key is judged from the SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) without importing it:
        // importing a public key costs more than the rest of this policy together.
        switch (certificate.PublicKey.Oid.Value)
        {
            case Oids.RsaEncryption or Oids.SignatureRsassaPss:
                int bits = SubjectPublicKeyInfoReader.RsaModulusBits(certificate);
                if (bits < MinimumRsaKeySize)
                {
                    problems.Add($"its RSA key has {bits} bits, under the minimum of {MinimumRsaKeySize}");
                }

                break;
            case Oids.EcPublicKey:
                break;
            default:
                problems.Add($"its key algorithm ({certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value}) is not supported");
                break;
        }

        return problems;
    }

    /// <summary>Throws <see cref="CertificatePolicyException"/> naming the certificate and every reason when it is not acceptable.</summary>
    public static void EnsureAcceptable(X509Certificate2 certificate, CertificatePurpose purpose, DateTimeOffset at)
    {
        IReadOnlyList<string> problems = Evaluate(certificate, purpose, at);
        if (problems.Count > 0)
        {
            string role = purpose == CertificatePurpose.Signing ? "signer" : "recipient";
            throw new CertificatePolicyException($"The {role} certificate is refused: {string.Join("; ", problems)}.", certificate);
        }
    }

    /// <summary>
    /// The email addresses a certificate is issued to: rfc822Name entries of the subject
    /// alternative name (RFC 8550 §3), and the legacy emailAddress attribute of the subject.
    /// </summary>
    public static IReadOnlyList<string> GetEmailAddresses(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var addresses = new List<string>();
        foreach (byte[] san in CertificateExtensionReader.SubjectAlternativeNames(certificate))
        {
            // EnumerateDnsNames/IPAddresses exist; rfc822Name is read from the raw GeneralNames.
            addresses.AddRange(SubjectAltNameReader.ReadRfc822Names(san));
        }

        string? legacy = certificate.GetNameInfo(X509NameType.EmailName, forIssuer: false);
        if (!string.IsNullOrEmpty(legacy) && !addresses.Contains(legacy, StringComparer.OrdinalIgnoreCase))
        {
            addresses.Add(legacy);
        }

        return addresses;
    }
}
