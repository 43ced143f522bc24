using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Ephemeral-static ECDH key agreement (RFC 5753 §3.1): a fresh key pair on the recipient's curve
/// per message, the X9.63 KDF over ECC-CMS-SharedInfo, and AES key wrap (RFC 3394) of the content
/// key. The KDF hash follows the curve (SHA-256 for P-256, SHA-384 for P-384, SHA-512 for P-521);
/// the wrap key is as long as the content key.
/// </summary>
internal sealed class KeyAgreeRecipientInfoWriter : RecipientInfoWriter
{
    private readonly ECCurve _curve;
    private readonly string _schemeOid;
    private readonly HashAlgorithmName _kdfHash;
    private readonly string _wrapOid;
    private readonly int _kekLength;

    // The recipient's public key, imported once for every message (see PublicKeyPool).
    private readonly PublicKeyPool<ECDiffieHellman> _recipientKey;

    private KeyAgreeRecipientInfoWriter(X509Certificate2 certificate, ECCurve curve, string schemeOid, HashAlgorithmName kdfHash, int contentKeyLength)
        : base(certificate)
    {
        _curve = curve;
        _schemeOid = schemeOid;
        _kdfHash = kdfHash;
        _kekLength = contentKeyLength;
        _wrapOid = contentKeyLength == 16 ? Oids.Aes128Wrap : Oids.Aes256Wrap;
        _recipientKey = new PublicKeyPool<ECDiffieHellman>(() => certificate.GetECDiffieHellmanPublicKey()
            ?? throw new CertificatePolicyException("The recipient certificate has no usable EC public key.", certificate));
    }

    // RFC 5652 §6.2.2: version is always 3.
    public override int Version => 3;

    public static KeyAgreeRecipientInfoWriter Create(X509Certificate2 certificate, int contentKeyLength)
    {
        using ECDiffieHellman? key = certificate.GetECDiffieHellmanPublicKey();
        (ECCurve curve, string scheme, HashAlgorithmName hash) = key?.KeySize switch
        {
            256 => (ECCurve.NamedCurves.nistP256, Oids.DhSinglePassStdDhSha256KdfScheme, HashAlgorithmName.SHA256),
            384 => (ECCurve.NamedCurves.nistP384, Oids.DhSinglePassStdDhSha384KdfScheme, HashAlgorithmName.SHA384),
            521 => (ECCurve.NamedCurves.nistP521, Oids.DhSinglePassStdDhSha512KdfScheme, HashAlgorithmName.SHA512),
            _ => throw new CertificatePolicyException("The recipient certificate is refused: its EC key is not on P-256, P-384 or P-521.", certificate),
        };

        // Named curves only: an explicit-parameter key of the same size is not one of ours.
        ECParameters parameters = key.ExportParameters(includePrivateParameters: false);
        if (!parameters.Curve.IsNamed || !SameCurve(parameters.Curve, curve))
        {
            throw new CertificatePolicyException("The recipient certificate is refused: its EC key is not on P-256, P-384 or P-521.", certificate);
        }

        return new KeyAgreeRecipientInfoWriter(certificate, curve, scheme, hash, contentKeyLength);
    }

    // RFC 5652 §6.2.2:
    // KeyAgreeRecipientInfo ::= SEQUENCE {
    //   version CMSVersion,  -- always set to 3
    //   originator [0] EXPLICIT OriginatorIdentifierOrKey,
    //   ukm [1] EXPLICIT UserKeyingMaterial OPTIONAL,
    //   keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
    //   recipientEncryptedKeys RecipientEncryptedKeys }
    // RecipientInfo ::= CHOICE { ktri KeyTransRecipientInfo, kari [1] KeyAgreeRecipientInfo, ... }
    public override void WriteTo(AsnWriter writer, ReadOnlySpan<byte> contentEncryptionKey)
    {
        ECDiffieHellman recipientKey = _recipientKey.Rent();
        try
        {
            WriteTo(writer, contentEncryptionKey, recipientKey);
        }
        finally
        {
            _recipientKey.Return(recipientKey);
        }
    }

