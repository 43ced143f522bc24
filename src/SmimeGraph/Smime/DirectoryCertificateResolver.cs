using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// Resolves certificates from the files of one folder (not its subfolders): recipients from
/// <c>*.pem</c>, <c>*.crt</c> and <c>*.cer</c> (PEM or DER, any number of certificates per PEM
/// file); signers from <c>*.pfx</c> and <c>*.p12</c> (PKCS #12), and from PEM files that hold a
/// certificate and its private key (PKCS #8, encrypted or not). Every lookup reads the folder
/// afresh, so a file added, replaced or removed is seen at once; nothing is cached.
/// </summary>
/// <remarks>
/// The password callback is asked, with the file's full path, for each PKCS #12 file and each
/// encrypted PEM key read during a signing lookup; it may return null for no password. A file
/// that cannot be read (wrong password, not a certificate, over 1 MiB) is skipped and reported
/// in the <see cref="CertificateNotFoundException"/> when the lookup finds nothing. The
/// selection rules are those of <see cref="ICertificateResolver"/>.
/// </remarks>
public sealed class DirectoryCertificateResolver : ICertificateResolver
{
    /// <summary>The largest file read; certificate files are a few kilobytes.</summary>
    public const int MaxFileLength = 1024 * 1024;

    private static readonly string[] CertificateExtensions = [".pem", ".crt", ".cer"];
    private static readonly string[] Pkcs12Extensions = [".pfx", ".p12"];

    private readonly Func<string, string?> _password;

