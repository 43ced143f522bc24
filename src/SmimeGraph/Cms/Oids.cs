namespace SmimeGraph.Cms;

/// <summary>
/// Every object identifier the library reads or writes, each under one name, grouped by the RFC
/// that defines it. Names carry their role (ContentType…, Attribute…, Digest…, Signature…) so a
/// reader knows what an identifier is without looking it up.
/// </summary>
internal static class Oids
{
    // RFC 5652 §4, §5.1, §6.1, §14: content types.
    public const string ContentTypeData = "1.2.840.113549.1.7.1";
    public const string ContentTypeSignedData = "1.2.840.113549.1.7.2";
    public const string EnvelopedData = "1.2.840.113549.1.7.3";
    public const string ContentTypeDigestedData = "1.2.840.113549.1.7.5";
    public const string ContentTypeEncryptedData = "1.2.840.113549.1.7.6";

    // RFC 5083 §1: id-ct-authEnvelopedData.
    public const string AuthEnvelopedData = "1.2.840.113549.1.9.16.1.23";

    // RFC 5652 §11.1–§11.4: signed attributes.
    public const string AttributeContentType = "1.2.840.113549.1.9.3";
    public const string AttributeMessageDigest = "1.2.840.113549.1.9.4";
    public const string AttributeSigningTime = "1.2.840.113549.1.9.5";
    public const string AttributeCounterSignature = "1.2.840.113549.1.9.6";

    // RFC 8551 §2.5.2: smimeCapabilities.
    public const string AttributeSmimeCapabilities = "1.2.840.113549.1.9.15";

    // RFC 8551 §2.5.3: id-aa-encrypKeyPref.
    public const string AttributeSmimeEncryptionKeyPreference = "1.2.840.113549.1.9.16.2.11";

    // Microsoft's encryption key preference (szOID_MICROSOFT_Encryption_Key_Preference).
    public const string AttributeMicrosoftEncryptionKeyPreference = "1.3.6.1.4.1.311.16.4";

    // RFC 5035 §3: id-aa-signingCertificateV2.
    public const string AttributeSigningCertificateV2 = "1.2.840.113549.1.9.16.2.47";

    // Digest algorithms: RFC 1321 (MD5), RFC 3370 §2.1 (SHA-1), RFC 5754 §2 (SHA-2).
    public const string DigestMd5 = "1.2.840.113549.2.5";
    public const string DigestSha1 = "1.3.14.3.2.26";
    public const string DigestSha224 = "2.16.840.1.101.3.4.2.4";
    public const string DigestSha256 = "2.16.840.1.101.3.4.2.1";
    public const string DigestSha384 = "2.16.840.1.101.3.4.2.2";
    public const string DigestSha512 = "2.16.840.1.101.3.4.2.3";

    // RSA (RFC 8017 Appendix C, RFC 3370 §3.2, RFC 4055 §5, RFC 5754 §3.2).
    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    public const string SignatureMd5WithRsa = "1.2.840.113549.1.1.4";
    public const string SignatureSha1WithRsa = "1.2.840.113549.1.1.5";
    public const string SignatureSha224WithRsa = "1.2.840.113549.1.1.14";
    public const string SignatureSha256WithRsa = "1.2.840.113549.1.1.11";
    public const string SignatureSha384WithRsa = "1.2.840.113549.1.1.12";
    public const string SignatureSha512WithRsa = "1.2.840.113549.1.1.13";

    // RFC 4056 §2 / RFC 4055 §3: RSASSA-PSS and its mask generation function.
    public const string SignatureRsassaPss = "1.2.840.113549.1.1.10";
    public const string MaskGenerationMgf1 = "1.2.840.113549.1.1.8";

    // RFC 4055 §4.1: id-RSAES-OAEP and id-pSpecified.
    public const string RsaesOaep = "1.2.840.113549.1.1.7";
    public const string OaepPSpecified = "1.2.840.113549.1.1.9";

