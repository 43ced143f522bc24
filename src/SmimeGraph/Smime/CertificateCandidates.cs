using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// The certificates a resolver found while looking up one address for one purpose: each is
/// matched against the address, judged by <see cref="CertificatePolicy"/>, kept or refused with
/// its reasons, and the kept ones are ordered by preference. Owns every certificate offered.
/// </summary>
internal sealed class CertificateCandidates : IDisposable
{

    private readonly List<X509Certificate2> _accepted = [];
    private readonly List<RejectedCertificate> _rejected = [];

    public CertificateCandidates(string address, CertificatePurpose purpose, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        Address = address.Trim();
        Purpose = purpose;
        At = at;
    }

    public string Address { get; }

    public CertificatePurpose Purpose { get; }

    public DateTimeOffset At { get; }

    /// <summary>
    /// Takes ownership of <paramref name="certificate"/>: disposes it unless it is issued to the
    /// address and acceptable. <paramref name="keyProblem"/> says why a private key found beside
    /// the certificate could not be used.
    /// </summary>
    public void Offer(X509Certificate2 certificate, string source, string? keyProblem = null)
    {
        if (!IsIssuedTo(certificate, Address) || _accepted.Exists(a => a.RawData.AsSpan().SequenceEqual(certificate.RawData)))
        {
            certificate.Dispose();
            return;
        }

        var reasons = new List<string>(CertificatePolicy.Evaluate(certificate, Purpose, At));
        if (Purpose == CertificatePurpose.Signing && !certificate.HasPrivateKey)
        {
            reasons.Add(keyProblem ?? "it has no private key here");
        }

        if (reasons.Count == 0)
        {
            _accepted.Add(certificate);
            return;
        }

        _rejected.Add(new RejectedCertificate(source, certificate.Subject, certificate.Thumbprint, reasons));
        certificate.Dispose();
    }

    /// <summary>Records a source (file) that could not be read, so a miss can say why.</summary>
    public void Unreadable(string source, string reason) => _rejected.Add(new RejectedCertificate(source, null, null, [reason]));

    /// <summary>
    /// Hands the acceptable certificates to the caller, the preferred first: the one valid
    /// longest (latest notAfter), then the strongest key.
    /// </summary>
    /// <exception cref="CertificateNotFoundException">None is acceptable.</exception>
    public IReadOnlyList<X509Certificate2> TakeAccepted()
    {
        if (_accepted.Count == 0)
        {
            // A certificate refused in one store but acceptable in another is not worth reporting;
            // only a miss reports refusals.
            throw new CertificateNotFoundException(Address, Purpose, _rejected.ToArray());
        }

        X509Certificate2[] ordered = _accepted
            .OrderByDescending(c => c.NotAfter.ToUniversalTime())
            .ThenByDescending(SecurityStrength)
            .ThenByDescending(SubjectPublicKeyInfoReader.KeyBits)
            .ThenByDescending(c => c.NotBefore.ToUniversalTime())
            .ThenBy(c => c.Thumbprint, StringComparer.Ordinal)
            .ToArray();
        _accepted.Clear();
        return ordered;
    }

    public void Dispose()
    {
        foreach (X509Certificate2 certificate in _accepted)
        {
            certificate.Dispose();
        }

        _accepted.Clear();
    }

    /// <summary>
    /// RFC 8550 §3: the address is an rfc822Name of the subject alternative name (or the legacy
    /// emailAddress attribute). The domain is case-insensitive (RFC 5321 §2.4); the local part is
    /// compared case-insensitively as well, as mail clients and directories do.
    /// </summary>
    internal static bool IsIssuedTo(X509Certificate2 certificate, string address)
    {
        foreach (string name in CertificatePolicy.GetEmailAddresses(certificate))
        {
            if (string.Equals(name.Trim(), address, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The key's security strength in bits (NIST SP 800-57 Part 1 Table 2): RSA 2048 = 112,
    /// 3072 = 128, 7680 = 192, 15360 = 256; EC P-256 = 128, P-384 = 192, P-521 = 256.
    /// </summary>
    internal static int SecurityStrength(X509Certificate2 certificate)
    {
        int bits = SubjectPublicKeyInfoReader.KeyBits(certificate);
        return certificate.PublicKey.Oid.Value == Oids.EcPublicKey
            ? Math.Min(bits / 2, 256)
            : bits switch
            {
                >= 15360 => 256,
                >= 7680 => 192,
                >= 3072 => 128,
                >= 2048 => 112,
                _ => 80,
            };
    }
}
