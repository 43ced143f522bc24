using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Writes CMS SignedData (RFC 5652 §5) for S/MIME (RFC 8551): detached, for multipart/signed,
/// or encapsulated and streamed, for application/pkcs7-mime; smime-type=signed-data. Every length
/// is known before the content is: the signature has a fixed length for the key, the signed
/// attributes are fixed at construction except the messageDigest.
/// </summary>
internal sealed class SignedDataWriter
{
    /// <summary>
    /// The size of the OCTET STRING segments of an indefinite-length eContent. Fixed, so the
    /// output does not depend on how the caller splits its writes.
    /// </summary>
    internal const int EncapsulatedSegmentLength = 8192;

    // The two OBJECT IDENTIFIERs written by hand around the streamed content (tag, length, value).
    private static readonly byte[] SignedDataOid = Der.EncodeObjectIdentifier(Oids.ContentTypeSignedData);
    private static readonly byte[] DataOid = Der.EncodeObjectIdentifier(Oids.ContentTypeData);

    private readonly HashAlgorithmName _digestAlgorithm;
    private readonly SignerInfoWriter _signerInfo;
    private readonly byte[] _versionAndDigestAlgorithms;
    private readonly byte[] _certificates;

    // A detached ContentInfo(SignedData) up to its SignerInfos, which end it: the same for every
    // message whose SignerInfos have the same length.
    private readonly byte[] _detachedPrefix;

    /// <summary>
    /// Fixes every signed attribute but the messageDigest. No policy is applied here: the caller
    /// has already judged the certificates and chosen the algorithms; this only refuses what the
    /// key cannot do.
    /// </summary>
    /// <param name="certificate">The signer certificate, with its RSA or ECDSA (P-256, P-384, P-521) private key.</param>
    /// <param name="digestAlgorithm">SHA-256, SHA-384 or SHA-512 (RFC 5754 §2).</param>
    /// <param name="useRsaPss">RSASSA-PSS (RFC 4056) instead of PKCS #1 v1.5; RSA keys only.</param>
    /// <param name="useSubjectKeyIdentifier">Identify the signer by subjectKeyIdentifier (SignerInfo version 3, RFC 5652 §5.3).</param>
    /// <param name="chain">Certificates sent beside the signer's so a receiver can build the chain.</param>
    /// <param name="includeRoot">Send self-issued members of <paramref name="chain"/> too.</param>
    /// <param name="encryptionCertificate">Announced with the encryption key preference attributes (RFC 8551 §2.5.3), or null.</param>
    /// <param name="signingTime">The signingTime attribute (RFC 5652 §11.3); truncated to whole seconds.</param>
    /// <exception cref="CertificatePolicyException">The key cannot make the signature asked for, or the signer cannot be identified as asked.</exception>
    public SignedDataWriter(
        X509Certificate2 certificate,
        HashAlgorithmName digestAlgorithm,
        bool useRsaPss,
        bool useSubjectKeyIdentifier,
        X509Certificate2Collection chain,
        bool includeRoot,
        X509Certificate2? encryptionCertificate,
        DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(chain);
        _ = SignerInfoWriter.DigestLength(digestAlgorithm);

        SignerInfoWriter.SignatureKind kind;
        int signatureLength;
        using (RSA? rsa = certificate.GetRSAPrivateKey())
        using (ECDsa? ecdsa = rsa is null ? certificate.GetECDsaPrivateKey() : null)
        {
            if (rsa is not null)
            {
                kind = useRsaPss ? SignerInfoWriter.SignatureKind.RsaPss : SignerInfoWriter.SignatureKind.RsaPkcs1;
                signatureLength = (rsa.KeySize + 7) / 8;
            }
            else if (ecdsa is not null)
            {
                if (useRsaPss)
                {
                    throw new CertificatePolicyException("RSASSA-PSS was requested but the signer certificate has an ECDSA key.", certificate);
                }

                if (ecdsa.KeySize is not (256 or 384 or 521))
                {
                    throw new CertificatePolicyException(
                        $"The signer certificate is refused: its ECDSA key has {ecdsa.KeySize} bits; P-256, P-384 and P-521 are accepted.", certificate);
                }

                kind = SignerInfoWriter.SignatureKind.Ecdsa;
                signatureLength = SignerInfoWriter.MaximalEcdsaSignatureLength(ecdsa.KeySize);
            }
            else
            {
                throw new CertificatePolicyException(
                    "The signer certificate is refused: its private key is neither RSA nor ECDSA.", certificate);
            }
        }

        byte[] subjectKeyIdentifier = [];
        if (useSubjectKeyIdentifier)
        {
            subjectKeyIdentifier = CertificateExtensionReader.SubjectKeyIdentifier(certificate)
                ?? throw new CertificatePolicyException(
                    "The signer certificate cannot be identified by subjectKeyIdentifier: it has no subjectKeyIdentifier extension.", certificate);
        }

        // RFC 5652 §11.3: signingTime is fixed now, to the second, so every length is exact.
        DateTimeOffset utc = signingTime.ToUniversalTime();
        SigningTime = new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

        _digestAlgorithm = digestAlgorithm;
        MicAlg = digestAlgorithm == HashAlgorithmName.SHA256 ? "sha-256" : digestAlgorithm == HashAlgorithmName.SHA384 ? "sha-384" : "sha-512";
        _signerInfo = new SignerInfoWriter(
            certificate, kind, digestAlgorithm, signatureLength, useSubjectKeyIdentifier, subjectKeyIdentifier, encryptionCertificate, SigningTime);
        _versionAndDigestAlgorithms = EncodeVersionAndDigestAlgorithms(_signerInfo);
        _certificates = EncodeCertificates(certificate, chain, includeRoot);
        _detachedPrefix = EncodeDetachedPrefix();
        DetachedLength = _detachedPrefix.Length + _signerInfo.SignerInfosLength;
    }

