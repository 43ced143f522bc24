using MimeKit.Cryptography;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// MimeKit's signer and recipients for the fixture, built once, outside the timing, as an app
/// would: building a <see cref="CmsSigner"/> from an X509Certificate2 converts the private key to
/// BouncyCastle's types, which takes hundreds of milliseconds. The recipients are set to AES-256
/// (<see cref="CmsRecipient.EncryptionAlgorithms"/>): a certificate without an S/MIME capabilities
/// extension otherwise makes MimeKit pick Triple-DES.
/// </summary>
internal sealed class MimeKitKeys
{
    public MimeKitKeys(TestCertificates certificates)
    {
        // SHA-256, RSA PKCS#1 v1.5, issuerAndSerialNumber: the same as every other contender.
        Signer = new CmsSigner(certificates.Signer) { DigestAlgorithm = DigestAlgorithm.Sha256 };
        Recipients =
        [
            Aes256(new CmsRecipient(certificates.Recipient)),
            Aes256(new CmsRecipient(certificates.SenderEncryption)),
        ];
    }

    public CmsSigner Signer { get; }

    public CmsRecipientCollection Recipients { get; }

    private static CmsRecipient Aes256(CmsRecipient recipient)
    {
        recipient.EncryptionAlgorithms = [EncryptionAlgorithm.Aes256];
        return recipient;
    }
}
