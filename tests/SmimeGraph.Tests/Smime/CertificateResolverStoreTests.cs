using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;
using static SmimeGraph.Tests.Smime.CertificateResolverTestPki;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// The store resolver against real CurrentUser stores, each test with its own uniquely named
/// stores that it deletes afterwards.
/// </summary>
public sealed class CertificateResolverStoreTests : IDisposable
{
    private readonly string _prefix = "SmimeGraphTest-" + Guid.NewGuid().ToString("N");
    private readonly List<string> _stores = [];

    private string My => _prefix + "-My";

    private string AddressBook => _prefix + "-AddressBook";

    public void Dispose()
    {
        foreach (string name in _stores)
        {
            using (var store = new X509Store(name, StoreLocation.CurrentUser))
            {
                store.Open(OpenFlags.ReadWrite);
                X509Certificate2Collection all = store.Certificates;
                store.RemoveRange(all);
                foreach (X509Certificate2 certificate in all)
                {
                    certificate.Dispose();
                }
            }

            // X509Store has no delete; on Linux .NET keeps each CurrentUser store as a folder.
            if (OperatingSystem.IsLinux())
            {
                string folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "corefx", "cryptography", "x509stores", name.ToLowerInvariant());
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    private void Add(string storeName, params X509Certificate2[] certificates)
    {
        if (!_stores.Contains(storeName))
        {
            _stores.Add(storeName);
        }

        using var store = new X509Store(storeName, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        foreach (X509Certificate2 certificate in certificates)
        {
            store.Add(certificate);
            certificate.Dispose();
        }
    }

    private X509StoreCertificateResolver Resolver() => new(StoreLocation.CurrentUser, [My], [AddressBook, My]);

    [Fact]
    public async Task The_signer_comes_from_my_store_with_its_private_key()
    {
        Add(My, SmimeFixture.LoadPfx("signer-rsa2048"), SmimeFixture.LoadPfx("sender-rsa2048-enc"), SmimeFixture.LoadPfx("signer-ecdsa-p256"));

        using X509Certificate2 alice = await Resolver().FindSigningCertificateAsync("alice@example.com", Now);
        using X509Certificate2 aliceEc = await Resolver().FindSigningCertificateAsync("alice-ec@example.com", Now);

        Assert.Equal(Thumbprint("signer-rsa2048.pem"), alice.Thumbprint);
        Assert.True(alice.HasPrivateKey);
        Assert.Equal(Thumbprint("signer-ecdsa-p256.pem"), aliceEc.Thumbprint);
        Assert.NotNull(aliceEc.GetECDsaPrivateKey());
    }

    [Fact]
    public async Task Recipients_come_from_the_address_book_and_my_store()
    {
        Add(AddressBook, SmimeFixture.LoadPem("recipient-rsa2048"), SmimeFixture.LoadPem("recipient-ecdh-p256"));
        Add(My, SmimeFixture.LoadPfx("signer-rsa2048"), SmimeFixture.LoadPfx("sender-rsa2048-enc"));

        IReadOnlyList<X509Certificate2> bob = await Resolver().FindEncryptionCertificatesAsync("bob@example.com", Now);
        IReadOnlyList<X509Certificate2> carol = await Resolver().FindEncryptionCertificatesAsync("Carol@Example.com", Now);
        IReadOnlyList<X509Certificate2> alice = await Resolver().FindEncryptionCertificatesAsync("alice@example.com", Now);

        Assert.Equal(Thumbprint("recipient-rsa2048.pem"), Assert.Single(bob).Thumbprint);
        Assert.Equal(Thumbprint("recipient-ecdh-p256.pem"), Assert.Single(carol).Thumbprint);
        Assert.Equal(Thumbprint("sender-rsa2048-enc.pem"), Assert.Single(alice).Thumbprint);
        foreach (X509Certificate2 certificate in bob.Concat(carol).Concat(alice))
        {
            certificate.Dispose();
        }
    }

    [Fact]
    public async Task A_certificate_without_its_key_in_my_store_is_refused_for_signing_with_the_reason()
    {
        Add(My, SmimeFixture.LoadPem("signer-rsa2048"));

        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => Resolver().FindSigningCertificateAsync("alice@example.com", Now));

        RejectedCertificate rejected = Assert.Single(ex.Rejected);
        Assert.Equal($"CurrentUser\\{My}", rejected.Source);
        Assert.Equal(Thumbprint("signer-rsa2048.pem"), rejected.Thumbprint);
        Assert.Equal(["it has no private key here"], rejected.Reasons);
    }

    [Fact]
    public async Task Expired_and_valid_in_the_store_the_valid_one_is_taken_and_the_expired_one_reported_when_alone()
    {
        DateTimeOffset start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        X509Certificate2 expired = Issue("judy@example.com", "rsa3072", signing: false, start.AddYears(-3), start.AddYears(-1));
        X509Certificate2 valid = Issue("judy@example.com", "rsa2048", signing: false, start, start.AddYears(3));
        string validThumbprint = valid.Thumbprint;
        string expiredThumbprint = expired.Thumbprint;
        Add(AddressBook, expired);

        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => Resolver().FindEncryptionCertificatesAsync("judy@example.com", Now));
        Assert.Equal(expiredThumbprint, Assert.Single(ex.Rejected).Thumbprint);
        Assert.Contains("it expired on 2024-01-01", ex.Message, StringComparison.Ordinal);

        // Added afterwards: the resolver opens the store on each lookup.
        Add(AddressBook, valid);
        IReadOnlyList<X509Certificate2> found = await Resolver().FindEncryptionCertificatesAsync("judy@example.com", Now);
        Assert.Equal(validThumbprint, Assert.Single(found).Thumbprint);
        found[0].Dispose();
    }

    [Fact]
    public async Task A_store_that_does_not_exist_is_read_as_empty()
    {
        var resolver = new X509StoreCertificateResolver(StoreLocation.CurrentUser, [_prefix + "-Missing"], [_prefix + "-Missing"]);

        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => resolver.FindSigningCertificateAsync("alice@example.com", Now));

        Assert.Empty(ex.Rejected);
        Assert.Equal(CertificatePurpose.Signing, ex.Purpose);
    }

    [Fact]
    public void The_default_stores_are_my_for_signers_and_address_book_then_my_for_recipients()
    {
        var resolver = new X509StoreCertificateResolver();

        Assert.Equal(StoreLocation.CurrentUser, resolver.Location);
        Assert.Equal(["My"], resolver.SigningStoreNames);
        Assert.Equal(["AddressBook", "My"], resolver.EncryptionStoreNames);
        Assert.Throws<ArgumentException>(() => new X509StoreCertificateResolver(signingStoreNames: []));
    }
}
