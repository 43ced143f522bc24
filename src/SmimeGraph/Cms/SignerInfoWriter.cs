using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Builds the one SignerInfo of a SignedData: the signed attributes (fixed at construction except
/// messageDigest), their signature, and the encoding. Every variable part has a fixed length, so
/// <see cref="SignerInfosLength"/> is exact before any content is seen.
/// </summary>
internal sealed class SignerInfoWriter
{
    // Bounds the ECDSA re-signing loop (see SignEcdsa). Each attempt succeeds with probability
    // of about 1/4, so 128 failures in a row happen with probability (3/4)^128 ≈ 10^-16.
    internal const int MaxEcdsaAttempts = 128;

    private readonly X509Certificate2 _certificate;
    private readonly SignatureKind _kind;
    private readonly HashAlgorithmName _digestAlgorithm;
    private readonly int _digestLength;
    private readonly bool _useSubjectKeyIdentifier;
    private readonly byte[] _digestAlgorithmIdentifier;
    private readonly byte[] _signatureAlgorithmIdentifier;
    private readonly byte[] _signerIdentifier;

    // Every signed attribute but signingTime and messageDigest: the same for every message.
    private readonly byte[][] _fixedAttributes;

    // RFC 5652 §11.3 signingTime, the one attribute fixed per message.
    private readonly byte[] _signingTimeAttribute;

    // The encoded SET OF SignerInfo with a zero digest and a zero signature, and where the
    // per-message parts go in it: built once per signer (and per signingTime length), then copied
    // and filled in for each message instead of encoding every attribute again.
    private readonly SignerInfosTemplate _template;

    // The signingTime value's content octets for this message (UTCTime or GeneralizedTime).
    private readonly byte[] _signingTimeValue;

    public SignerInfoWriter(
        X509Certificate2 certificate,
        SignatureKind kind,
        HashAlgorithmName digestAlgorithm,
        int signatureLength,
        bool useSubjectKeyIdentifier,
        ReadOnlySpan<byte> subjectKeyIdentifier,
        X509Certificate2? encryptionCertificate,
        DateTimeOffset signingTime)
    {
        _certificate = certificate;
        _kind = kind;
        _digestAlgorithm = digestAlgorithm;
        _digestLength = DigestLength(digestAlgorithm);
        _useSubjectKeyIdentifier = useSubjectKeyIdentifier;
        SignatureLength = signatureLength;
        _digestAlgorithmIdentifier = EncodeDigestAlgorithmIdentifier(digestAlgorithm);
        _signatureAlgorithmIdentifier = EncodeSignatureAlgorithmIdentifier(kind, digestAlgorithm);
        _signerIdentifier = useSubjectKeyIdentifier
            ? EncodeSubjectKeyIdentifierChoice(subjectKeyIdentifier)
            : EncodeIssuerAndSerialNumber(certificate, Asn1Tag.Sequence);

        _signingTimeAttribute = EncodeSigningTime(signingTime);
        var attributes = new List<byte[]>
        {
            EncodeAttribute(Oids.AttributeContentType, w => w.WriteObjectIdentifier(Oids.ContentTypeData)),
            EncodeAttribute(Oids.AttributeSmimeCapabilities, WriteSmimeCapabilities),
            EncodeAttribute(Oids.AttributeSigningCertificateV2, w => WriteSigningCertificateV2(w, certificate)),
        };
        if (encryptionCertificate is not null)
        {
            // RFC 8551 §2.5.3: SMIMEEncryptionKeyPreference ::= CHOICE {
            //     issuerAndSerialNumber   [0] IssuerAndSerialNumber, ... }   (implicit tags, RFC 8551 Appendix A)
            attributes.Add(EncodeAttribute(
                Oids.AttributeSmimeEncryptionKeyPreference,
                w => w.WriteEncodedValue(EncodeIssuerAndSerialNumber(encryptionCertificate, new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))));

            // Outlook reads Microsoft's attribute: its value is a plain IssuerAndSerialNumber, as in a
            // RecipientInfo's rid.
            attributes.Add(EncodeAttribute(
                Oids.AttributeMicrosoftEncryptionKeyPreference,
                w => w.WriteEncodedValue(EncodeIssuerAndSerialNumber(encryptionCertificate, Asn1Tag.Sequence))));
        }

        _fixedAttributes = [.. attributes];

        _signingTimeValue = EncodeTimeValue(signingTime);
        _template = SignerInfosTemplate.Create(this);
        SignerInfosLength = _template.Bytes.Length;
    }

    // The same signer for another message: everything shared but the signingTime attribute.
    private SignerInfoWriter(SignerInfoWriter template, DateTimeOffset signingTime)
    {
        _certificate = template._certificate;
        _kind = template._kind;
        _digestAlgorithm = template._digestAlgorithm;
        _digestLength = template._digestLength;
        _useSubjectKeyIdentifier = template._useSubjectKeyIdentifier;
        SignatureLength = template.SignatureLength;
        _digestAlgorithmIdentifier = template._digestAlgorithmIdentifier;
        _signatureAlgorithmIdentifier = template._signatureAlgorithmIdentifier;
        _signerIdentifier = template._signerIdentifier;
        _fixedAttributes = template._fixedAttributes;
        _signingTimeAttribute = EncodeSigningTime(signingTime);
        _signingTimeValue = EncodeTimeValue(signingTime);

        // UTCTime and GeneralizedTime differ in length (RFC 5652 §11.3); within one the length is
        // fixed, and so is every offset in the template.
        _template = _signingTimeValue.Length == template._signingTimeValue.Length
            ? template._template
            : SignerInfosTemplate.Create(this);
        SignerInfosLength = _template.Bytes.Length;
    }

    /// <summary>How the signature value is computed.</summary>
    internal enum SignatureKind
    {
        RsaPkcs1,
        RsaPss,
        Ecdsa,
    }

    /// <summary>The signature value's length in bytes: the modulus length for RSA, the longest DER form for ECDSA.</summary>
    public int SignatureLength { get; }

    /// <summary>The exact length of the SET OF SignerInfo that <see cref="WriteSignerInfos(ReadOnlySpan{byte})"/> returns.</summary>
    public int SignerInfosLength { get; }

    /// <summary>The CMSVersion of the SignerInfo (RFC 5652 §5.3): 3 with subjectKeyIdentifier, else 1.</summary>
    public int Version => _useSubjectKeyIdentifier ? 3 : 1;

    /// <summary>The digest AlgorithmIdentifier, as SignedData.digestAlgorithms lists it.</summary>
    public ReadOnlySpan<byte> DigestAlgorithmIdentifier => _digestAlgorithmIdentifier;

    /// <summary>
    /// This signer with another signingTime, for the next message: the attributes, identifiers and
    /// algorithm identifiers built at construction are shared, not rebuilt.
    /// </summary>
    public SignerInfoWriter WithSigningTime(DateTimeOffset signingTime) => new(this, signingTime);

    /// <summary>Signs <paramref name="contentDigest"/> (the messageDigest) and returns the encoded SET OF SignerInfo.</summary>
    public byte[] WriteSignerInfos(ReadOnlySpan<byte> contentDigest)
    {
        var signerInfos = new byte[SignerInfosLength];
        WriteSignerInfos(contentDigest, signerInfos);
        return signerInfos;
    }

    /// <summary>
    /// Signs <paramref name="contentDigest"/> (the messageDigest) and writes the encoded SET OF
    /// SignerInfo, exactly <see cref="SignerInfosLength"/> bytes, to <paramref name="destination"/>:
    /// the template copied, the signingTime and the digest put in their places, the signed
    /// attributes hashed (RFC 5652 §5.4: with the SET OF tag) and the signature written in place.
    /// </summary>
    public void WriteSignerInfos(ReadOnlySpan<byte> contentDigest, Span<byte> destination)
    {
        if (contentDigest.Length != _digestLength)
        {
            throw new ArgumentException($"The content digest has {contentDigest.Length} bytes; {_digestAlgorithm.Name} gives {_digestLength}.", nameof(contentDigest));
        }

        SignerInfosTemplate template = _template;
        Span<byte> output = destination[..template.Bytes.Length];
        template.Bytes.CopyTo(output);
        _signingTimeValue.CopyTo(output[template.SigningTimeOffset..]);
        contentDigest.CopyTo(output[template.DigestOffset..]);

        // RFC 5652 §5.4: the signature covers the DER SignedAttributes under the SET OF tag; they
        // are sent under [0] IMPLICIT (constructed), same length, same content.
        Span<byte> signedAttributes = output.Slice(template.SignedAttributesOffset, template.SignedAttributesLength);
        signedAttributes[0] = 0x31;
        Span<byte> attributesDigest = stackalloc byte[64];
        int attributesDigestLength = CryptographicOperations.HashData(_digestAlgorithm, signedAttributes, attributesDigest);
        signedAttributes[0] = 0xA0;
        attributesDigest = attributesDigest[..attributesDigestLength];
        try
        {
            Sign(attributesDigest, output.Slice(template.SignatureOffset, SignatureLength));
        }
        catch (CryptographicException ex)
        {
            // The platform refused the private-key operation (a key without signing rights, a
            // provider failure): the library's error family, the key named by its certificate.
            throw new SmimeGraphException($"Signing with the certificate {_certificate.Subject} failed: {ex.Message}", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(attributesDigest);
        }
    }

    /// <summary>
    /// The SET OF SignerInfo with a zero digest and a zero signature of the final lengths: every
    /// length in it is the real one, so it measures the output before anything is signed.
    /// </summary>
    public byte[] WriteSignerInfosPlaceholder()
    {
        byte[] signedAttributes = EncodeSignedAttributes(new byte[_digestLength]);
        signedAttributes[0] = 0xA0;
        return EncodeSignerInfos(signedAttributes, new byte[SignatureLength]);
    }

    /// <summary>The DER SignedAttributes with the universal SET OF tag (0x31): the signature input (RFC 5652 §5.4).</summary>
    internal byte[] EncodeSignedAttributes(ReadOnlySpan<byte> contentDigest)
    {
        // RFC 5652 §5.3: SignedAttributes ::= SET SIZE (1..MAX) OF Attribute
        // DER orders a SET OF by its encoded elements (X.690 §11.6); AsnWriter sorts on PopSetOf.
        // The same sorted bytes are hashed here and sent under the [0] IMPLICIT tag.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSetOf();
        foreach (byte[] attribute in _fixedAttributes)
        {
            writer.WriteEncodedValue(attribute);
        }

        writer.WriteEncodedValue(_signingTimeAttribute);

        byte[] digestCopy = contentDigest.ToArray();
        writer.WriteEncodedValue(EncodeAttribute(Oids.AttributeMessageDigest, w => w.WriteOctetString(digestCopy)));
        CryptographicOperations.ZeroMemory(digestCopy);
        writer.PopSetOf();
        return writer.Encode();
    }

    // signedAttributes: the DER SignedAttributes already under the [0] IMPLICIT tag.
    private byte[] EncodeSignerInfos(byte[] signedAttributes, ReadOnlySpan<byte> signature)
    {
        // RFC 5652 §5.3:
        //   SignerInfo ::= SEQUENCE {
        //     version CMSVersion,
        //     sid SignerIdentifier,
        //     digestAlgorithm DigestAlgorithmIdentifier,
        //     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
        //     signatureAlgorithm SignatureAlgorithmIdentifier,
        //     signature SignatureValue,
        //     unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSetOf();
        writer.PushSequence();
        writer.WriteInteger(Version);
        writer.WriteEncodedValue(_signerIdentifier);
        writer.WriteEncodedValue(_digestAlgorithmIdentifier);
        writer.WriteEncodedValue(signedAttributes);
        writer.WriteEncodedValue(_signatureAlgorithmIdentifier);
        writer.WriteOctetString(signature);
        writer.PopSequence();
        writer.PopSetOf();
        return writer.Encode();
    }

    // Writes exactly SignatureLength bytes to destination.
    private void Sign(ReadOnlySpan<byte> attributesDigest, Span<byte> destination)
    {
        if (_kind == SignatureKind.Ecdsa)
        {
            using ECDsa ecdsa = _certificate.GetECDsaPrivateKey()
                ?? throw new CertificatePolicyException("The signer certificate's ECDSA private key is not available.", _certificate);
            byte[] hash = attributesDigest.ToArray();
            try
            {
                SignEcdsa(ecdsa, hash, SignatureLength).CopyTo(destination);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(hash);
            }

            return;
        }

        using RSA rsa = _certificate.GetRSAPrivateKey()
            ?? throw new CertificatePolicyException("The signer certificate's RSA private key is not available.", _certificate);
        RSASignaturePadding padding = _kind == SignatureKind.RsaPss ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        if (!rsa.TrySignHash(attributesDigest, destination, _digestAlgorithm, padding, out int written) || written != SignatureLength)
        {
            throw new SmimeGraphException($"The RSA signature does not have the {SignatureLength} bytes of the modulus.");
        }
    }

    /// <summary>
    /// Signs with ECDSA and returns a DER Ecdsa-Sig-Value of exactly <paramref name="length"/> bytes,
    /// the longest the curve allows.
    /// </summary>
    internal static byte[] SignEcdsa(ECDsa ecdsa, byte[] hash, int length)
    {
        // RFC 5753 §7.2 / RFC 3279 §2.2.3: Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }.
        // A DER INTEGER drops leading zero bytes and adds one when the top bit is set, so the
        // signature length varies by a few bytes from one signature to the next. The predicted
        // lengths must be exact, so we sign again — each attempt draws a fresh random k, hence a
        // new r and s — until both integers take their longest form (about 1 attempt in 4 for
        // P-256/P-384), and give up after MaxEcdsaAttempts. Verifiers see an ordinary signature.
        for (int attempt = 0; attempt < MaxEcdsaAttempts; attempt++)
        {
            byte[] signature = ecdsa.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);
            if (signature.Length == length)
            {
                return signature;
            }

            CryptographicOperations.ZeroMemory(signature);
        }

        throw new SmimeGraphException(
            $"ECDSA produced no {length}-byte DER signature in {MaxEcdsaAttempts} attempts; the key may use deterministic nonces, which cannot give a fixed signature length.");
    }

    /// <summary>The longest DER Ecdsa-Sig-Value for a curve whose order has <paramref name="keySizeInBits"/> bits.</summary>
    internal static int MaximalEcdsaSignatureLength(int keySizeInBits)
    {
        // An INTEGER below 2^bits needs at most bits/8 + 1 content bytes (a leading zero when the
        // top bit of a whole byte is set: 33 for P-256, 49 for P-384, 66 for P-521).
        int integer = 2 + (keySizeInBits / 8) + 1;
        int content = 2 * integer;
        return Der.HeaderLength(content) + content;
    }

    internal static int DigestLength(HashAlgorithmName digestAlgorithm) =>
        digestAlgorithm == HashAlgorithmName.SHA256 ? 32 :
        digestAlgorithm == HashAlgorithmName.SHA384 ? 48 :
        digestAlgorithm == HashAlgorithmName.SHA512 ? 64 :
        throw new ArgumentOutOfRangeException(nameof(digestAlgorithm));

    private static string DigestOid(HashAlgorithmName digestAlgorithm) =>
        digestAlgorithm == HashAlgorithmName.SHA256 ? Oids.DigestSha256 :
        digestAlgorithm == HashAlgorithmName.SHA384 ? Oids.DigestSha384 :
        digestAlgorithm == HashAlgorithmName.SHA512 ? Oids.DigestSha512 :
        throw new ArgumentOutOfRangeException(nameof(digestAlgorithm));

    private static byte[] EncodeDigestAlgorithmIdentifier(HashAlgorithmName digestAlgorithm)
    {
        // RFC 5754 §2: SHA-2 AlgorithmIdentifiers are generated with absent parameters.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(DigestOid(digestAlgorithm));
        writer.PopSequence();
        return writer.Encode();
    }

    /// <summary>
    /// The [0] hash and [1] MGF1 fields shared by RSASSA-PSS-params and RSAES-OAEP-params, with
    /// RFC 4055's identifiers (sha256Identifier, mgf1SHA256Identifier, ...): RFC 4055 §2.1 defines
    /// them with NULL parameters, which is what OpenSSL and Windows write there.
    /// </summary>
    private static void WriteHashAndMaskGeneration(AsnWriter writer, HashAlgorithmName hash)
    {
        Asn1Tag hashTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
        writer.PushSequence(hashTag);
        WriteHashIdentifierWithNull(writer, hash);
        writer.PopSequence(hashTag);
        Asn1Tag mgfTag = new(TagClass.ContextSpecific, 1, isConstructed: true);
        writer.PushSequence(mgfTag);
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oids.MaskGenerationMgf1);
        WriteHashIdentifierWithNull(writer, hash);
        writer.PopSequence();
        writer.PopSequence(mgfTag);
    }

    private static void WriteHashIdentifierWithNull(AsnWriter writer, HashAlgorithmName hash)
    {
        writer.PushSequence();
        writer.WriteObjectIdentifier(DigestOid(hash));
        writer.WriteNull();
        writer.PopSequence();
    }

    private static byte[] EncodeSignatureAlgorithmIdentifier(SignatureKind kind, HashAlgorithmName digestAlgorithm)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        switch (kind)
        {
            case SignatureKind.RsaPkcs1:
                // RFC 4055 §5: sha*WithRSAEncryption with NULL parameters.
                writer.WriteObjectIdentifier(
                    digestAlgorithm == HashAlgorithmName.SHA256 ? Oids.SignatureSha256WithRsa :
                    digestAlgorithm == HashAlgorithmName.SHA384 ? Oids.SignatureSha384WithRsa :
                    Oids.SignatureSha512WithRsa);
                writer.WriteNull();
                break;

            case SignatureKind.RsaPss:
                // RFC 4056 §3, RFC 4055 §3.1:
                //   RSASSA-PSS-params ::= SEQUENCE {
                //     hashAlgorithm      [0] HashAlgorithm DEFAULT sha1,
                //     maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
                //     saltLength         [2] INTEGER DEFAULT 20,
                //     trailerField       [3] TrailerField DEFAULT trailerFieldBC }
                // The hash is the digest algorithm, MGF1 uses the same hash, the salt is as long as
                // the hash; trailerField 1 is the DEFAULT and DER omits it.
                writer.WriteObjectIdentifier(Oids.SignatureRsassaPss);
                writer.PushSequence();
                WriteHashAndMaskGeneration(writer, digestAlgorithm);
                Asn1Tag saltTag = new(TagClass.ContextSpecific, 2, isConstructed: true);
                writer.PushSequence(saltTag);
                writer.WriteInteger(DigestLength(digestAlgorithm));
                writer.PopSequence(saltTag);
                writer.PopSequence();
                break;

            default:
                // RFC 5758 §3.2: ecdsa-with-SHA* with absent parameters.
                writer.WriteObjectIdentifier(
                    digestAlgorithm == HashAlgorithmName.SHA256 ? Oids.SignatureEcdsaWithSha256 :
                    digestAlgorithm == HashAlgorithmName.SHA384 ? Oids.SignatureEcdsaWithSha384 :
                    Oids.SignatureEcdsaWithSha512);
                break;
        }

        writer.PopSequence();
        return writer.Encode();
    }

    private static byte[] EncodeSubjectKeyIdentifierChoice(ReadOnlySpan<byte> subjectKeyIdentifier)
    {
        // RFC 5652 §5.3: SignerIdentifier ::= CHOICE { ..., subjectKeyIdentifier [0] SubjectKeyIdentifier }
        // (implicit tags): the OCTET STRING under the [0] primitive tag.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(subjectKeyIdentifier, new Asn1Tag(TagClass.ContextSpecific, 0));
        return writer.Encode();
    }

    internal static byte[] EncodeIssuerAndSerialNumber(X509Certificate2 certificate, Asn1Tag tag)
    {
        // RFC 5652 §10.2.4: IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence(tag);
        writer.WriteEncodedValue(certificate.IssuerName.RawData);
        WriteSerialNumber(writer, certificate);
        writer.PopSequence(tag);
        return writer.Encode();
    }

    private static void WriteSerialNumber(AsnWriter writer, X509Certificate2 certificate)
    {
        // The serial number is echoed exactly as the certificate carries it, so that a verifier's
        // byte comparison matches even for the (non-DER) serials some CAs issue, which
        // AsnWriter.WriteInteger would refuse.
        ReadOnlySpan<byte> serial = certificate.SerialNumberBytes.Span;
        Span<byte> encoded = stackalloc byte[serial.Length + 6];
        int header = Der.WriteHeader(encoded, 0x02, serial.Length);
        serial.CopyTo(encoded[header..]);
        writer.WriteEncodedValue(encoded[..(header + serial.Length)]);
    }

    private static byte[] EncodeAttribute(string type, Action<AsnWriter> writeValue)
    {
        // RFC 5652 §5.3: Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(type);
        writer.PushSetOf();
        writeValue(writer);
        writer.PopSetOf();
        writer.PopSequence();
        return writer.Encode();
    }

    private static byte[] EncodeSigningTime(DateTimeOffset signingTime) =>
        EncodeAttribute(Oids.AttributeSigningTime, w => WriteTime(w, signingTime));

    // The content octets of the signingTime value: "YYMMDDHHMMSSZ" (UTCTime) or "YYYYMMDDHHMMSSZ"
    // (GeneralizedTime), after a tag and a one-byte length.
    private static byte[] EncodeTimeValue(DateTimeOffset signingTime)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        WriteTime(writer, signingTime);
        return writer.Encode()[2..];
    }

    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        // RFC 5652 §11.3: dates from 1950 through 2049 as UTCTime, others as GeneralizedTime
        // (without fractional seconds).
        DateTimeOffset utc = time.ToUniversalTime();
        if (utc.Year is >= 1950 and < 2050)
        {
            writer.WriteUtcTime(utc, twoDigitYearMax: 2049);
        }
        else
        {
            writer.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
        }
    }

    private static void WriteSmimeCapabilities(AsnWriter writer)
    {
        // RFC 8551 §2.5.2:
        //   SMIMECapabilities ::= SEQUENCE OF SMIMECapability
        //   SMIMECapability ::= SEQUENCE { capabilityID OBJECT IDENTIFIER, parameters ANY DEFINED BY capabilityID OPTIONAL }
        // What we can decrypt, strongest first.
        writer.PushSequence();
        foreach (string capability in (ReadOnlySpan<string>)[Oids.Aes256Gcm, Oids.Aes128Gcm, Oids.Aes256Cbc, Oids.Aes128Cbc])
        {
            writer.PushSequence();
            writer.WriteObjectIdentifier(capability);
            writer.PopSequence();
        }

        // RFC 3560 §5 / RFC 4055 §4.1: RSAES-OAEP announced with its SHA-256 parameters
        // (rSAES-OAEP-SHA256-Identifier):
        //   RSAES-OAEP-params ::= SEQUENCE {
        //     hashFunc          [0] AlgorithmIdentifier DEFAULT sha1Identifier,
        //     maskGenFunc       [1] AlgorithmIdentifier DEFAULT mgf1SHA1Identifier,
        //     pSourceFunc       [2] AlgorithmIdentifier DEFAULT pSpecifiedEmptyIdentifier }
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oids.RsaesOaep);
        writer.PushSequence();
        WriteHashAndMaskGeneration(writer, HashAlgorithmName.SHA256);
        writer.PopSequence();
        writer.PopSequence();

        writer.PopSequence();
    }

    private static void WriteSigningCertificateV2(AsnWriter writer, X509Certificate2 certificate)
    {
        // RFC 5035 §3:
        //   SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies SEQUENCE OF PolicyInformation OPTIONAL }
        //   ESSCertIDv2 ::= SEQUENCE {
        //     hashAlgorithm AlgorithmIdentifier DEFAULT {algorithm id-sha256},
        //     certHash Hash,
        //     issuerSerial IssuerSerial OPTIONAL }
        //   Hash ::= OCTET STRING
        //   IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
        // The hash is SHA-256, the DEFAULT, so DER omits hashAlgorithm.
        Span<byte> certHash = stackalloc byte[32];
        SHA256.HashData(certificate.RawDataMemory.Span, certHash);
        writer.PushSequence();
        writer.PushSequence();
        writer.PushSequence();
        writer.WriteOctetString(certHash);
        writer.PushSequence();
        writer.PushSequence();
        // GeneralName ::= CHOICE { ..., directoryName [4] Name, ... } — explicit, since Name is a CHOICE.
        Asn1Tag directoryName = new(TagClass.ContextSpecific, 4, isConstructed: true);
        writer.PushSequence(directoryName);
        writer.WriteEncodedValue(certificate.IssuerName.RawData);
        writer.PopSequence(directoryName);
        writer.PopSequence();
        WriteSerialNumber(writer, certificate);
        writer.PopSequence();
        writer.PopSequence();
        writer.PopSequence();
        writer.PopSequence();
    }

    /// <summary>
    /// The SET OF SignerInfo encoded once with a zero messageDigest and a zero signature, and the
    /// offsets of what changes per message. DER sorts the SignedAttributes (X.690 §11.6) by their
    /// encodings, which differ in their attribute type before any value bytes, so the order, and
    /// every offset, is the same whatever the digest and the time.
    /// </summary>
    private sealed class SignerInfosTemplate
    {
        private SignerInfosTemplate(byte[] bytes, int signedAttributesOffset, int signedAttributesLength, int signingTimeOffset, int digestOffset, int signatureOffset)
        {
            Bytes = bytes;
            SignedAttributesOffset = signedAttributesOffset;
            SignedAttributesLength = signedAttributesLength;
            SigningTimeOffset = signingTimeOffset;
            DigestOffset = digestOffset;
            SignatureOffset = signatureOffset;
        }

        public byte[] Bytes { get; }

        public int SignedAttributesOffset { get; }

        public int SignedAttributesLength { get; }

        public int SigningTimeOffset { get; }

        public int DigestOffset { get; }

        public int SignatureOffset { get; }

        public static SignerInfosTemplate Create(SignerInfoWriter writer)
        {
            byte[] signedAttributes = writer.EncodeSignedAttributes(new byte[writer._digestLength]);
            signedAttributes[0] = 0xA0;
            byte[] bytes = writer.EncodeSignerInfos(signedAttributes, new byte[writer.SignatureLength]);

            // The signature is the last field (no unsignedAttrs), an OCTET STRING of SignatureLength.
            int signatureOffset = bytes.Length - writer.SignatureLength;
            int attributesOffset = Find(bytes, signedAttributes);

            // Each attribute ends with its value; signingTime's is the time, messageDigest's the digest.
            int timeOffset = attributesOffset + Find(signedAttributes, writer._signingTimeAttribute) + writer._signingTimeAttribute.Length - writer._signingTimeValue.Length;
            byte[] digestAttribute = EncodeAttribute(Oids.AttributeMessageDigest, w => w.WriteOctetString(new byte[writer._digestLength]));
            int digestOffset = attributesOffset + Find(signedAttributes, digestAttribute) + digestAttribute.Length - writer._digestLength;
            return new SignerInfosTemplate(bytes, attributesOffset, signedAttributes.Length, timeOffset, digestOffset, signatureOffset);
        }

        private static int Find(byte[] within, byte[] part)
        {
            int index = within.AsSpan().IndexOf(part);
            return index >= 0 ? index : throw new InvalidOperationException("The SignerInfo template does not contain one of its parts.");
        }
    }
}
