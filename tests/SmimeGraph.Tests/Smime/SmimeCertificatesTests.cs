using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using static SmimeGraph.Tests.Smime.CertificateResolverTestPki;

namespace SmimeGraph.Tests.Smime;

/// <summary>Building signer options from a resolver releases what it was handed when a later lookup fails.</summary>
public sealed class SmimeCertificatesTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_failed_lookup_after_the_signer_was_found_disposes_the_signing_certificate(bool authoritiesFail)
    {
        var resolver = new FailingResolver(authoritiesFail);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SmimeCertificates.ForSenderAsync(resolver, MailboxAddress.Parse("alice@example.com"), Now));

        // The certificate and its private key were the caller's to dispose through the signer,
        // which was never returned.
        X509Certificate2 signing = Assert.IsType<X509Certificate2>(resolver.Signing);
        Assert.Equal(IntPtr.Zero, signing.Handle);
    }

    private sealed class FailingResolver(bool authoritiesFail) : ICertificateResolver
    {
        public X509Certificate2? Signing { get; private set; }

        public Task<X509Certificate2> FindSigningCertificateAsync(string address, DateTimeOffset at, CancellationToken cancellationToken = default)
        {
            Signing = X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert("signer-rsa2048.pfx"), SmimeFixture.Password, X509KeyStorageFlags.EphemeralKeySet);
            return Task.FromResult(Signing);
        }

        public Task<IReadOnlyList<X509Certificate2>> FindEncryptionCertificatesAsync(string address, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            Task.FromException<IReadOnlyList<X509Certificate2>>(new OperationCanceledException());

        public Task<X509Certificate2Collection> FindCertificateAuthoritiesAsync(CancellationToken cancellationToken = default) =>
            authoritiesFail
                ? Task.FromException<X509Certificate2Collection>(new OperationCanceledException())
                : Task.FromResult(new X509Certificate2Collection(X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("intermediate.pem"))));
    }
}
