using SmimeGraph.Smime;

namespace SmimeGraph;

/// <summary>
/// No acceptable certificate was found for an address and purpose. When certificates issued to
/// the address were refused, <see cref="Rejected"/> names each and the reasons, so that "Bob
/// has a certificate, but it expired" is visible.
/// </summary>
public sealed class CertificateNotFoundException : SmimeGraphException
{
    /// <summary>Creates the exception for an address, a purpose and the candidates refused.</summary>
    public CertificateNotFoundException(string address, CertificatePurpose purpose, IReadOnlyList<RejectedCertificate>? rejected = null)
        : base(Describe(address, purpose, rejected ?? []))
    {
        Address = address;
        Purpose = purpose;
        Rejected = rejected ?? [];
    }

    /// <summary>The email address looked up.</summary>
    public string Address { get; }

    /// <summary>What the certificate was wanted for.</summary>
    public CertificatePurpose Purpose { get; }

    /// <summary>The candidates refused (certificates issued to the address, or unreadable files), with the reasons.</summary>
    public IReadOnlyList<RejectedCertificate> Rejected { get; }

    private static string Describe(string address, CertificatePurpose purpose, IReadOnlyList<RejectedCertificate> rejected)
    {
        string what = purpose == CertificatePurpose.Signing ? "signing certificate with a private key" : "encryption certificate";
        if (rejected.Count == 0)
        {
            return $"No {what} was found for {address}.";
        }

        return $"No acceptable {what} was found for {address}; refused: " + string.Join(" | ", rejected) + ".";
    }
}
