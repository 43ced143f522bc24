namespace SmimeGraph.Cms;

// Object identifiers used by EnvelopedData and AuthEnvelopedData. Names carry an
// "encryption" qualifier where the signing side may declare the same OID under its own name.
internal static partial class Oids
{
    // RFC 5652 §4: id-data, the type of the encrypted content.
    public const string EncryptedContentData = "1.2.840.113549.1.7.1";

    // RFC 5652 §6.1: id-envelopedData.
    public const string EnvelopedData = "1.2.840.113549.1.7.3";

    // RFC 5083 §1: id-ct-authEnvelopedData.
    public const string AuthEnvelopedData = "1.2.840.113549.1.9.16.1.23";

    // RFC 3565 §4.1: AES-CBC content encryption.
    public const string Aes128Cbc = "2.16.840.1.101.3.4.1.2";
    public const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";

    // RFC 5084 §3.2: AES-GCM authenticated content encryption.
    public const string Aes128Gcm = "2.16.840.1.101.3.4.1.6";
    public const string Aes256Gcm = "2.16.840.1.101.3.4.1.46";

    // RFC 3565 §2.3.2: AES key wrap (RFC 3394).
    public const string Aes128Wrap = "2.16.840.1.101.3.4.1.5";
    public const string Aes256Wrap = "2.16.840.1.101.3.4.1.45";

    // RFC 3370 §4.2.1: rsaEncryption as a key transport algorithm (PKCS #1 v1.5).
    public const string RsaKeyTransport = "1.2.840.113549.1.1.1";

    // RFC 4055 §4.1: id-RSAES-OAEP and its hash and mask generation functions.
    public const string RsaesOaep = "1.2.840.113549.1.1.7";
    public const string OaepMgf1 = "1.2.840.113549.1.1.8";
    public const string OaepSha256 = "2.16.840.1.101.3.4.2.1";

    // RFC 5753 §7.1.4: ephemeral-static ECDH with the X9.63 KDF.
    public const string DhSinglePassStdDhSha256KdfScheme = "1.3.132.1.11.1";
    public const string DhSinglePassStdDhSha384KdfScheme = "1.3.132.1.11.2";
    public const string DhSinglePassStdDhSha512KdfScheme = "1.3.132.1.11.3";

    // RFC 5480 §2.1.1: id-ecPublicKey, the originator's ephemeral key algorithm (RFC 5753 §3.1.1).
    public const string OriginatorEcPublicKey = "1.2.840.10045.2.1";
}