    // Elliptic curves: id-ecPublicKey (RFC 5480 §2.1.1), ECDSA (RFC 5753 §7.1.3, RFC 5758 §3.2),
    // and the named curves of RFC 5480 §2.1.1.1.
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string SignatureEcdsaWithSha1 = "1.2.840.10045.4.1";
    public const string SignatureEcdsaWithSha224 = "1.2.840.10045.4.3.1";
    public const string SignatureEcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string SignatureEcdsaWithSha384 = "1.2.840.10045.4.3.3";
    public const string SignatureEcdsaWithSha512 = "1.2.840.10045.4.3.4";
    public const string CurveP256 = "1.2.840.10045.3.1.7";
    public const string CurveP384 = "1.3.132.0.34";
    public const string CurveP521 = "1.3.132.0.35";

    // DSA (RFC 3279 §2.3.2, RFC 5758 §3.1).
    public const string Dsa = "1.2.840.10040.4.1";
    public const string SignatureDsaWithSha1 = "1.2.840.10040.4.3";
    public const string SignatureDsaWithSha224 = "2.16.840.1.101.3.4.3.1";
    public const string SignatureDsaWithSha256 = "2.16.840.1.101.3.4.3.2";

    // Content encryption: AES-CBC (RFC 3565 §4.1), AES-GCM (RFC 5084 §3.2), 3DES and RC2 (RFC 3370 §5).
    public const string Aes128Cbc = "2.16.840.1.101.3.4.1.2";
    public const string Aes192Cbc = "2.16.840.1.101.3.4.1.22";
    public const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";
    public const string Aes128Gcm = "2.16.840.1.101.3.4.1.6";
    public const string Aes192Gcm = "2.16.840.1.101.3.4.1.26";
    public const string Aes256Gcm = "2.16.840.1.101.3.4.1.46";
    public const string DesEde3Cbc = "1.2.840.113549.3.7";
    public const string Rc2Cbc = "1.2.840.113549.3.2";

    // Key wrap: AES (RFC 3565 §2.3.2, RFC 3394) and 3DES (RFC 3217).
    public const string Aes128Wrap = "2.16.840.1.101.3.4.1.5";
    public const string Aes192Wrap = "2.16.840.1.101.3.4.1.25";
    public const string Aes256Wrap = "2.16.840.1.101.3.4.1.45";
    public const string Cms3DesWrap = "1.2.840.113549.1.9.16.3.6";

    // RFC 3211 §2.3 / RFC 5652 §6.2.4: PasswordRecipientInfo, PBKDF2 (RFC 8018 §5.2, §B.1).
    public const string Pbkdf2 = "1.2.840.113549.1.5.12";
    public const string PwriKek = "1.2.840.113549.1.9.16.3.9";
    public const string HmacWithSha1 = "1.2.840.113549.2.7";
    public const string HmacWithSha224 = "1.2.840.113549.2.8";
    public const string HmacWithSha256 = "1.2.840.113549.2.9";
    public const string HmacWithSha384 = "1.2.840.113549.2.10";
    public const string HmacWithSha512 = "1.2.840.113549.2.11";

    // RFC 5753 §7.1.4 / SEC 1: ECDH key agreement with the X9.63 KDF.
    public const string DhSinglePassStdDhSha1KdfScheme = "1.3.133.16.840.63.0.2";
    public const string DhSinglePassStdDhSha224KdfScheme = "1.3.132.1.11.0";
    public const string DhSinglePassStdDhSha256KdfScheme = "1.3.132.1.11.1";
    public const string DhSinglePassStdDhSha384KdfScheme = "1.3.132.1.11.2";
    public const string DhSinglePassStdDhSha512KdfScheme = "1.3.132.1.11.3";
    public const string DhSinglePassCofactorDhSha1KdfScheme = "1.3.133.16.840.63.0.3";

    // RFC 5280 §4.2.1: certificate extensions.
    public const string ExtensionSubjectKeyIdentifier = "2.5.29.14";
    public const string ExtensionKeyUsage = "2.5.29.15";
    public const string ExtensionSubjectAlternativeName = "2.5.29.17";
    public const string ExtensionBasicConstraints = "2.5.29.19";
    public const string ExtensionExtendedKeyUsage = "2.5.29.37";

    // RFC 5280 §4.2.1.12: extended key usage purposes.
    public const string KeyPurposeEmailProtection = "1.3.6.1.5.5.7.3.4";
    public const string AnyExtendedKeyUsage = "2.5.29.37.0";
}
