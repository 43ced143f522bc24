using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>The kinds of RecipientInfo (RFC 5652 §6.2).</summary>
internal enum RecipientInfoKind
{
    KeyTransport,
    KeyAgreement,
    KeyEncryptionKey,
    Password,
    Other,
}

/// <summary>
/// One RecipientInfo as read, able to recover the content-encryption key: with a private key
/// (key transport, key agreement), a shared key-encryption key (RecipientInfoReader.Kekri.cs) or
/// a password (RecipientInfoReader.Pwri.cs).
/// </summary>
internal sealed partial class RecipientInfo
{
    private readonly IReadOnlyList<ReadOnlyMemory<byte>> _encryptedKeys;
    private readonly AlgorithmIdentifier? _originatorKeyAlgorithm;
    private readonly ReadOnlyMemory<byte> _originatorPublicKey;
    private readonly ReadOnlyMemory<byte>? _ukm;

    private RecipientInfo(RecipientInfoKind kind, AlgorithmIdentifier? keyEncryptionAlgorithm, IReadOnlyList<SignerIdentifier> identifiers, IReadOnlyList<ReadOnlyMemory<byte>> encryptedKeys, AlgorithmIdentifier? originatorKeyAlgorithm = null, ReadOnlyMemory<byte> originatorPublicKey = default, ReadOnlyMemory<byte>? ukm = null)
    {
        Kind = kind;
        KeyEncryptionAlgorithm = keyEncryptionAlgorithm;
        Identifiers = identifiers;
        _encryptedKeys = encryptedKeys;
        _originatorKeyAlgorithm = originatorKeyAlgorithm;
        _originatorPublicKey = originatorPublicKey;
        _ukm = ukm;
    }

    public RecipientInfoKind Kind { get; }

    public AlgorithmIdentifier? KeyEncryptionAlgorithm { get; }

    /// <summary>The recipients addressed: one for key transport, one per RecipientEncryptedKey for key agreement.</summary>
    public IReadOnlyList<SignerIdentifier> Identifiers { get; }

    /// <summary>The ukm of a KeyAgreeRecipientInfo (RFC 5652 §6.2.2), the entityUInfo of RFC 5753's KDF input; null when absent.</summary>
    public ReadOnlyMemory<byte>? UserKeyingMaterial => _ukm;

    /// <summary>The encryptedKey of each recipient addressed (one except for key agreement).</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> EncryptedKeys => _encryptedKeys;

    //   RecipientInfo ::= CHOICE {
    //     ktri KeyTransRecipientInfo,
    //     kari [1] KeyAgreeRecipientInfo,
    //     kekri [2] KEKRecipientInfo,
    //     pwri [3] PasswordRecipientInfo,
    //     ori [4] OtherRecipientInfo }
    public static RecipientInfo Read(AsnReader reader, CmsReadBudget budget)
    {
        Asn1Tag tag = reader.PeekTag();
        if (tag == Asn1Tag.Sequence)
        {
            budget.CountRecipientInfo();
            return ReadKeyTransport(reader);
        }

        if (tag == new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true))
        {
            return ReadKeyAgreement(reader, budget);
        }

