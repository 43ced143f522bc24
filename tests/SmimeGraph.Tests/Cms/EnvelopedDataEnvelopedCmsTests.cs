using System.Security.Cryptography.Pkcs;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Cms;

/// <summary>System.Security.Cryptography.Pkcs's EnvelopedCms decodes and decrypts the RSA modes.</summary>
[Collection(EnvelopedDataTestCertificates.CollectionName)]
public sealed class EnvelopedDataEnvelopedCmsTests(EnvelopedDataTestCertificates certs)
{
    [Theory]
    [InlineData(ContentEncryptionAlgorithm.Aes256Cbc, false, true, "2.16.840.1.101.3.4.1.42")]
    [InlineData(ContentEncryptionAlgorithm.Aes128Cbc, false, true, "2.16.840.1.101.3.4.1.2")]
    [InlineData(ContentEncryptionAlgorithm.Aes256Cbc, true, true, "2.16.840.1.101.3.4.1.42")]
    [InlineData(ContentEncryptionAlgorithm.Aes256Cbc, false, false, "2.16.840.1.101.3.4.1.42")]
    [InlineData(ContentEncryptionAlgorithm.Aes128Cbc, true, false, "2.16.840.1.101.3.4.1.2")]
    public void EnvelopedCms_decrypts_RSA_key_transport(ContentEncryptionAlgorithm algorithm, bool oaep, bool announceLength, string algorithmOid)
    {
        byte[] content = EnvelopedDataTestHelpers.Content(20_000);
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(EnvelopedDataTestHelpers.Options(algorithm, oaep, certs.RecipientRsa), content, announceLength);

        var cms = new EnvelopedCms();
        cms.Decode(envelope);
        Assert.Equal(algorithmOid, cms.ContentEncryptionAlgorithm.Oid.Value);
        RecipientInfo recipient = Assert.Single(cms.RecipientInfos.Cast<RecipientInfo>());
        Assert.Equal(RecipientInfoType.KeyTransport, recipient.Type);
        Assert.Equal(oaep ? "1.2.840.113549.1.1.7" : "1.2.840.113549.1.1.1", recipient.KeyEncryptionAlgorithm.Oid.Value);
        Assert.Equal(SubjectIdentifierType.IssuerAndSerialNumber, recipient.RecipientIdentifier.Type);

        cms.Decrypt(recipient, EnvelopedDataTestHelpers.ExtraStore(certs.RecipientRsa));
        Assert.Equal(content, cms.ContentInfo.Content);
        Assert.Equal("1.2.840.113549.1.7.1", cms.ContentInfo.ContentType.Value);
    }

    [Fact]
    public void EnvelopedCms_decrypts_for_the_sender_beside_EC_recipients()
    {
        byte[] content = EnvelopedDataTestHelpers.Content(777);
        SmimeEncryptionOptions options = EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientEcdhP256, certs.RecipientRsa);
        options.SenderCertificate = certs.SenderRsa.PublicOnly;
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, content);

        var cms = new EnvelopedCms();
        cms.Decode(envelope);
        Assert.Equal(3, cms.RecipientInfos.Count);
        Assert.Equal(1, cms.RecipientInfos.Cast<RecipientInfo>().Count(r => r.Type == RecipientInfoType.KeyAgreement));
        Assert.Equal(2, cms.Version);

        cms.Decrypt(EnvelopedDataTestHelpers.ExtraStore(certs.SenderRsa));
        Assert.Equal(content, cms.ContentInfo.Content);
    }
}
