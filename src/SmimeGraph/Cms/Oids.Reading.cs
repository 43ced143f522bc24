namespace SmimeGraph.Cms;

/// <summary>Object identifiers the CMS readers recognise (RFC 5652, 5083, 5084, 4055, 5753, 3565, 8017).</summary>
internal static partial class Oids
{
    // RFC 5652 §14: content types.
    internal const string ReadData = "1.2.840.113549.1.7.1";
    internal const string ReadSignedData = "1.2.840.113549.1.7.2";
    internal const string ReadEnvelopedData = "1.2.840.113549.1.7.3";
    internal const string ReadDigestedData = "1.2.840.113549.1.7.5";
    internal const string ReadEncryptedData = "1.2.840.113549.1.7.6";
    internal const string ReadAuthEnvelopedData = "1.2.840.113549.1.9.16.1.23"; // RFC 5083 §1

    // RFC 5652 §11: signed attributes.
    internal const string ReadContentTypeAttribute = "1.2.840.113549.1.9.3";
    internal const string ReadMessageDigestAttribute = "1.2.840.113549.1.9.4";
    internal const string ReadSigningTimeAttribute = "1.2.840.113549.1.9.5";
    internal const string ReadCounterSignatureAttribute = "1.2.840.113549.1.9.6";

    // Digest algorithms.
    internal const string ReadMd5 = "1.2.840.113549.2.5";
    internal const string ReadSha1 = "1.3.14.3.2.26";
    internal const string ReadSha224 = "2.16.840.1.101.3.4.2.4";
    internal const string ReadSha256 = "2.16.840.1.101.3.4.2.1";
    internal const string ReadSha384 = "2.16.840.1.101.3.4.2.2";
    internal const string ReadSha512 = "2.16.840.1.101.3.4.2.3";

    // Signature algorithms (RFC 3370, 4055, 5754, 5758).
    internal const string ReadRsaEncryption = "1.2.840.113549.1.1.1";
    internal const string ReadMd5WithRsa = "1.2.840.113549.1.1.4";
    internal const string ReadSha1WithRsa = "1.2.840.113549.1.1.5";
    internal const string ReadRsaesOaep = "1.2.840.113549.1.1.7";
    internal const string ReadMgf1 = "1.2.840.113549.1.1.8";
    internal const string ReadPSpecified = "1.2.840.113549.1.1.9";
    internal const string ReadRsassaPss = "1.2.840.113549.1.1.10";
    internal const string ReadSha256WithRsa = "1.2.840.113549.1.1.11";
    internal const string ReadSha384WithRsa = "1.2.840.113549.1.1.12";
    internal const string ReadSha512WithRsa = "1.2.840.113549.1.1.13";
    internal const string ReadSha224WithRsa = "1.2.840.113549.1.1.14";
    internal const string ReadEcPublicKey = "1.2.840.10045.2.1";
    internal const string ReadEcdsaWithSha1 = "1.2.840.10045.4.1";
    internal const string ReadEcdsaWithSha224 = "1.2.840.10045.4.3.1";
    internal const string ReadEcdsaWithSha256 = "1.2.840.10045.4.3.2";
    internal const string ReadEcdsaWithSha384 = "1.2.840.10045.4.3.3";
    internal const string ReadEcdsaWithSha512 = "1.2.840.10045.4.3.4";
    internal const string ReadDsa = "1.2.840.10040.4.1";
    internal const string ReadDsaWithSha1 = "1.2.840.10040.4.3";
    internal const string ReadDsaWithSha224 = "2.16.840.1.101.3.4.3.1";
    internal const string ReadDsaWithSha256 = "2.16.840.1.101.3.4.3.2";

    // Content encryption (RFC 3565, 5084, 3370).
    internal const string ReadAes128Cbc = "2.16.840.1.101.3.4.1.2";
    internal const string ReadAes192Cbc = "2.16.840.1.101.3.4.1.22";
    internal const string ReadAes256Cbc = "2.16.840.1.101.3.4.1.42";
    internal const string ReadAes128Gcm = "2.16.840.1.101.3.4.1.6";
    internal const string ReadAes192Gcm = "2.16.840.1.101.3.4.1.26";
    internal const string ReadAes256Gcm = "2.16.840.1.101.3.4.1.46";
    internal const string ReadDesEde3Cbc = "1.2.840.113549.3.7";
    internal const string ReadRc2Cbc = "1.2.840.113549.3.2";

    // Key wrap (RFC 3394 / 3565 §2.3.2, RFC 3217).
    internal const string ReadAes128Wrap = "2.16.840.1.101.3.4.1.5";
    internal const string ReadAes192Wrap = "2.16.840.1.101.3.4.1.25";
    internal const string ReadAes256Wrap = "2.16.840.1.101.3.4.1.45";
    internal const string ReadCms3DesWrap = "1.2.840.113549.1.9.16.3.6";

    // RFC 5753 §7.1.4 / SEC 1: ECDH key agreement with the X9.63 KDF.
    internal const string ReadDhSinglePassStdDhSha1Kdf = "1.3.133.16.840.63.0.2";
    internal const string ReadDhSinglePassStdDhSha224Kdf = "1.3.132.1.11.0";
    internal const string ReadDhSinglePassStdDhSha256Kdf = "1.3.132.1.11.1";
    internal const string ReadDhSinglePassStdDhSha384Kdf = "1.3.132.1.11.2";
    internal const string ReadDhSinglePassStdDhSha512Kdf = "1.3.132.1.11.3";
    internal const string ReadDhSinglePassCofactorDhSha1Kdf = "1.3.133.16.840.63.0.3";
}