    // The same signer for another message (see ForMessage).
    private SignedDataWriter(SignedDataWriter template, DateTimeOffset signingTime)
    {
        _digestAlgorithm = template._digestAlgorithm;
        MicAlg = template.MicAlg;
        SigningTime = signingTime;
        _signerInfo = template._signerInfo.WithSigningTime(signingTime);
        _versionAndDigestAlgorithms = template._versionAndDigestAlgorithms;
        _certificates = template._certificates;
        _detachedPrefix = _signerInfo.SignerInfosLength == template._signerInfo.SignerInfosLength
            ? template._detachedPrefix
            : EncodeDetachedPrefix();
        DetachedLength = _detachedPrefix.Length + _signerInfo.SignerInfosLength;
    }

    /// <summary>
    /// This writer for another message signed at <paramref name="signingTime"/> (UTC, truncated to
    /// the second): the policy, the key probe, the certificates and every signed attribute but
    /// signingTime are shared with this one, so a signer prepared once costs almost nothing per
    /// message. Writers are immutable; both can be used at once.
    /// </summary>
    public SignedDataWriter ForMessage(DateTimeOffset signingTime)
    {
        DateTimeOffset utc = signingTime.ToUniversalTime();
        utc = new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        return utc == SigningTime ? this : new SignedDataWriter(this, utc);
    }

    /// <summary>The micalg parameter of multipart/signed in RFC 8551 §3.5.3.2 spelling ("sha-256").</summary>
    public string MicAlg { get; }

    /// <summary>The signingTime attribute's value, fixed at construction (UTC, whole seconds).</summary>
    public DateTimeOffset SigningTime { get; }

    /// <summary>The exact length of what <see cref="CompleteDetached"/> returns.</summary>
    public int DetachedLength { get; }

    /// <summary>A hash of the digest algorithm for the content of a detached signature.</summary>
    public IncrementalHash CreateContentHash() => IncrementalHash.CreateHash(_digestAlgorithm);

    /// <summary>
    /// Signs a content digest (made with <see cref="CreateContentHash"/>) and returns
    /// ContentInfo(SignedData) without eContent, DER, exactly <see cref="DetachedLength"/> bytes.
    /// </summary>
    public byte[] CompleteDetached(ReadOnlySpan<byte> contentDigest)
    {
        var detached = new byte[DetachedLength];
        _detachedPrefix.CopyTo(detached, 0);
        _signerInfo.WriteSignerInfos(contentDigest, detached.AsSpan(_detachedPrefix.Length));
        return detached;
    }

    /// <summary>The exact length of the encapsulated output for a content of <paramref name="contentLength"/> bytes written with definite lengths.</summary>
    public long PredictEncapsulatedLength(long contentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        return DefiniteLayout.Create(this, contentLength).Total;
    }

    /// <summary>
    /// The exact length of the encapsulated output for a content of <paramref name="contentLength"/>
    /// bytes written with indefinite lengths (opened with a null content length).
    /// </summary>
    public long PredictIndefiniteEncapsulatedLength(long contentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        long segments = contentLength / EncapsulatedSegmentLength;
        long rest = contentLength % EncapsulatedSegmentLength;
        long content = (segments * (Der.HeaderLength(EncapsulatedSegmentLength) + EncapsulatedSegmentLength)) + (rest == 0 ? 0 : Der.HeaderLength(rest) + rest);
        return IndefinitePrefixLength + content + IndefiniteSuffixLength;
    }

