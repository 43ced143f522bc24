using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>
/// Builds the composer's <see cref="SmimeSigner"/> and <see cref="SmimeEncryptionOptions"/> from
/// the addresses of a message, through an <see cref="ICertificateResolver"/>.
/// </summary>
public static class SmimeCertificates
{
    /// <summary>
    /// Finds the signing certificate of <paramref name="from"/> and returns signing options for
    /// it, with the intermediate certificates of its chain and, when the sender has an encryption
    /// certificate, that certificate announced (RFC 8551 §2.5.3) so that replies can be encrypted.
    /// </summary>
    /// <param name="resolver">Where the certificates are.</param>
    /// <param name="from">The sender (the message's From).</param>
    /// <param name="at">When the certificates must be valid (the signing time).</param>
    /// <param name="intermediates">
    /// Certificate authority certificates to build the chain from, besides those of
    /// <see cref="ICertificateResolver.FindCertificateAuthoritiesAsync"/> and those the platform
    /// finds (on Windows and Linux the <c>CurrentUser\CA</c> store); the chain is assembled, not
    /// judged — the receiver validates it.
    /// </param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    /// <exception cref="CertificateNotFoundException">The sender has no acceptable signing certificate.</exception>
    public static async Task<SmimeSigner> ForSenderAsync(ICertificateResolver resolver, MailboxAddress from, DateTimeOffset at, X509Certificate2Collection? intermediates = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(from);
        X509Certificate2 certificate = await resolver.FindSigningCertificateAsync(from.Address, at, cancellationToken).ConfigureAwait(false);
        var signer = new SmimeSigner(certificate);
        try
        {
            X509Certificate2Collection authorities = await resolver.FindCertificateAuthoritiesAsync(cancellationToken).ConfigureAwait(false);
            X509Certificate2[] own = [.. authorities];
            try
            {
                if (intermediates is not null)
                {
                    authorities.AddRange(intermediates);
                }

                foreach (X509Certificate2 member in BuildChain(certificate, authorities, at))
                {
                    signer.Chain.Add(member);
                }
            }
            finally
            {
                // Only the resolver's own certificates are disposed; the caller's stay the caller's.
                foreach (X509Certificate2 authority in own)
                {
                    authority.Dispose();
                }
            }

            signer.EncryptionCertificate = await FindPreferredOrNullAsync(resolver, from.Address, at, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The signer is never returned: its certificate (and private key) and the chain copies
            // are released here rather than left to the finalizer.
            certificate.Dispose();
            foreach (X509Certificate2 member in signer.Chain)
            {
                member.Dispose();
            }

            throw;
        }

        return signer;
    }

    /// <summary>
    /// Finds the preferred encryption certificate of every distinct To, Cc and Bcc address of
    /// <paramref name="spec"/> and, when <paramref name="includeSender"/>, of its From as
    /// <see cref="SmimeEncryptionOptions.SenderCertificate"/> so the sender can read the copy in
    /// Sent Items. A sender without an encryption certificate is not an error (the copy is then
    /// unreadable to the sender); a recipient without one is.
    /// </summary>
    /// <param name="resolver">Where the certificates are.</param>
    /// <param name="spec">The message; its addresses are read, nothing else.</param>
    /// <param name="at">When the certificates must be valid.</param>
    /// <param name="includeSender">Look up the From address's own encryption certificate too (default).</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    /// <exception cref="CertificateNotFoundException">A recipient has no acceptable encryption certificate (the first such address is named).</exception>
    /// <exception cref="MimeFormatException">The message has no To, Cc or Bcc recipient.</exception>
    public static async Task<SmimeEncryptionOptions> ForRecipientsAsync(ICertificateResolver resolver, MessageSpec spec, DateTimeOffset at, bool includeSender = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(spec);
        string[] addresses = spec.To.Concat(spec.Cc).Concat(spec.Bcc)
            .Select(m => m.Address)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (addresses.Length == 0)
        {
            throw new MimeFormatException("The message has no To, Cc or Bcc recipient to encrypt for.");
        }

        var options = new SmimeEncryptionOptions();
        try
        {
            foreach (string address in addresses)
            {
                IReadOnlyList<X509Certificate2> found = await resolver.FindEncryptionCertificatesAsync(address, at, cancellationToken).ConfigureAwait(false);
                options.Recipients.Add(KeepFirst(found));
            }

            if (includeSender && spec.From is not null && !addresses.Contains(spec.From.Address, StringComparer.OrdinalIgnoreCase))
            {
                options.SenderCertificate = await FindPreferredOrNullAsync(resolver, spec.From.Address, at, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (X509Certificate2 certificate in options.Recipients)
            {
                certificate.Dispose();
            }

            throw;
        }

        return options;
    }

    private static async Task<X509Certificate2?> FindPreferredOrNullAsync(ICertificateResolver resolver, string address, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            return KeepFirst(await resolver.FindEncryptionCertificatesAsync(address, at, cancellationToken).ConfigureAwait(false));
        }
        catch (CertificateNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The preferred certificate; the others are disposed (one RecipientInfo per person keeps the message small).</summary>
    private static X509Certificate2 KeepFirst(IReadOnlyList<X509Certificate2> found)
    {
        if (found.Count == 0)
        {
            throw new InvalidOperationException("The resolver returned no certificate instead of throwing CertificateNotFoundException.");
        }

        X509StoreCertificateResolver.DisposeAllBut(found, 1);
        return found[0];
    }

    private static List<X509Certificate2> BuildChain(X509Certificate2 certificate, X509Certificate2Collection authorities, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.ChainPolicy.ExtraStore.AddRange(authorities);

        // The outcome is not checked: only the path is wanted (RFC 5652 §5.1 certificates are a
        // convenience for the receiver, who validates them against its own trust anchors).
        chain.Build(certificate);
        var members = new List<X509Certificate2>();
        for (int i = 1; i < chain.ChainElements.Count; i++)
        {
            // Element certificates are disposed with the chain; keep copies.
            members.Add(X509CertificateLoader.LoadCertificate(chain.ChainElements[i].Certificate.RawData));
        }

        return members;
    }
}
