using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>
/// Resolves certificates from the operating system's certificate stores: signers from
/// <c>CurrentUser\My</c>, recipients from <c>CurrentUser\AddressBook</c> ("Other People") and
/// <c>CurrentUser\My</c>, by default. Every lookup opens the stores afresh, so a certificate
/// added or removed is seen at once; nothing is cached.
/// </summary>
/// <remarks>
/// A store that does not exist is read as empty. On Linux and macOS .NET keeps the
/// <c>CurrentUser</c> stores itself (on Linux under <c>~/.dotnet/corefx/cryptography/x509stores</c>).
/// The selection rules are those of <see cref="ICertificateResolver"/>.
/// </remarks>
public sealed class X509StoreCertificateResolver : ICertificateResolver
{
    /// <summary>Creates a resolver over the given stores.</summary>
    /// <param name="location">The store location; <see cref="StoreLocation.CurrentUser"/> by default.</param>
    /// <param name="signingStoreNames">The stores searched for signers (with private keys); <c>My</c> by default.</param>
    /// <param name="encryptionStoreNames">The stores searched for recipients; <c>AddressBook</c> and <c>My</c> by default.</param>
    public X509StoreCertificateResolver(
        StoreLocation location = StoreLocation.CurrentUser,
        IEnumerable<string>? signingStoreNames = null,
        IEnumerable<string>? encryptionStoreNames = null)
    {
        Location = location;
        SigningStoreNames = Names(signingStoreNames, [nameof(StoreName.My)], nameof(signingStoreNames));
        EncryptionStoreNames = Names(encryptionStoreNames, [nameof(StoreName.AddressBook), nameof(StoreName.My)], nameof(encryptionStoreNames));
    }

    /// <summary>The store location searched.</summary>
    public StoreLocation Location { get; }

    /// <summary>The stores searched for signing certificates, in order.</summary>
    public IReadOnlyList<string> SigningStoreNames { get; }

    /// <summary>The stores searched for encryption certificates, in order.</summary>
    public IReadOnlyList<string> EncryptionStoreNames { get; }

    /// <inheritdoc />
    public Task<X509Certificate2> FindSigningCertificateAsync(string address, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var candidates = new CertificateCandidates(address, CertificatePurpose.Signing, at);
        Collect(candidates, SigningStoreNames, cancellationToken);
        IReadOnlyList<X509Certificate2> accepted = candidates.TakeAccepted();
        DisposeAllBut(accepted, 1);
        return Task.FromResult(accepted[0]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<X509Certificate2>> FindEncryptionCertificatesAsync(string address, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var candidates = new CertificateCandidates(address, CertificatePurpose.Encryption, at);
        Collect(candidates, EncryptionStoreNames, cancellationToken);
        return Task.FromResult(candidates.TakeAccepted());
    }

    internal static void DisposeAllBut(IReadOnlyList<X509Certificate2> certificates, int keep)
    {
        for (int i = keep; i < certificates.Count; i++)
        {
            certificates[i].Dispose();
        }
    }

    private void Collect(CertificateCandidates candidates, IReadOnlyList<string> storeNames, CancellationToken cancellationToken)
    {
        foreach (string name in storeNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var store = new X509Store(name, Location);
            try
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (CryptographicException)
            {
                // A store that does not exist holds no certificate.
                continue;
            }

            // Each read of Certificates returns new objects that this lookup owns.
            X509Certificate2Collection certificates = store.Certificates;
            string source = $"{Location}\\{name}";
            foreach (X509Certificate2 certificate in certificates)
            {
                candidates.Offer(certificate, source);
            }
        }
    }

    private static string[] Names(IEnumerable<string>? names, string[] defaults, string parameterName)
    {
        if (names is null)
        {
            return defaults;
        }

        string[] list = names.ToArray();
        if (list.Length == 0 || Array.Exists(list, string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Give at least one store name, none empty.", parameterName);
        }

        return list;
    }
}
