using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Cms;

/// <summary>The recipient kinds and algorithms every interop test runs over, by name.</summary>
internal static class EnvelopedDataModes
{
    public const string Rsa15Aes256 = "rsa-pkcs1-aes256cbc";
    public const string Rsa15Aes128 = "rsa-pkcs1-aes128cbc";
    public const string OaepAes256 = "rsa-oaep-aes256cbc";
    public const string EcdhP256Aes256 = "ecdh-p256-aes256cbc";
    public const string EcdhP256Aes128 = "ecdh-p256-aes128cbc";
    public const string EcdhP384Aes256 = "ecdh-p384-aes256cbc";
    public const string GcmAes256Rsa = "rsa-pkcs1-aes256gcm";
    public const string GcmAes128Ecdh = "ecdh-p256-aes128gcm";
    public const string MixedWithSender = "mixed-rsa-ecdh-sender-aes256cbc";
    public const string MixedOaepGcm = "mixed-oaep-rsa3072-ecdh-p521-aes256gcm";

    public static readonly string[] All =
    [
        Rsa15Aes256, Rsa15Aes128, OaepAes256, EcdhP256Aes256, EcdhP256Aes128, EcdhP384Aes256,
        GcmAes256Rsa, GcmAes128Ecdh, MixedWithSender, MixedOaepGcm,
    ];

    public static TheoryData<string> AllModes() => [.. All];

    /// <summary>The options for a mode, and every recipient who must be able to decrypt.</summary>
    public static (SmimeEncryptionOptions Options, TestRecipient[] Readers) Create(string mode, EnvelopedDataTestCertificates certs)
    {
        switch (mode)
        {
            case Rsa15Aes256: return Single(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa);
            case Rsa15Aes128: return Single(ContentEncryptionAlgorithm.Aes128Cbc, false, certs.RecipientRsa);
            case OaepAes256: return Single(ContentEncryptionAlgorithm.Aes256Cbc, true, certs.RecipientRsa);
            case EcdhP256Aes256: return Single(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientEcdhP256);
            case EcdhP256Aes128: return Single(ContentEncryptionAlgorithm.Aes128Cbc, false, certs.RecipientEcdhP256);
            case EcdhP384Aes256: return Single(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientEcdhP384);
            case GcmAes256Rsa: return Single(ContentEncryptionAlgorithm.Aes256Gcm, false, certs.RecipientRsa);
            case GcmAes128Ecdh: return Single(ContentEncryptionAlgorithm.Aes128Gcm, false, certs.RecipientEcdhP256);
            case MixedWithSender:
                {
                    SmimeEncryptionOptions options = EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa, certs.RecipientEcdhP256, certs.RecipientEcdhP384);
                    options.SenderCertificate = certs.SenderRsa.PublicOnly;
                    return (options, [certs.RecipientRsa, certs.RecipientEcdhP256, certs.RecipientEcdhP384, certs.SenderRsa]);
                }

            case MixedOaepGcm:
                {
                    TestRecipient[] readers = [certs.RecipientRsa, certs.RecipientRsa3072, certs.RecipientEcdhP256, certs.RecipientEcdhP521];
                    return (EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Gcm, true, readers), readers);
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode.");
        }
    }

    private static (SmimeEncryptionOptions, TestRecipient[]) Single(ContentEncryptionAlgorithm algorithm, bool oaep, TestRecipient recipient) =>
        (EnvelopedDataTestHelpers.Options(algorithm, oaep, recipient), [recipient]);
}
