using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;
using SmimeGraph.Tests.TestSupport;

namespace SmimeGraph.Tests.Smime;

[Collection(SignedDataCollection.Name)]
public sealed class SendingAgentSignerPolicyTests(SignedDataTestPki pki)
{
    [Fact]
    public void The_tests_sign_with_the_committed_test_pki()
    {
        Assert.Contains("alice@example.com", pki.Signer("rsa2048").Certificate.Subject, StringComparison.Ordinal);
        Assert.Contains("alice3072@example.com", pki.Signer("rsa3072").Certificate.Subject, StringComparison.Ordinal);
        Assert.Contains("alice-ec@example.com", pki.Signer("ecdsa-p256").Certificate.Subject, StringComparison.Ordinal);
        Assert.Contains("expired@example.com", pki.Bad("expired").Subject, StringComparison.Ordinal);
        Assert.Contains("rsa1024@example.com", pki.Bad("rsa1024").Subject, StringComparison.Ordinal);
        Assert.Equal("SmimeGraph Test Root CA", pki.Signer("rsa2048").Root.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
    }

    [Theory]
    [InlineData("SHA1")]
    [InlineData("MD5")]
    [InlineData("SHA3-256")]
    public void Weak_or_unsupported_digests_are_refused(string digest)
    {
        var options = new SmimeSigner(pki.Signer("rsa2048").Certificate) { DigestAlgorithm = new HashAlgorithmName(digest) };
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateSignedDataWriter(options));
        Assert.Contains($"digest algorithm {digest} is refused", error.Message, StringComparison.Ordinal);
        Assert.Same(options.Certificate, error.Certificate);
    }

    [Theory]
    [InlineData("expired", "expired on")]
    [InlineData("not-yet-valid", "not valid until")]
    [InlineData("no-email-eku", "does not include emailProtection")]
    [InlineData("rsa1024", "1024 bits")]
    public void Bad_certificates_are_refused_with_the_reason(string name, string reason)
    {
        X509Certificate2 certificate = pki.Bad(name);
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateSignedDataWriter(new SmimeSigner(certificate)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(certificate.Thumbprint, error.Message, StringComparison.Ordinal);
        Assert.Same(certificate, error.Certificate);
    }

    [Fact]
    public void A_certificate_without_private_key_is_refused()
    {
        using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(pki.Signer("rsa2048").Certificate.RawData);
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateSignedDataWriter(new SmimeSigner(publicOnly)));
        Assert.Contains("no private key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pss_with_an_ecdsa_key_is_refused()
    {
        var options = new SmimeSigner(pki.Signer("ecdsa-p256").Certificate) { UseRsaPss = true };
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateSignedDataWriter(options));
        Assert.Contains("RSASSA-PSS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clock_decides_validity_not_the_signing_time()
    {
        TestSigner signer = pki.Signer("rsa2048");
        var late = new SignedDataDetachedTests.FixedClock(signer.Certificate.NotAfter.ToUniversalTime().AddDays(1));
        var options = new SmimeSigner(signer.Certificate) { SigningTime = DateTimeOffset.UtcNow };
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateSignedDataWriter(options, late));
        Assert.Contains("expired on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encryption_certificate_that_cannot_encrypt_is_refused()
    {
        // The signer certificates allow digitalSignature/nonRepudiation only.
        var options = new SmimeSigner(pki.Signer("rsa2048").Certificate) { EncryptionCertificate = pki.Signer("rsa3072").Certificate };
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateSignedDataWriter(options));
        Assert.Contains("keyEncipherment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subject_key_identifier_is_required_when_asked_for()
    {
        using X509Certificate2 certificate = TestCertificateIssuer.Issue(new TestCertificateSpec("CN=no ski"));
        var options = new SmimeSigner(certificate) { UseSubjectKeyIdentifier = true };
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateSignedDataWriter(options));
        Assert.Contains("subjectKeyIdentifier", error.Message, StringComparison.Ordinal);
    }
}
