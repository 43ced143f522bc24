using SmimeGraph.Cms;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;

namespace SmimeGraph.Tests.Smime;

/// <summary>Recipients that must not receive encrypted mail are refused before anything is written.</summary>
[Collection(EnvelopedDataTestCertificates.CollectionName)]
public sealed class SendingAgentRecipientPolicyTests(EnvelopedDataTestCertificates certs)
{
    public static TheoryData<string, string> BadRecipients() => new()
    {
        { "bad-rsa1024", "1024 bits" },
        { "bad-expired", "expired" },
        { "bad-not-yet-valid", "not valid until" },
        { "bad-no-email-eku", "emailProtection" },
        { "signer-rsa2048", "key usage" },
        { "signer-ecdsa-p256", "key usage" },
        { "bad-rsa-keyagreement-only", "keyEncipherment" },
    };

    [Theory]
    [MemberData(nameof(BadRecipients))]
    public void A_bad_recipient_is_refused_with_the_certificate_and_the_reason(string name, string reason)
    {
        TestRecipient bad = Find(name);
        SmimeEncryptionOptions options = EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa, bad);

        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateEnvelopedDataWriter(options));
        Assert.Equal(bad.Certificate.Thumbprint, error.Certificate?.Thumbprint);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(bad.Certificate.Thumbprint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_sender_certificate_is_refused_too()
    {
        SmimeEncryptionOptions options = EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa);
        options.SenderCertificate = certs.Rsa1024.PublicOnly;
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateEnvelopedDataWriter(options));
        Assert.Equal(certs.Rsa1024.Certificate.Thumbprint, error.Certificate?.Thumbprint);
    }

    [Fact]
    public void A_certificate_outside_its_validity_at_the_given_time_is_refused()
    {
        SmimeEncryptionOptions options = EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa);
        var later = new FixedTime(certs.RecipientRsa.Certificate.NotAfter.ToUniversalTime().AddDays(1));
        CertificatePolicyException error = Assert.Throws<CertificatePolicyException>(() => SendingAgent.CreateEnvelopedDataWriter(options, later));
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_recipient_is_refused()
    {
        Assert.Throws<ArgumentException>("options", () => SendingAgent.CreateEnvelopedDataWriter(new SmimeEncryptionOptions()));
    }

    [Fact]
    public void The_sender_listed_as_a_recipient_gets_one_RecipientInfo()
    {
        SmimeEncryptionOptions options = EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa);
        options.SenderCertificate = certs.RecipientRsa.PublicOnly;
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, [1, 2, 3]);
        var cms = new System.Security.Cryptography.Pkcs.EnvelopedCms();
        cms.Decode(envelope);
        Assert.Single(cms.RecipientInfos.Cast<System.Security.Cryptography.Pkcs.RecipientInfo>());
    }

    private TestRecipient Find(string name) => name switch
    {
        "bad-rsa1024" => certs.Rsa1024,
        "bad-expired" => certs.Expired,
        "bad-not-yet-valid" => certs.NotYetValid,
        "bad-no-email-eku" => certs.NoEmailEku,
        "signer-rsa2048" => certs.SigningOnly,
        "signer-ecdsa-p256" => certs.EcSigningOnly,
        "bad-rsa-keyagreement-only" => certs.RsaKeyAgreementOnly,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
