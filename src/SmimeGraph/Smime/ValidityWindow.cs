using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>
/// The time span in which every one of a set of certificates is inside its validity period
/// (RFC 5280 §4.1.2.5, notBefore and notAfter inclusive), as <see cref="CertificatePolicy"/>
/// judges it: a policy verdict made inside the span holds for any time inside it.
/// </summary>
internal static class ValidityWindow
{
    public static (DateTime FromUtc, DateTime UntilUtc) Of(params ReadOnlySpan<X509Certificate2?> certificates)
    {
        DateTime from = DateTime.MinValue;
        DateTime until = DateTime.MaxValue;
        foreach (X509Certificate2? certificate in certificates)
        {
            if (certificate is null)
            {
                continue;
            }

            DateTime notBefore = certificate.NotBefore.ToUniversalTime();
            DateTime notAfter = certificate.NotAfter.ToUniversalTime();
            from = notBefore > from ? notBefore : from;
            until = notAfter < until ? notAfter : until;
        }

        return (from, until);
    }

    public static bool Contains(DateTime fromUtc, DateTime untilUtc, DateTimeOffset at) =>
        at.UtcDateTime >= fromUtc && at.UtcDateTime <= untilUtc;
}
