using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Reads certificate extensions (RFC 5280 §4.2) safely from several threads at once.
/// </summary>
/// <remarks>
/// <see cref="X509Certificate2.Extensions"/> hands every caller the same extension objects, and
/// those decode their value lazily without synchronisation: two threads reading the key usage of
/// one certificate at the same moment can see an empty decode (seen here as "its extended key
/// usage does not include emailProtection" for a certificate that has it, with two messages
/// composed in parallel). Each read here decodes a private copy of the raw extension.
/// </remarks>
internal static class CertificateExtensionReader
{
    /// <summary>The keyUsage bits, or null when the certificate has no keyUsage extension.</summary>
    public static X509KeyUsageFlags? KeyUsage(X509Certificate2 certificate) =>
        Find(certificate, Oids.ExtensionKeyUsage) is X509Extension e ? new X509KeyUsageExtension(e, e.Critical).KeyUsages : null;

    /// <summary>The extendedKeyUsage purposes (dotted OIDs), or null when the certificate has none.</summary>
    public static IReadOnlyList<string>? ExtendedKeyUsages(X509Certificate2 certificate)
    {
        if (Find(certificate, Oids.ExtensionExtendedKeyUsage) is not X509Extension e)
        {
            return null;
        }

        var purposes = new List<string>();
        foreach (System.Security.Cryptography.Oid oid in new X509EnhancedKeyUsageExtension(e, e.Critical).EnhancedKeyUsages)
        {
            purposes.Add(oid.Value ?? string.Empty);
        }

        return purposes;
    }

    /// <summary>The subjectKeyIdentifier, or null when the certificate has none.</summary>
    public static byte[]? SubjectKeyIdentifier(X509Certificate2 certificate) =>
        Find(certificate, Oids.ExtensionSubjectKeyIdentifier) is X509Extension e ? new X509SubjectKeyIdentifierExtension(e, e.Critical).SubjectKeyIdentifierBytes.ToArray() : null;

    /// <summary>True when basicConstraints says cA.</summary>
    public static bool IsCertificateAuthority(X509Certificate2 certificate) =>
        Find(certificate, Oids.ExtensionBasicConstraints) is X509Extension e && new X509BasicConstraintsExtension(e, e.Critical).CertificateAuthority;

    /// <summary>The raw value of every subjectAltName extension.</summary>
    public static IEnumerable<byte[]> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == Oids.ExtensionSubjectAlternativeName)
            {
                yield return extension.RawData;
            }
        }
    }

    private static X509Extension? Find(X509Certificate2 certificate, string oid)
    {
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == oid)
            {
                return extension;
            }
        }

        return null;
    }
}
