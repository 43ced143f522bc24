namespace SmimeGraph.Cms;

// Object identifiers used by EnvelopedData and AuthEnvelopedData. Each OID has one name across the
// Oids partials: id-data, rsaEncryption, id-ecPublicKey, sha-256 and MGF1 are declared once, in
// Oids.Signing.cs or Oids.Reading.cs.
internal static partial class Oids
{
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

    // RFC 4055 §4.1: id-RSAES-OAEP (its hash and MGF1 are DigestSha256 and MaskGenerationMgf1).
    public const string RsaesOaep = "1.2.840.113549.1.1.7";

    // RFC 5753 §7.1.4: ephemeral-static ECDH with the X9.63 KDF.
    public const string DhSinglePassStdDhSha256KdfScheme = "1.3.132.1.11.1";
    public const string DhSinglePassStdDhSha384KdfScheme = "1.3.132.1.11.2";
    public const string DhSinglePassStdDhSha512KdfScheme = "1.3.132.1.11.3";
}
