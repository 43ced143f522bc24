namespace SmimeGraph.Cms;

/// <summary>The object identifiers the SignedData writer uses.</summary>
/// <remarks>
/// Names carry their role (ContentType…, Digest…, Capability…) so that this part and the other
/// parts of <see cref="Oids"/> can grow independently without clashing.
/// </remarks>
internal static partial class Oids
{
    // RFC 5652 §4, §5.
    public const string ContentTypeData = "1.2.840.113549.1.7.1";
    public const string ContentTypeSignedData = "1.2.840.113549.1.7.2";

    // RFC 5652 §11.1–§11.3.
    public const string AttributeContentType = "1.2.840.113549.1.9.3";
    public const string AttributeMessageDigest = "1.2.840.113549.1.9.4";
    public const string AttributeSigningTime = "1.2.840.113549.1.9.5";

    // RFC 8551 §2.5.2: smimeCapabilities.
    public const string AttributeSmimeCapabilities = "1.2.840.113549.1.9.15";

    // RFC 8551 §2.5.3: id-aa-encrypKeyPref.
    public const string AttributeSmimeEncryptionKeyPreference = "1.2.840.113549.1.9.16.2.11";

    // Microsoft's encryption key preference (szOID_MICROSOFT_Encryption_Key_Preference).
    public const string AttributeMicrosoftEncryptionKeyPreference = "1.3.6.1.4.1.311.16.4";

    // RFC 5035 §3: id-aa-signingCertificateV2.
    public const string AttributeSigningCertificateV2 = "1.2.840.113549.1.9.16.2.47";

    // RFC 5754 §2 (FIPS 180-4 hash functions).
    public const string DigestSha256 = "2.16.840.1.101.3.4.2.1";
    public const string DigestSha384 = "2.16.840.1.101.3.4.2.2";
    public const string DigestSha512 = "2.16.840.1.101.3.4.2.3";

    // RFC 5754 §3.2 / RFC 4055 §5: RSA PKCS #1 v1.5 with SHA-2.
    public const string SignatureSha256WithRsa = "1.2.840.113549.1.1.11";
    public const string SignatureSha384WithRsa = "1.2.840.113549.1.1.12";
    public const string SignatureSha512WithRsa = "1.2.840.113549.1.1.13";

    // RFC 4056 §2 / RFC 4055 §3: RSASSA-PSS and its mask generation function.
    public const string SignatureRsassaPss = "1.2.840.113549.1.1.10";
    public const string MaskGenerationMgf1 = "1.2.840.113549.1.1.8";

    // RFC 5753 §7.1.3 / RFC 5758 §3.2: ECDSA with SHA-2.
    public const string SignatureEcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string SignatureEcdsaWithSha384 = "1.2.840.10045.4.3.3";
    public const string SignatureEcdsaWithSha512 = "1.2.840.10045.4.3.4";

    // smimeCapabilities (RFC 8551 §2.5.2) announce Aes256Gcm, Aes128Gcm, Aes256Cbc, Aes128Cbc
    // and RsaesOaep, declared with the encryption OIDs.
}
