namespace SmimeGraph.Cms;

/// <summary>Further object identifiers the CMS readers recognise (RFC 5652, 5083, 5084, 4055, 5753, 3565, 8017); the rest are shared with the writers.</summary>
internal static partial class Oids
{
    // RFC 5652 §14: content types.
    internal const string ContentTypeDigestedData = "1.2.840.113549.1.7.5";
    internal const string ContentTypeEncryptedData = "1.2.840.113549.1.7.6";

    // RFC 5652 §11: signed attributes.
    internal const string AttributeCounterSignature = "1.2.840.113549.1.9.6";

    // Digest algorithms.
    internal const string DigestMd5 = "1.2.840.113549.2.5";
    internal const string DigestSha1 = "1.3.14.3.2.26";
    internal const string DigestSha224 = "2.16.840.1.101.3.4.2.4";

    // Signature algorithms (RFC 3370, 4055, 5754, 5758).
    internal const string RsaEncryption = "1.2.840.113549.1.1.1";
    internal const string SignatureMd5WithRsa = "1.2.840.113549.1.1.4";
    internal const string SignatureSha1WithRsa = "1.2.840.113549.1.1.5";
    internal const string OaepPSpecified = "1.2.840.113549.1.1.9";
    internal const string SignatureSha224WithRsa = "1.2.840.113549.1.1.14";
    internal const string EcPublicKey = "1.2.840.10045.2.1";
    internal const string SignatureEcdsaWithSha1 = "1.2.840.10045.4.1";
    internal const string SignatureEcdsaWithSha224 = "1.2.840.10045.4.3.1";
    internal const string Dsa = "1.2.840.10040.4.1";
    internal const string SignatureDsaWithSha1 = "1.2.840.10040.4.3";
    internal const string SignatureDsaWithSha224 = "2.16.840.1.101.3.4.3.1";
    internal const string SignatureDsaWithSha256 = "2.16.840.1.101.3.4.3.2";

    // Content encryption (RFC 3565, 5084, 3370).
    internal const string Aes192Cbc = "2.16.840.1.101.3.4.1.22";
    internal const string Aes192Gcm = "2.16.840.1.101.3.4.1.26";
    internal const string DesEde3Cbc = "1.2.840.113549.3.7";
    internal const string Rc2Cbc = "1.2.840.113549.3.2";

    // Key wrap (RFC 3394 / 3565 §2.3.2, RFC 3217).
    internal const string Aes192Wrap = "2.16.840.1.101.3.4.1.25";
    internal const string Cms3DesWrap = "1.2.840.113549.1.9.16.3.6";

    // RFC 5753 §7.1.4 / SEC 1: ECDH key agreement with the X9.63 KDF.
    internal const string DhSinglePassStdDhSha1KdfScheme = "1.3.133.16.840.63.0.2";
    internal const string DhSinglePassStdDhSha224KdfScheme = "1.3.132.1.11.0";
    internal const string DhSinglePassCofactorDhSha1KdfScheme = "1.3.133.16.840.63.0.3";
}