    /// <summary>
    /// Starts an encapsulated SignedData on <paramref name="destination"/>: the returned stream takes
    /// the content, hashes it and passes it on; disposing it signs and writes the rest. With a
    /// <paramref name="contentLength"/> the output is DER with definite lengths throughout; with null
    /// the eContent is a BER constructed OCTET STRING of fixed-size segments and the enclosing
    /// lengths are indefinite.
    /// </summary>
    public Stream OpenEncapsulated(Stream destination, long? contentLength)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (contentLength is long length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(contentLength));
        }

        return new EncapsulatedSignedDataStream(this, destination, contentLength);
    }

    internal byte[] WriteSignerInfos(ReadOnlySpan<byte> contentDigest) => _signerInfo.WriteSignerInfos(contentDigest);

    /// <summary>ContentInfo, SignedData and EncapsulatedContentInfo up to the eContent's first byte, definite lengths.</summary>
    internal byte[] EncodeDefinitePrefix(long contentLength)
    {
        DefiniteLayout layout = DefiniteLayout.Create(this, contentLength);
        var prefix = new byte[layout.PrefixLength];
        int offset = 0;
        offset += Der.WriteHeader(prefix.AsSpan(offset), 0x30, layout.ContentInfoContent);
        SignedDataOid.CopyTo(prefix, offset);
        offset += SignedDataOid.Length;
        offset += Der.WriteHeader(prefix.AsSpan(offset), 0xA0, layout.SignedData);
        offset += Der.WriteHeader(prefix.AsSpan(offset), 0x30, layout.SignedDataContent);
        _versionAndDigestAlgorithms.CopyTo(prefix, offset);
        offset += _versionAndDigestAlgorithms.Length;
        offset += Der.WriteHeader(prefix.AsSpan(offset), 0x30, layout.EncapsulatedContentInfoContent);
        DataOid.CopyTo(prefix, offset);
        offset += DataOid.Length;
        offset += Der.WriteHeader(prefix.AsSpan(offset), 0xA0, layout.OctetString);
        offset += Der.WriteHeader(prefix.AsSpan(offset), 0x04, contentLength);
        return offset == prefix.Length ? prefix : throw new InvalidOperationException("The SignedData prefix length is inconsistent.");
    }

    /// <summary>The same prefix with indefinite lengths, opening a constructed OCTET STRING (X.690 §8.7.3).</summary>
    internal byte[] EncodeIndefinitePrefix()
    {
        var prefix = new List<byte>(64) { 0x30, 0x80 };
        prefix.AddRange(SignedDataOid);
        prefix.AddRange([0xA0, 0x80, 0x30, 0x80]);
        prefix.AddRange(_versionAndDigestAlgorithms);
        prefix.AddRange([0x30, 0x80]);
        prefix.AddRange(DataOid);
        prefix.AddRange([0xA0, 0x80, 0x24, 0x80]);
        return [.. prefix];
    }

    /// <summary>What follows the eContent: the certificates and the SignerInfos (and end-of-contents octets when indefinite).</summary>
    internal byte[] EncodeSuffix(byte[] signerInfos, bool indefinite)
    {
        // End-of-contents closes the OCTET STRING, [0] eContent and EncapsulatedContentInfo before
        // the certificates, then SignedData, [0] content and ContentInfo after the SignerInfos.
        int closeBefore = indefinite ? 6 : 0;
        int closeAfter = indefinite ? 6 : 0;
        var suffix = new byte[closeBefore + _certificates.Length + signerInfos.Length + closeAfter];
        _certificates.CopyTo(suffix, closeBefore);
        signerInfos.CopyTo(suffix, closeBefore + _certificates.Length);
        return suffix;
    }

    private int IndefinitePrefixLength => 2 + SignedDataOid.Length + 4 + _versionAndDigestAlgorithms.Length + 2 + DataOid.Length + 4;

    private int IndefiniteSuffixLength => 6 + _certificates.Length + _signerInfo.SignerInfosLength + 6;

    // The SignerInfos are the last field of SignedData, which is the last of ContentInfo (all
    // definite lengths): what comes before them depends only on their length.
    private byte[] EncodeDetachedPrefix()
    {
        byte[] placeholder = _signerInfo.WriteSignerInfosPlaceholder();
        byte[] detached = EncodeDetached(placeholder);
        return detached[..^placeholder.Length];
    }

    private byte[] EncodeDetached(byte[] signerInfos)
    {
        // RFC 5652 §3: ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY DEFINED BY contentType }
        // RFC 5652 §5.1:
        //   SignedData ::= SEQUENCE {
        //     version CMSVersion,
        //     digestAlgorithms DigestAlgorithmIdentifiers,
        //     encapContentInfo EncapsulatedContentInfo,
        //     certificates [0] IMPLICIT CertificateSet OPTIONAL,
        //     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
        //     signerInfos SignerInfos }
        // RFC 5652 §5.2: EncapsulatedContentInfo ::= SEQUENCE { eContentType ContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }
        // Detached (RFC 5652 §5.2, RFC 8551 §3.5.3): no eContent.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oids.ContentTypeSignedData);
        Asn1Tag content = new(TagClass.ContextSpecific, 0, isConstructed: true);
        writer.PushSequence(content);
        writer.PushSequence();
        var fields = new AsnReader(_versionAndDigestAlgorithms, AsnEncodingRules.DER);
        writer.WriteEncodedValue(fields.ReadEncodedValue().Span); // version
        writer.WriteEncodedValue(fields.ReadEncodedValue().Span); // digestAlgorithms
        writer.PushSequence();
        writer.WriteObjectIdentifier(Oids.ContentTypeData);
        writer.PopSequence();
        writer.WriteEncodedValue(_certificates);
        writer.WriteEncodedValue(signerInfos);
        writer.PopSequence();
        writer.PopSequence(content);
        writer.PopSequence();
        return writer.Encode();
    }

    private static byte[] EncodeVersionAndDigestAlgorithms(SignerInfoWriter signerInfo)
    {
        // RFC 5652 §5.1: version 3 when a SignerInfo is version 3 (subjectKeyIdentifier); the
        // eContentType is id-data and only X.509 certificates are sent, so otherwise version 1.
        //   DigestAlgorithmIdentifiers ::= SET OF DigestAlgorithmIdentifier
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(signerInfo.Version == 3 ? 3 : 1);
        writer.PushSetOf();
        writer.WriteEncodedValue(signerInfo.DigestAlgorithmIdentifier);
        writer.PopSetOf();
        return writer.Encode();
    }

    private static byte[] EncodeCertificates(X509Certificate2 certificate, X509Certificate2Collection chain, bool includeRoot)
    {
        // RFC 5652 §10.2.3: CertificateSet ::= SET OF CertificateChoices, sent as certificates
        // [0] IMPLICIT; DER sorts the SET OF (AsnWriter does on PopSetOf). The signer's
        // certificate always travels; a self-issued chain member (a root) only when asked.
        var seen = new List<byte[]> { certificate.RawData };
        foreach (X509Certificate2 member in chain)
        {
            bool selfIssued = member.SubjectName.RawData.AsSpan().SequenceEqual(member.IssuerName.RawData);
            byte[] raw = member.RawData;
            if ((selfIssued && !includeRoot) || seen.Exists(r => r.AsSpan().SequenceEqual(raw)))
            {
                continue;
            }

            seen.Add(raw);
        }

        Asn1Tag tag = new(TagClass.ContextSpecific, 0, isConstructed: true);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSetOf(tag);
        foreach (byte[] raw in seen)
        {
            writer.WriteEncodedValue(raw);
        }

        writer.PopSetOf(tag);
        return writer.Encode();
    }

    /// <summary>The content lengths of the nested definite encodings around an eContent of a given length.</summary>
    private readonly record struct DefiniteLayout(
        long OctetString,
        long EncapsulatedContentInfoContent,
        long SignedDataContent,
        long SignedData,
        long ContentInfoContent,
        long Total,
        int PrefixLength)
    {
        public static DefiniteLayout Create(SignedDataWriter writer, long contentLength)
        {
            long octetString = Der.HeaderLength(contentLength) + contentLength;
            long eContent = Der.HeaderLength(octetString) + octetString;
            long eciContent = DataOid.Length + eContent;
            long eci = Der.HeaderLength(eciContent) + eciContent;
            long signedDataContent = writer._versionAndDigestAlgorithms.Length + eci + writer._certificates.Length + writer._signerInfo.SignerInfosLength;
            long signedData = Der.HeaderLength(signedDataContent) + signedDataContent;
            long contentInfoContent = SignedDataOid.Length + Der.HeaderLength(signedData) + signedData;
            long total = Der.HeaderLength(contentInfoContent) + contentInfoContent;
            int prefix = Der.HeaderLength(contentInfoContent) + SignedDataOid.Length + Der.HeaderLength(signedData) + Der.HeaderLength(signedDataContent)
                + writer._versionAndDigestAlgorithms.Length + Der.HeaderLength(eciContent) + DataOid.Length + Der.HeaderLength(octetString) + Der.HeaderLength(contentLength);
            return new DefiniteLayout(octetString, eciContent, signedDataContent, signedData, contentInfoContent, total, prefix);
        }
    }
}