    private void WriteTo(AsnWriter writer, ReadOnlySpan<byte> contentEncryptionKey, ECDiffieHellman recipientKey)
    {
        using var ephemeral = ECDiffieHellman.Create(_curve);
        ECParameters ephemeralPublic = ephemeral.ExportParameters(includePrivateParameters: false);

        byte[] sharedInfo = EncodeSharedInfo();
        byte[]? z = null;
        byte[] kek = GC.AllocateArray<byte>(_kekLength, pinned: true);
        byte[] wrappedKey = new byte[AesKeyWrap.WrappedLength(contentEncryptionKey.Length)];
        try
        {
            // RFC 5753 §3.1.1: Z is the x-coordinate of the ECDH shared point (SEC 1 §3.3.1).
            z = ephemeral.DeriveRawSecretAgreement(recipientKey.PublicKey);
            X963Kdf.DeriveKey(_kdfHash, z, sharedInfo, kek);
            AesKeyWrap.Wrap(kek, contentEncryptionKey, wrappedKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
            if (z is not null)
            {
                CryptographicOperations.ZeroMemory(z);
            }
        }

        Asn1Tag kari = new(TagClass.ContextSpecific, 1, isConstructed: true);
        Asn1Tag originator = new(TagClass.ContextSpecific, 0, isConstructed: true);
        Asn1Tag originatorKey = new(TagClass.ContextSpecific, 1, isConstructed: true);

        writer.PushSequence(kari);
        writer.WriteInteger(Version);

        // OriginatorIdentifierOrKey ::= CHOICE { ..., originatorKey [1] OriginatorPublicKey }
        // OriginatorPublicKey ::= SEQUENCE { algorithm AlgorithmIdentifier, publicKey BIT STRING }
        // RFC 5753 §3.1.1: id-ecPublicKey with absent parameters (the recipient's curve), the
        // uncompressed ECPoint as the BIT STRING.
        writer.PushSequence(originator);
        writer.PushSequence(originatorKey);
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oids.EcPublicKey);
        writer.PopSequence();
        writer.WriteBitString(EncodePoint(ephemeralPublic.Q));
        writer.PopSequence(originatorKey);
        writer.PopSequence(originator);

        // ukm absent (RFC 5753 §3.1.1 allows it; the ephemeral key already makes the KEK unique).
        // keyEncryptionAlgorithm: the KDF scheme, its parameters the KeyWrapAlgorithm (RFC 5753 §7.2).
        writer.PushSequence();
        writer.WriteObjectIdentifier(_schemeOid);
        WriteKeyWrapAlgorithm(writer);
        writer.PopSequence();

        // RecipientEncryptedKeys ::= SEQUENCE OF RecipientEncryptedKey
        // RecipientEncryptedKey ::= SEQUENCE { rid KeyAgreeRecipientIdentifier, encryptedKey EncryptedKey }
        writer.PushSequence();
        writer.PushSequence();
        WriteIssuerAndSerialNumber(writer);
        writer.WriteOctetString(wrappedKey);
        writer.PopSequence();
        writer.PopSequence();

        writer.PopSequence(kari);
    }

    // RFC 5753 §7.2:
    // ECC-CMS-SharedInfo ::= SEQUENCE {
    //   keyInfo         AlgorithmIdentifier,
    //   entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL,
    //   suppPubInfo [2] EXPLICIT OCTET STRING }
    // keyInfo is the key wrap algorithm, entityUInfo is absent (no ukm), suppPubInfo is the KEK
    // length in bits as a 32-bit big-endian integer.
    private byte[] EncodeSharedInfo()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        WriteKeyWrapAlgorithm(writer);
        Asn1Tag suppPubInfo = new(TagClass.ContextSpecific, 2, isConstructed: true);
        writer.PushSequence(suppPubInfo);
        Span<byte> keyBits = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(keyBits, _kekLength * 8);
        writer.WriteOctetString(keyBits);
        writer.PopSequence(suppPubInfo);
        writer.PopSequence();
        return writer.Encode();
    }

    // RFC 3565 §2.3.2: the AES key wrap AlgorithmIdentifier has absent parameters.
    private void WriteKeyWrapAlgorithm(AsnWriter writer)
    {
        writer.PushSequence();
        writer.WriteObjectIdentifier(_wrapOid);
        writer.PopSequence();
    }

    // SEC 1 §2.3.3: uncompressed point 04 || X || Y, each coordinate the field length.
    private static byte[] EncodePoint(ECPoint q)
    {
        byte[] point = new byte[1 + q.X!.Length + q.Y!.Length];
        point[0] = 0x04;
        q.X.CopyTo(point, 1);
        q.Y.CopyTo(point, 1 + q.X.Length);
        return point;
    }

    private static bool SameCurve(ECCurve actual, ECCurve expected)
    {
        string? value = actual.Oid.Value;
        string? name = actual.Oid.FriendlyName;
        return (value is not null && value == expected.Oid.Value) ||
               (name is not null && (name == expected.Oid.FriendlyName || name == CurveFriendlyAlias(expected)));
    }

    private static string CurveFriendlyAlias(ECCurve curve) => curve.Oid.Value switch
    {
        Oids.CurveP256 => "ECDSA_P256",
        Oids.CurveP384 => "ECDSA_P384",
        _ => "ECDSA_P521",
    };
}
