using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;
using static SmimeGraph.Tests.Smime.CertificateResolverTestPki;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Which certificate wins when one address has several (RFC 8550 §4.4 policy first, then the
/// longest validity, then the strongest key), with certificates issued on the spot by the test CA.
/// </summary>
public sealed class CertificateResolverSelectionTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _folder = TestPaths.NewTempDirectory();

    public void Dispose() => DeleteFolder(_folder);

    [Fact]
    public async Task A_valid_certificate_wins_over_an_expired_one_with_a_stronger_key()
    {
        using X509Certificate2 expired = Issue("dave@example.com", "rsa3072", signing: true, Start.AddYears(-5), Start.AddYears(-1));
        using X509Certificate2 valid = Issue("dave@example.com", "rsa2048", signing: true, Start, Start.AddYears(3));
        Write(_folder, "a-expired.pfx", expired);
        Write(_folder, "b-valid.pfx", valid);

        using X509Certificate2 found = await new DirectoryCertificateResolver(_folder, Password).FindSigningCertificateAsync("dave@example.com", Now);

        Assert.Equal(valid.Thumbprint, found.Thumbprint);
        Assert.True(found.HasPrivateKey);
    }

    [Fact]
    public async Task The_certificate_valid_longest_wins_over_a_stronger_key()
    {
        using X509Certificate2 shorter = Issue("erin@example.com", "rsa3072", signing: false, Start, Start.AddYears(2));
        using X509Certificate2 longer = Issue("erin@example.com", "rsa2048", signing: false, Start, Start.AddYears(4));
        using X509Certificate2 expired = Issue("erin@example.com", "rsa2048", signing: false, Start.AddYears(-4), Start.AddYears(-2));
        Write(_folder, "1.pem", shorter);
        Write(_folder, "2.pem", longer);
        Write(_folder, "3.pem", expired);

        IReadOnlyList<X509Certificate2> found = await new DirectoryCertificateResolver(_folder).FindEncryptionCertificatesAsync("erin@example.com", Now);

        // Every acceptable certificate, the preferred first; the expired one is not among them.
        Assert.Equal([longer.Thumbprint, shorter.Thumbprint], found.Select(c => c.Thumbprint));
        DisposeAll(found);
    }

    [Fact]
    public async Task With_the_same_validity_the_strongest_key_wins()
    {
        DateTimeOffset end = Start.AddYears(3);
        using X509Certificate2 rsa2048 = Issue("frank@example.com", "rsa2048", signing: false, Start, end);
        using X509Certificate2 rsa3072 = Issue("frank@example.com", "rsa3072", signing: false, Start, end);
        using X509Certificate2 p384 = Issue("frank@example.com", "p384", signing: false, Start, end);
        Write(_folder, "a.pem", rsa2048);
        Write(_folder, "b.pem", p384);
        Write(_folder, "c.pem", rsa3072);

        IReadOnlyList<X509Certificate2> found = await new DirectoryCertificateResolver(_folder).FindEncryptionCertificatesAsync("frank@example.com", Now);

        // NIST SP 800-57 strengths: P-384 192 bits, RSA-3072 128, RSA-2048 112.
        Assert.Equal([p384.Thumbprint, rsa3072.Thumbprint, rsa2048.Thumbprint], found.Select(c => c.Thumbprint));
        DisposeAll(found);
    }

    [Theory]
    [InlineData("grace@example.com")]
    [InlineData("GRACE@EXAMPLE.COM")]
    [InlineData("Grace@Example.com")]
    public async Task The_address_matches_without_regard_to_case_in_local_part_and_domain(string lookedUp)
    {
        using X509Certificate2 certificate = Issue("grace@example.com", "rsa2048", signing: false, Start, Start.AddYears(3), subjectAltNameAddress: "Grace@EXAMPLE.com");
        Write(_folder, "grace.pem", certificate);

        IReadOnlyList<X509Certificate2> found = await new DirectoryCertificateResolver(_folder).FindEncryptionCertificatesAsync(lookedUp, Now);

        Assert.Equal(certificate.Thumbprint, Assert.Single(found).Thumbprint);
        DisposeAll(found);
    }

    [Fact]
    public async Task A_certificate_for_another_address_of_the_same_domain_is_not_taken()
    {
        using X509Certificate2 certificate = Issue("heidi@example.com", "rsa2048", signing: false, Start, Start.AddYears(3));
        Write(_folder, "heidi.pem", certificate);

        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => new DirectoryCertificateResolver(_folder).FindEncryptionCertificatesAsync("heidi2@example.com", Now));

        // Not issued to the address: not a candidate, so not listed as refused either.
        Assert.Empty(ex.Rejected);
        Assert.Equal("heidi2@example.com", ex.Address);
    }

    [Fact]
    public async Task The_time_given_decides_validity_not_the_clock()
    {
        using X509Certificate2 early = Issue("ivan@example.com", "rsa2048", signing: false, Start, Start.AddYears(1));
        using X509Certificate2 late = Issue("ivan@example.com", "rsa2048", signing: false, Start.AddYears(2), Start.AddYears(5));
        Write(_folder, "early.pem", early);
        Write(_folder, "late.pem", late);
        var resolver = new DirectoryCertificateResolver(_folder);

        IReadOnlyList<X509Certificate2> in2025 = await resolver.FindEncryptionCertificatesAsync("ivan@example.com", Start.AddMonths(6));
        IReadOnlyList<X509Certificate2> in2028 = await resolver.FindEncryptionCertificatesAsync("ivan@example.com", Start.AddYears(3));

        Assert.Equal(early.Thumbprint, Assert.Single(in2025).Thumbprint);
        Assert.Equal(late.Thumbprint, Assert.Single(in2028).Thumbprint);
        DisposeAll(in2025);
        DisposeAll(in2028);
    }

    private static void DisposeAll(IEnumerable<X509Certificate2> certificates)
    {
        foreach (X509Certificate2 certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}
