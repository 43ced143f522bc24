using SmimeGraph.Smime;
using static SmimeGraph.Tests.Smime.CertificateResolverTestPki;

namespace SmimeGraph.Tests.Smime;

/// <summary>A lookup that finds nothing says which address, for what, and why each candidate was refused.</summary>
public sealed class CertificateResolverNotFoundTests : IDisposable
{
    private readonly string _folder = FolderWithWholePki();

    public void Dispose() => DeleteFolder(_folder);

    [Theory]
    [InlineData("expired@example.com", CertificatePurpose.Signing, "it expired on 2021-12-31")]
    [InlineData("expired@example.com", CertificatePurpose.Encryption, "it expired on 2021-12-31")]
    [InlineData("notyetvalid@example.com", CertificatePurpose.Encryption, "it is not valid until 2049-01-01")]
    [InlineData("noemaileku@example.com", CertificatePurpose.Signing, "does not include emailProtection")]
    [InlineData("rsa1024@example.com", CertificatePurpose.Encryption, "its RSA key has 1024 bits, under the minimum of 2048")]
    [InlineData("bob@example.com", CertificatePurpose.Signing, "allows neither digitalSignature nor nonRepudiation")]
    public async Task Each_refused_candidate_is_listed_with_its_reason(string address, CertificatePurpose purpose, string reason)
    {
        var resolver = new DirectoryCertificateResolver(_folder, Password);

        CertificateNotFoundException ex = purpose == CertificatePurpose.Signing
            ? await Assert.ThrowsAsync<CertificateNotFoundException>(() => resolver.FindSigningCertificateAsync(address, Now))
            : await Assert.ThrowsAsync<CertificateNotFoundException>(() => resolver.FindEncryptionCertificatesAsync(address, Now));

        Assert.Equal(address, ex.Address);
        Assert.Equal(purpose, ex.Purpose);
        Assert.IsAssignableFrom<SmimeGraphException>(ex);
        Assert.NotEmpty(ex.Rejected);
        Assert.All(ex.Rejected, r => Assert.NotNull(r.Thumbprint));
        Assert.All(ex.Rejected, r => Assert.Contains(r.Reasons, x => x.Contains(reason, StringComparison.Ordinal)));
        Assert.Contains(address, ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains(ex.Rejected[0].Thumbprint!, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pem_and_the_pfx_of_an_expired_signer_are_both_listed()
    {
        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => new DirectoryCertificateResolver(_folder, Password).FindSigningCertificateAsync("expired@example.com", Now));

        RejectedCertificate pfx = Assert.Single(ex.Rejected, r => r.Source.EndsWith("bad-expired.pfx", StringComparison.Ordinal));
        Assert.Equal(["it expired on 2021-12-31 23:59:59Z"], pfx.Reasons);
        RejectedCertificate pem = Assert.Single(ex.Rejected, r => r.Source.EndsWith("bad-expired.pem", StringComparison.Ordinal));
        Assert.Equal(["it expired on 2021-12-31 23:59:59Z", "it has no private key here"], pem.Reasons);
        Assert.Contains("expired@example.com", pem.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_address_names_the_address_and_purpose_and_no_candidates()
    {
        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => new DirectoryCertificateResolver(_folder, Password).FindEncryptionCertificatesAsync("nobody@example.com", Now));

        Assert.Empty(ex.Rejected);
        Assert.Equal("No encryption certificate was found for nobody@example.com.", ex.Message);
    }
}
