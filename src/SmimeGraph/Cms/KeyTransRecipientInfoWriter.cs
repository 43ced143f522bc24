using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// RSA key transport (RFC 5652 §6.2.1) with PKCS #1 v1.5 (RFC 3370 §4.2.1) or RSAES-OAEP with
/// SHA-256 and MGF1-SHA-256 (RFC 3560, RFC 4055 §4.1). The encrypted key is always as long as the
/// modulus.
/// </summary>
internal sealed class KeyTransRecipientInfoWriter : RecipientInfoWriter
{
    private readonly bool _useOaep;

    // Imported on first use and kept for every later message: importing the key costs several
    // times what the encryption does.
    private readonly PublicKeyPool<RSA> _publicKey;

    public KeyTransRecipientInfoWriter(X509Certificate2 certificate, bool useOaep)
        : base(certificate)
    {
        _useOaep = useOaep;
        _publicKey = new PublicKeyPool<RSA>(() => certificate.GetRSAPublicKey() ?? throw new CertificatePolicyException("The recipient certificate has no usable RSA public key.", certificate));
    }

    // RFC 5652 §6.2.1: version is 0 when rid is issuerAndSerialNumber.
    public override int Version => 0;

    // RFC 5652 §6.2.1:
    // KeyTransRecipientInfo ::= SEQUENCE {
    //   version CMSVersion,  -- always set to 0 or 2
    //   rid RecipientIdentifier,
    //   keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
    //   encryptedKey EncryptedKey }
    public override void WriteTo(AsnWriter writer, ReadOnlySpan<byte> contentEncryptionKey)
    {
        RSA rsa = _publicKey.Rent();
        byte[] encryptedKey;
        try
        {
            encryptedKey = rsa.Encrypt(contentEncryptionKey, _useOaep ? RSAEncryptionPadding.OaepSHA256 : RSAEncryptionPadding.Pkcs1);
            if (encryptedKey.Length != (rsa.KeySize + 7) / 8)
            {
                throw Unexpected("RSA-encrypted key");
            }
        }
        finally
        {
            _publicKey.Return(rsa);
        }

        Write(writer, encryptedKey);
    }

    /// <summary>The encrypted key is as long as the modulus, read from the certificate without importing the key.</summary>
    public override void WriteSizingPlaceholder(AsnWriter writer, int keyLength) =>
        Write(writer, new byte[(SubjectPublicKeyInfoReader.RsaModulusBits(Certificate) + 7) / 8]);

    private void Write(AsnWriter writer, byte[] encryptedKey)
    {
        writer.PushSequence();
        writer.WriteInteger(Version);
        WriteIssuerAndSerialNumber(writer);
        WriteKeyEncryptionAlgorithm(writer);
        writer.WriteOctetString(encryptedKey);
        writer.PopSequence();
    }

    private void WriteKeyEncryptionAlgorithm(AsnWriter writer)
    {
        writer.PushSequence();
        if (!_useOaep)
        {
            // RFC 3370 §4.2.1: rsaEncryption, parameters NULL.
            writer.WriteObjectIdentifier(Oids.RsaEncryption);
            writer.WriteNull();
        }
        else
        {
            // RFC 4055 §4.1:
            // RSAES-OAEP-params ::= SEQUENCE {
            //   hashFunc    [0] AlgorithmIdentifier DEFAULT sha1Identifier,
            //   maskGenFunc [1] AlgorithmIdentifier DEFAULT mgf1SHA1Identifier,
            //   pSourceFunc [2] AlgorithmIdentifier DEFAULT pSpecifiedEmptyIdentifier }
            // sha256Identifier ::= { id-sha256, NULL } (RFC 4055 §2.1); pSourceFunc stays the default (no label).
            writer.WriteObjectIdentifier(Oids.RsaesOaep);
            writer.PushSequence();
            writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
            WriteSha256Identifier(writer);
            writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
            writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
            writer.PushSequence();
            writer.WriteObjectIdentifier(Oids.MaskGenerationMgf1);
            WriteSha256Identifier(writer);
            writer.PopSequence();
            writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
            writer.PopSequence();
        }

        writer.PopSequence();
    }

    private static void WriteSha256Identifier(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oids.DigestSha256);
        writer.WriteNull();
        writer.PopSequence();
    }
}
