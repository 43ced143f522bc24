using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>
/// Finds S/MIME certificates by email address: the sender's signing certificate (with its
/// private key) and the recipients' encryption certificates.
/// </summary>
/// <remarks>
/// <para>
/// Selection rules (RFC 8550 §3, §4.4), shared by the implementations in this library: the
/// address equals an rfc822Name of the subject alternative name (or the legacy emailAddress
/// attribute of the subject), compared case-insensitively in both the domain and the local part
/// (RFC 5321 §2.4 lets a server treat local parts case-sensitively, but mail clients and
/// directories match them without case, and a certificate issued to <c>Bob@example.com</c> is
/// Bob's); the certificate passes <see cref="CertificatePolicy.Evaluate"/> for the purpose at the
/// given time; a signing certificate has its private key. Among several acceptable certificates
/// the one valid longest (latest notAfter) comes first, then the strongest key.
/// </para>
/// <para>
/// The methods are asynchronous so that a resolver can consult a directory over the network
/// (LDAP, a key server, Microsoft Entra's userCertificate); the store and folder resolvers do
/// their work synchronously and return completed tasks. The caller owns, and disposes, every
/// certificate returned.
/// </para>
/// </remarks>
public interface ICertificateResolver
{
    /// <summary>Finds the certificate, with its private key, that <paramref name="address"/> signs with at <paramref name="at"/>.</summary>
    /// <exception cref="CertificateNotFoundException">No acceptable certificate; the exception lists each candidate refused and why.</exception>
    Task<X509Certificate2> FindSigningCertificateAsync(string address, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the certificates <paramref name="address"/> can receive encrypted mail for at
    /// <paramref name="at"/>: every acceptable one, the preferred first (never empty).
    /// </summary>
    /// <exception cref="CertificateNotFoundException">No acceptable certificate; the exception lists each candidate refused and why.</exception>
    Task<IReadOnlyList<X509Certificate2>> FindEncryptionCertificatesAsync(string address, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// The certificate authority certificates this source holds, from which a signer's chain is
    /// assembled for the signature's certificate set (RFC 5652 §5.1); none by default. They are
    /// not trusted for anything: the receiver validates the chain.
    /// </summary>
    Task<X509Certificate2Collection> FindCertificateAuthoritiesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new X509Certificate2Collection());
}
