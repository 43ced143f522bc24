using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;

using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Tests.Smime;

public sealed class CertificatePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private static X509Certificate2 Load(string name) => X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert(name + ".pem"));

    [Theory]
    [InlineData("signer-rsa2048", CertificatePurpose.Signing)]
    [InlineData("signer-rsa3072", CertificatePurpose.Signing)]
    [InlineData("signer-ecdsa-p256", CertificatePurpose.Signing)]
    [InlineData("recipient-rsa2048", CertificatePurpose.Encryption)]
    [InlineData("recipient-ecdh-p256", CertificatePurpose.Encryption)]
    [InlineData("sender-rsa2048-enc", CertificatePurpose.Encryption)]
    public void Good_certificates_are_acceptable_for_their_purpose(string name, CertificatePurpose purpose)
    {
        Assert.Empty(CertificatePolicy.Evaluate(Load(name), purpose, Now));
        CertificatePolicy.EnsureAcceptable(Load(name), purpose, Now);
    }

    [Theory]
    [InlineData("recipient-rsa2048", CertificatePurpose.Signing, "neither digitalSignature nor nonRepudiation")]
    [InlineData("recipient-ecdh-p256", CertificatePurpose.Signing, "neither digitalSignature nor nonRepudiation")]
    [InlineData("signer-rsa2048", CertificatePurpose.Encryption, "neither keyEncipherment nor keyAgreement")]
    [InlineData("bad-expired", CertificatePurpose.Signing, "expired on 2021-12-31")]
    [InlineData("bad-not-yet-valid", CertificatePurpose.Encryption, "not valid until 2049-01-01")]
    [InlineData("bad-no-email-eku", CertificatePurpose.Signing, "does not include emailProtection")]
    [InlineData("bad-rsa1024", CertificatePurpose.Encryption, "1024 bits, under the minimum of 2048")]
    public void Each_refusal_names_its_reason(string name, CertificatePurpose purpose, string reason)
    {
        X509Certificate2 certificate = Load(name);
        Assert.Contains(CertificatePolicy.Evaluate(certificate, purpose, Now), p => p.Contains(reason, StringComparison.Ordinal));
        var ex = Assert.Throws<CertificatePolicyException>(() => CertificatePolicy.EnsureAcceptable(certificate, purpose, Now));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Same(certificate, ex.Certificate);
    }

    [Fact]
    public void Validity_is_judged_at_the_given_time()
    {
        X509Certificate2 expired = Load("bad-expired");
        Assert.Empty(CertificatePolicy.Evaluate(expired, CertificatePurpose.Signing, new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("signer-rsa2048", "alice@example.com")]
    [InlineData("recipient-ecdh-p256", "carol@example.com")]
    public void Email_addresses_come_from_the_subject_alternative_name(string name, string address)
    {
        Assert.Equal([address], CertificatePolicy.GetEmailAddresses(Load(name)));
    }

    [Theory]
    [InlineData(false, X509KeyUsageFlags.KeyAgreement, "does not allow keyEncipherment, which RSA key transport needs")]
    [InlineData(true, X509KeyUsageFlags.KeyEncipherment, "does not allow keyAgreement, which ECDH key agreement needs")]
    public void A_recipient_key_usage_must_fit_its_key_type(bool ec, X509KeyUsageFlags usage, string reason)
    {
        using X509Certificate2 certificate = TestCertificateIssuer.Issue(new TestCertificateSpec("CN=mismatch")
        {
            Key = ec ? TestKeyType.EcP256 : TestKeyType.Rsa2048,
            KeyUsage = usage,
            NotBefore = Now.AddDays(-1),
            NotAfter = Now.AddDays(1),
        });

        Assert.Equal(["its key usage " + reason], CertificatePolicy.Evaluate(certificate, CertificatePurpose.Encryption, Now));
    }
}