        budget.CountRecipientInfo();
        if (tag == new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true))
        {
            return ReadKeyEncryptionKey(reader);
        }

        if (tag == new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true))
        {
            return ReadPassword(reader);
        }

        reader.ReadEncodedValue();
        RecipientInfoKind kind = tag.TagClass == TagClass.ContextSpecific
            ? tag.TagValue switch { 2 => RecipientInfoKind.KeyEncryptionKey, 3 => RecipientInfoKind.Password, _ => RecipientInfoKind.Other }
            : RecipientInfoKind.Other;
        return new RecipientInfo(kind, null, [], []);
    }

    // RFC 5652 §6.2.1:
    //   KeyTransRecipientInfo ::= SEQUENCE {
    //     version CMSVersion,  -- always set to 0 or 2
    //     rid RecipientIdentifier,
    //     keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
    //     encryptedKey EncryptedKey }
    //   RecipientIdentifier ::= CHOICE {
    //     issuerAndSerialNumber IssuerAndSerialNumber,
    //     subjectKeyIdentifier [0] SubjectKeyIdentifier }
    private static RecipientInfo ReadKeyTransport(AsnReader reader)
    {
        AsnReader sequence = reader.ReadSequence();
        SignedDataReader.ReadSmallInteger(sequence);
        SignerIdentifier rid = SignerIdentifier.Read(sequence);
        AlgorithmIdentifier algorithm = AlgorithmIdentifierReader.Read(sequence);
        byte[] encryptedKey = sequence.ReadOctetString();
        sequence.ThrowIfNotEmpty();
        return new RecipientInfo(RecipientInfoKind.KeyTransport, algorithm, [rid], [encryptedKey]);
    }

    // RFC 5652 §6.2.2:
    //   KeyAgreeRecipientInfo ::= SEQUENCE {
    //     version CMSVersion,  -- always set to 3
    //     originator [0] EXPLICIT OriginatorIdentifierOrKey,
    //     ukm [1] EXPLICIT UserKeyingMaterial OPTIONAL,
    //     keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
    //     recipientEncryptedKeys RecipientEncryptedKeys }
    //   OriginatorIdentifierOrKey ::= CHOICE {
    //     issuerAndSerialNumber IssuerAndSerialNumber,
    //     subjectKeyIdentifier [0] SubjectKeyIdentifier,
    //     originatorKey [1] OriginatorPublicKey }
    //   OriginatorPublicKey ::= SEQUENCE { algorithm AlgorithmIdentifier, publicKey BIT STRING }
    //   RecipientEncryptedKey ::= SEQUENCE { rid KeyAgreeRecipientIdentifier, encryptedKey EncryptedKey }
    //   KeyAgreeRecipientIdentifier ::= CHOICE {
    //     issuerAndSerialNumber IssuerAndSerialNumber,
    //     rKeyId [0] IMPLICIT RecipientKeyIdentifier }
    //   RecipientKeyIdentifier ::= SEQUENCE { subjectKeyIdentifier SubjectKeyIdentifier, date GeneralizedTime OPTIONAL, other OtherKeyAttribute OPTIONAL }
    private static RecipientInfo ReadKeyAgreement(AsnReader reader, CmsReadBudget budget)
    {
        AsnReader sequence = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
        SignedDataReader.ReadSmallInteger(sequence);
        AsnReader originator = sequence.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        AlgorithmIdentifier? originatorAlgorithm = null;
        ReadOnlyMemory<byte> originatorKey = default;
        var originatorKeyTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        if (originator.PeekTag() == originatorKeyTag)
        {
            AsnReader publicKey = originator.ReadSequence(originatorKeyTag);
            originatorAlgorithm = AlgorithmIdentifierReader.Read(publicKey);
            originatorKey = publicKey.ReadBitString(out int unused);
            if (unused != 0)
            {
                throw new AsnContentException("The originator public key has unused bits.");
            }

            publicKey.ThrowIfNotEmpty();
        }
        else
        {
            originator.ReadEncodedValue();
        }

        originator.ThrowIfNotEmpty();
        ReadOnlyMemory<byte>? ukm = null;
        var ukmTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        if (sequence.PeekTag() == ukmTag)
        {
            AsnReader explicitUkm = sequence.ReadSequence(ukmTag);
            ukm = explicitUkm.ReadOctetString();
            explicitUkm.ThrowIfNotEmpty();
        }

        AlgorithmIdentifier algorithm = AlgorithmIdentifierReader.Read(sequence);
        AsnReader keys = sequence.ReadSequence();
        var identifiers = new List<SignerIdentifier>();
        var encryptedKeys = new List<ReadOnlyMemory<byte>>();
        var rKeyIdTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        while (keys.HasData)
        {
            budget.CountRecipientInfo();
            AsnReader recipientKey = keys.ReadSequence();
            if (recipientKey.PeekTag() == rKeyIdTag)
            {
                AsnReader rKeyId = recipientKey.ReadSequence(rKeyIdTag);
                identifiers.Add(SignerIdentifier.FromSubjectKeyIdentifier(rKeyId.ReadOctetString()));
                while (rKeyId.HasData)
                {
                    rKeyId.ReadEncodedValue();
                }
            }
            else
            {
                identifiers.Add(SignerIdentifier.Read(recipientKey));
            }

            encryptedKeys.Add(recipientKey.ReadOctetString());
            recipientKey.ThrowIfNotEmpty();
        }

        sequence.ThrowIfNotEmpty();
        return new RecipientInfo(RecipientInfoKind.KeyAgreement, algorithm, identifiers, encryptedKeys, originatorAlgorithm, originatorKey, ukm);
    }

    /// <summary>The key-management algorithm in words ("RSAES-OAEP (SHA-256, MGF1 SHA-1, label)").</summary>
    public string Describe()
    {
        if (KeyEncryptionAlgorithm is not { } algorithm)
        {
            return Kind.ToString();
        }

        try
        {
            switch (Kind)
            {
                case RecipientInfoKind.KeyEncryptionKey:
                    return $"key-encryption key ({KeyWrapReader.Name(algorithm.Oid)})";
                case RecipientInfoKind.Password:
                    return DescribePassword(algorithm);
            }

            switch (algorithm.Oid)
            {
                case Oids.RsaEncryption:
                    return "RSA PKCS#1 v1.5 key transport";
                case Oids.RsaesOaep:
                    OaepParameters p = ReadOaepParameters(algorithm);
                    return $"RSAES-OAEP ({AlgorithmIdentifierReader.DigestName(p.HashOid)}, MGF1 {AlgorithmIdentifierReader.DigestName(p.MgfHashOid)}{(p.Label.Length > 0 ? ", label" : string.Empty)})";
                default:
                    (string? kdfHash, _) = KeyAgreementKdf(algorithm.Oid);
                    if (kdfHash is not null)
                    {
                        string wrap = KeyWrapReader.Name(AlgorithmIdentifierReader.Read(new AsnReader(algorithm.Parameters!.Value, AsnEncodingRules.BER)).Oid);
                        return $"ECDH (X9.63 KDF {AlgorithmIdentifierReader.DigestName(kdfHash)}, {wrap})";
                    }

                    return algorithm.Oid;
            }
        }
        catch (Exception ex) when (ex is AsnContentException or InvalidOperationException)
        {
            return algorithm.Oid + " (malformed parameters)";
        }
    }

    /// <summary>
    /// Recovers the content-encryption key for the recipient at <paramref name="index"/> with
    /// <paramref name="key"/>'s private key. Throws CryptographicException on any failure. The
    /// caller has counted one key operation; a second form tried for the same recipient is counted
    /// against <paramref name="budget"/> here.
    /// </summary>
    public byte[] RecoverContentEncryptionKey(X509Certificate2 key, int index, int keyLength, CmsReadBudget budget)
    {
        ReadOnlyMemory<byte> encryptedKey = _encryptedKeys[index];
        AlgorithmIdentifier algorithm = KeyEncryptionAlgorithm ?? throw new CryptographicException("This RecipientInfo kind is not supported.");
        switch (Kind)
        {
            case RecipientInfoKind.KeyTransport:
                {
                    using RSA rsa = key.GetRSAPrivateKey() ?? throw new CryptographicException("The key is not an RSA key.");
                    if (algorithm.Oid == Oids.RsaEncryption)
                    {
                        return rsa.Decrypt(encryptedKey.ToArray(), RSAEncryptionPadding.Pkcs1);
                    }

                    if (algorithm.Oid != Oids.RsaesOaep)
                    {
                        throw new CryptographicException($"The key transport algorithm {algorithm.Oid} is not supported.");
                    }

                    OaepParameters p = ReadOaepParameters(algorithm);
                    if (!AlgorithmIdentifierReader.TryGetHashAlgorithm(p.HashOid, out HashAlgorithmName hash) || !AlgorithmIdentifierReader.TryGetHashAlgorithm(p.MgfHashOid, out HashAlgorithmName mgfHash))
                    {
                        throw new CryptographicException("The OAEP hash is not supported.");
                    }

                    // The platform's OAEP takes neither a label nor an MGF1 hash of its own (RFC 8017
                    // §7.1 allows both); BouncyCastle decodes those.
                    if (p.Label.Length == 0 && hash == mgfHash && hash != AlgorithmIdentifierReader.Sha224 && hash != HashAlgorithmName.MD5)
                    {
                        return rsa.Decrypt(encryptedKey.ToArray(), RSAEncryptionPadding.CreateOaep(hash));
                    }

                    return RsaPaddingReader.DecryptOaep(rsa, encryptedKey.Span, hash, mgfHash, p.Label);
                }

            case RecipientInfoKind.KeyAgreement:
                return AgreeAndUnwrap(key, algorithm, encryptedKey.Span, budget);
            default:
                throw new CryptographicException("This RecipientInfo kind is not supported.");
        }
    }

    // RFC 5753 §3.1.2 (ephemeral-static ECDH): Z from the originator's ephemeral key and the
    // recipient's static key, KEK = X9.63 KDF(Z, ECC-CMS-SharedInfo), CEK = unwrap(KEK).
    //
    // The ECC-CMS-SharedInfo is tried in two forms:
    // 1. RFC 5753 §7.2, as OpenSSL (crypto/cms/cms_ec.c, CMS_SharedInfo_encode) and this library
    //    write it: keyInfo is the key-wrap AlgorithmIdentifier exactly as the RecipientInfo carries
    //    it in keyEncryptionAlgorithm.parameters (for AES key wrap the parameters are absent, RFC
    //    3565 §2.3.2), entityUInfo is the ukm when there is one, suppPubInfo the KEK length in bits.
    // 2. BouncyCastle's (ECDHKekGenerator, in BouncyCastle.Cryptography 2.7.0 and earlier, the KDF
    //    MimeKit's envelopes use): keyInfo is rebuilt from the wrap OID with NULL parameters always
    //    ("06 09 <oid> 05 00" where the standard form has "06 09 <oid>" alone), and entityUInfo is
    //    left out even when a ukm is present. suppPubInfo is the same 4-octet length. For Triple-DES
    //    key wrap (NULL parameters) without a ukm the two forms are the same octets.
    // The same Z serves both; each form is one key operation of the budget. Only form 1 is ever
    // written (KeyAgreeRecipientInfoWriter).
    private byte[] AgreeAndUnwrap(X509Certificate2 key, AlgorithmIdentifier algorithm, ReadOnlySpan<byte> encryptedKey, CmsReadBudget budget)
    {
        (string? kdfHashOid, bool cofactor) = KeyAgreementKdf(algorithm.Oid);
        if (kdfHashOid is null || cofactor || algorithm.Parameters is null || _originatorKeyAlgorithm is not { } originatorAlgorithm)
        {
            throw new CryptographicException("The key agreement algorithm is not supported.");
        }

        if (originatorAlgorithm.Oid != Oids.EcPublicKey)
        {
            throw new CryptographicException("The originator key is not an EC key.");
        }

        AlgorithmIdentifier wrap = AlgorithmIdentifierReader.Read(new AsnReader(algorithm.Parameters.Value, AsnEncodingRules.BER));
        int kekLength = KeyWrapReader.KeyEncryptionKeyLength(wrap.Oid);
        if (kekLength == 0 || !AlgorithmIdentifierReader.TryGetHashAlgorithm(kdfHashOid, out HashAlgorithmName kdfHash))
        {
            throw new CryptographicException("The key wrap algorithm is not supported.");
        }

        using ECDiffieHellman recipient = key.GetECDiffieHellmanPrivateKey() ?? throw new CryptographicException("The key is not an EC key.");
        ReadOnlySpan<byte> point = _originatorPublicKey.Span;
        ECParameters recipientParameters = recipient.ExportParameters(false);
        int fieldLength = recipientParameters.Q.X!.Length;
        if (point.Length != 1 + 2 * fieldLength || point[0] != 0x04)
        {
            throw new CryptographicException("The originator public key is not an uncompressed point on the recipient's curve.");
        }

        var originatorParameters = new ECParameters
        {
            Curve = recipientParameters.Curve,
            Q = new ECPoint { X = point.Slice(1, fieldLength).ToArray(), Y = point.Slice(1 + fieldLength, fieldLength).ToArray() },
        };
        using ECDiffieHellman originator = ECDiffieHellman.Create(originatorParameters);
        byte[] z = recipient.DeriveRawSecretAgreement(originator.PublicKey);
        try
        {
            byte[] standard = EccCmsSharedInfo(wrap.Oid, wrap.Parameters, _ukm, kekLength);
            if (TryUnwrap(kdfHash, z, standard, kekLength, wrap.Oid, encryptedKey) is { } cek)
            {
                return cek;
            }

            byte[] bouncyCastle = EccCmsSharedInfo(wrap.Oid, NullParameters, entityUInfo: null, kekLength);
            if (bouncyCastle.AsSpan().SequenceEqual(standard))
            {
                throw new CryptographicException("The key unwrap integrity check failed.");
            }

            budget.CountPrivateKeyOperation();
            return TryUnwrap(kdfHash, z, bouncyCastle, kekLength, wrap.Oid, encryptedKey)
                ?? throw new CryptographicException("The key unwrap integrity check failed.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
        }
    }

    private static readonly ReadOnlyMemory<byte> NullParameters = new byte[] { 0x05, 0x00 };

    // The CEK when the KEK derived with this SharedInfo unwraps it; null when the integrity check fails.
    private static byte[]? TryUnwrap(HashAlgorithmName kdfHash, byte[] z, byte[] sharedInfo, int kekLength, string wrapOid, ReadOnlySpan<byte> encryptedKey)
    {
        byte[] kek = DeriveKeyEncryptionKey(kdfHash, z, sharedInfo, kekLength);
        try
        {
            return KeyWrapReader.Unwrap(wrapOid, kek, encryptedKey);
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    // RFC 5753 §7.2:
    //   ECC-CMS-SharedInfo ::= SEQUENCE {
    //     keyInfo AlgorithmIdentifier,
    //     entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL,
    //     suppPubInfo [2] EXPLICIT OCTET STRING }  -- KEK length in bits, 32-bit big-endian
    private static byte[] EccCmsSharedInfo(string wrapOid, ReadOnlyMemory<byte>? wrapParameters, ReadOnlyMemory<byte>? entityUInfo, int kekLength)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.PushSequence();
        writer.WriteObjectIdentifier(wrapOid);
        if (wrapParameters is { } parameters)
        {
            writer.WriteEncodedValue(parameters.Span);
        }

        writer.PopSequence();
        if (entityUInfo is { } ukm)
        {
            writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            writer.WriteOctetString(ukm.Span);
            writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        }

        Span<byte> bits = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bits, kekLength * 8);
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        writer.WriteOctetString(bits);
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        writer.PopSequence();
        return writer.Encode();
    }

    // RFC 5753 §3.1.2: the KEK is the X9.63 KDF of Z and the ECC-CMS-SharedInfo.
    private static byte[] DeriveKeyEncryptionKey(HashAlgorithmName hash, ReadOnlySpan<byte> z, ReadOnlySpan<byte> sharedInfo, int length)
    {
        byte[] kek = new byte[length];
        X963Kdf.DeriveKey(hash, z, sharedInfo, kek);
        return kek;
    }

    private static (string? KdfHashOid, bool Cofactor) KeyAgreementKdf(string oid) => oid switch
    {
        Oids.DhSinglePassStdDhSha1KdfScheme => (Oids.DigestSha1, false),
        Oids.DhSinglePassStdDhSha224KdfScheme => (Oids.DigestSha224, false),
        Oids.DhSinglePassStdDhSha256KdfScheme => (Oids.DigestSha256, false),
        Oids.DhSinglePassStdDhSha384KdfScheme => (Oids.DigestSha384, false),
        Oids.DhSinglePassStdDhSha512KdfScheme => (Oids.DigestSha512, false),
        Oids.DhSinglePassCofactorDhSha1KdfScheme => (Oids.DigestSha1, true),
        _ => (null, false),
    };

    internal readonly record struct OaepParameters(string HashOid, string MgfHashOid, byte[] Label);

    // RFC 4055 §4.1 / RFC 8017 §A.2.1:
    //   RSAES-OAEP-params ::= SEQUENCE {
    //     hashFunc          [0] AlgorithmIdentifier DEFAULT sha1Identifier,
    //     maskGenFunc       [1] AlgorithmIdentifier DEFAULT mgf1SHA1Identifier,
    //     pSourceFunc       [2] AlgorithmIdentifier DEFAULT pSpecifiedEmptyIdentifier }
    //   pSpecified parameters: OCTET STRING (the label)
    internal static OaepParameters ReadOaepParameters(AlgorithmIdentifier algorithm)
    {
        string hashOid = Oids.DigestSha1, mgfHashOid = Oids.DigestSha1;
        byte[] label = [];
        if (algorithm.HasNoParameters)
        {
            return new OaepParameters(hashOid, mgfHashOid, label);
        }

        AsnReader sequence = new AsnReader(algorithm.Parameters!.Value, AsnEncodingRules.BER).ReadSequence();
        var tag0 = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        var tag1 = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        var tag2 = new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true);
        if (sequence.HasData && sequence.PeekTag() == tag0)
        {
            hashOid = AlgorithmIdentifierReader.Read(sequence.ReadSequence(tag0)).Oid;
        }

        if (sequence.HasData && sequence.PeekTag() == tag1)
        {
            mgfHashOid = SignatureAlgorithmReader.ReadMgf1Hash(AlgorithmIdentifierReader.Read(sequence.ReadSequence(tag1)));
        }

        if (sequence.HasData && sequence.PeekTag() == tag2)
        {
            AlgorithmIdentifier pSource = AlgorithmIdentifierReader.Read(sequence.ReadSequence(tag2));
            if (pSource.Oid != Oids.OaepPSpecified)
            {
                throw new AsnContentException("The OAEP label source is not pSpecified.");
            }

            if (pSource.Parameters is { } parameters)
            {
                label = new AsnReader(parameters, AsnEncodingRules.BER).ReadOctetString();
            }
        }

        sequence.ThrowIfNotEmpty();
        return new OaepParameters(hashOid, mgfHashOid, label);
    }
}