    /// <summary>Creates a resolver over <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder holding the certificate files.</param>
    /// <param name="password">Gives the password for a PKCS #12 file or an encrypted PEM key, by full path; null when none is needed.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist (a lookup throws it too when the folder has gone since).</exception>
    public DirectoryCertificateResolver(string directory, Func<string, string?>? password = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"The certificate folder '{full}' does not exist.");
        }

        FolderPath = full;
        _password = password ?? (_ => null);
    }

    /// <summary>The folder searched, as a full path.</summary>
    public string FolderPath { get; }

    /// <inheritdoc />
    public Task<X509Certificate2> FindSigningCertificateAsync(string address, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var candidates = new CertificateCandidates(address, CertificatePurpose.Signing, at);
        Collect(candidates, cancellationToken);
        IReadOnlyList<X509Certificate2> accepted = candidates.TakeAccepted();
        X509StoreCertificateResolver.DisposeAllBut(accepted, 1);
        return Task.FromResult(accepted[0]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<X509Certificate2>> FindEncryptionCertificatesAsync(string address, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var candidates = new CertificateCandidates(address, CertificatePurpose.Encryption, at);
        Collect(candidates, cancellationToken);
        return Task.FromResult(candidates.TakeAccepted());
    }

    /// <summary>
    /// The certificate authority certificates (basicConstraints cA, RFC 5280 §4.2.1.9) of the
    /// folder's PEM and DER files, such as the intermediate a signer's chain needs. Files that
    /// cannot be read are skipped: the chain is a convenience for the receiver.
    /// </summary>
    public Task<X509Certificate2Collection> FindCertificateAuthoritiesAsync(CancellationToken cancellationToken = default)
    {
        var authorities = new X509Certificate2Collection();
        foreach (string path in Directory.EnumerateFiles(FolderPath).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!CertificateExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            {
                continue;
            }

            try
            {
                if (ReadAtMostMaxFileLength(path) is not byte[] data)
                {
                    continue;
                }

                var certificates = new X509Certificate2Collection();
                if (data.AsSpan().IndexOf("-----BEGIN "u8) >= 0)
                {
                    certificates.ImportFromPem(Encoding.ASCII.GetString(data));
                }
                else
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(data));
                }

                foreach (X509Certificate2 certificate in certificates)
                {
                    if (CertificateExtensionReader.IsCertificateAuthority(certificate))
                    {
                        authorities.Add(certificate);
                    }
                    else
                    {
                        certificate.Dispose();
                    }
                }
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                // Skipped: see the summary.
            }
        }

        return Task.FromResult(authorities);
    }

    private void Collect(CertificateCandidates candidates, CancellationToken cancellationToken)
    {
        bool signing = candidates.Purpose == CertificatePurpose.Signing;
        foreach (string path in Directory.EnumerateFiles(FolderPath).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string extension = Path.GetExtension(path).ToLowerInvariant();
            bool pkcs12 = Pkcs12Extensions.Contains(extension);
            if (!(pkcs12 && signing) && !CertificateExtensions.Contains(extension))
            {
                continue;
            }

            byte[]? data;
            try
            {
                data = ReadAtMostMaxFileLength(path);
                if (data is null)
                {
                    candidates.Unreadable(path, $"the file is larger than {MaxFileLength} bytes");
                    continue;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                candidates.Unreadable(path, $"the file could not be read ({ex.Message})");
                continue;
            }

            try
            {
                if (pkcs12)
                {
                    OfferPkcs12(candidates, path, data);
                }
                else if (data.AsSpan().IndexOf("-----BEGIN "u8) >= 0)
                {
                    OfferPem(candidates, path, Encoding.ASCII.GetString(data), signing);
                }
                else
                {
                    candidates.Offer(X509CertificateLoader.LoadCertificate(data), path);
                }
            }
            catch (CryptographicException ex)
            {
                candidates.Unreadable(path, $"the file could not be read as {(pkcs12 ? "PKCS #12 (is the password right?)" : "a certificate")}: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// The file's bytes, or null when there are more than <see cref="MaxFileLength"/>. The read
    /// itself is bounded: a device or a file that grows as it is read reports a length that says
    /// nothing about where it ends.
    /// </summary>
    private static byte[]? ReadAtMostMaxFileLength(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var data = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = file.Read(chunk)) > 0)
        {
            if (data.Length + read > MaxFileLength)
            {
                return null;
            }

            data.Write(chunk, 0, read);
        }

        return data.ToArray();
    }

    private void OfferPkcs12(CertificateCandidates candidates, string path, byte[] data)
    {
        // Keys live only in memory where the platform allows it (macOS does not), so nothing is
        // left in the user's key store; the caller disposes what it keeps.
        X509KeyStorageFlags flags = OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
        X509Certificate2Collection bundle = X509CertificateLoader.LoadPkcs12Collection(data, _password(path), flags);
        foreach (X509Certificate2 certificate in bundle)
        {
            candidates.Offer(certificate, path);
        }
    }

    private void OfferPem(CertificateCandidates candidates, string path, string text, bool signing)
    {
        // RFC 7468 §5 (CERTIFICATE), §10 (PRIVATE KEY, PKCS #8), §11 (ENCRYPTED PRIVATE KEY).
        var certificates = new List<string>();
        string? key = null;
        bool encryptedKey = false;
        ReadOnlySpan<char> rest = text;
        while (PemEncoding.TryFind(rest, out PemFields fields))
        {
            ReadOnlySpan<char> label = rest[fields.Label];
            string pem = rest[fields.Location].ToString();
            if (label.SequenceEqual("CERTIFICATE"))
            {
                certificates.Add(pem);
            }
            else if (key is null && (label.SequenceEqual("PRIVATE KEY") || label.SequenceEqual("ENCRYPTED PRIVATE KEY") || label.SequenceEqual("RSA PRIVATE KEY") || label.SequenceEqual("EC PRIVATE KEY")))
            {
                key = pem;
                encryptedKey = label.SequenceEqual("ENCRYPTED PRIVATE KEY");
            }

            rest = rest[fields.Location.End..];
        }

        string? password = null;
        bool asked = false;
        foreach (string certificatePem in certificates)
        {
            string? keyProblem = null;
            if (signing && key is not null)
            {
                try
                {
                    if (encryptedKey && !asked)
                    {
                        password = _password(path);
                        asked = true;
                    }

                    // Pairs the key with the certificate whose public key it matches; throws otherwise.
                    candidates.Offer(
                        encryptedKey
                            ? X509Certificate2.CreateFromEncryptedPem(certificatePem, key, password ?? string.Empty)
                            : X509Certificate2.CreateFromPem(certificatePem, key),
                        path);
                    continue;
                }
                catch (CryptographicException ex)
                {
                    keyProblem = $"the private key in the file could not be used with it ({ex.Message})";
                }
            }

            candidates.Offer(X509Certificate2.CreateFromPem(certificatePem), path, keyProblem);
        }
    }
}
