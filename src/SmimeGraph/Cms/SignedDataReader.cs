using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Reads a ContentInfo carrying SignedData (RFC 5652 §5), BER or DER, and verifies each
/// SignerInfo over the encapsulated content or a detached content.
/// </summary>
internal sealed class SignedDataReader
{
    private readonly CmsReadBudget _budget;

    private SignedDataReader(
        CmsReadBudget budget,
        int version,
        IReadOnlyList<AlgorithmIdentifier> digestAlgorithms,
        string eContentType,
        ReadOnlyMemory<byte>? eContent,
        IReadOnlyList<X509Certificate2> certificates,
        IReadOnlyList<ReadOnlyMemory<byte>> crls,
        IReadOnlyList<SignerInfo> signerInfos)
    {
        _budget = budget;
        Version = version;
        DigestAlgorithms = digestAlgorithms;
        EncapsulatedContentType = eContentType;
        EncapsulatedContent = eContent;
        Certificates = certificates;
        Crls = crls;
        SignerInfos = signerInfos;
    }

    public int Version { get; }

    public IReadOnlyList<AlgorithmIdentifier> DigestAlgorithms { get; }

    /// <summary>eContentType (RFC 5652 §5.2).</summary>
    public string EncapsulatedContentType { get; }

    /// <summary>The eContent octets (constructed OCTET STRINGs joined); null when detached.</summary>
    public ReadOnlyMemory<byte>? EncapsulatedContent { get; }

    /// <summary>The certificates the SignedData carries (other certificate formats are skipped).</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>The encoded CertificateLists it carries.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Crls { get; }

    public IReadOnlyList<SignerInfo> SignerInfos { get; }

    /// <summary>True when the bytes start like a ContentInfo whose contentType is id-signedData.</summary>
    public static bool IsSignedData(ReadOnlyMemory<byte> encoded) => ContentInfoReader.TryPeekContentType(encoded) == Oids.ContentTypeSignedData;

    /// <summary>
    /// Decodes a ContentInfo(SignedData), counting its SignerInfos, attributes and certificates
    /// against <paramref name="budget"/> (the message's; a fresh default one when null). Throws
    /// <see cref="CmsFormatException"/> on anything malformed and
    /// <see cref="ReaderLimitExceededException"/> past a limit.
    /// </summary>
    public static SignedDataReader Decode(ReadOnlyMemory<byte> contentInfo, CmsReadBudget? budget = null)
    {
        try
        {
            ReadOnlyMemory<byte> content = ContentInfoReader.ReadContent(contentInfo, Oids.ContentTypeSignedData);
            return DecodeSignedData(content, budget ?? new CmsReadBudget());
        }
        catch (AsnContentException ex)
        {
            throw new CmsFormatException("The SignedData is malformed: " + ex.Message, ex);
        }
        catch (CryptographicException ex)
        {
            throw new CmsFormatException("The SignedData is malformed: " + ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            throw new CmsFormatException("The SignedData is malformed: " + ex.Message, ex);
        }
    }

    // RFC 5652 §5.1:
    //   SignedData ::= SEQUENCE {
    //     version CMSVersion,
    //     digestAlgorithms DigestAlgorithmIdentifiers,
    //     encapContentInfo EncapsulatedContentInfo,
    //     certificates [0] IMPLICIT CertificateSet OPTIONAL,
    //     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
    //     signerInfos SignerInfos }
    private static SignedDataReader DecodeSignedData(ReadOnlyMemory<byte> encoded, CmsReadBudget budget)
    {
        var outer = new AsnReader(encoded, AsnEncodingRules.BER);
        AsnReader signedData = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        int version = ReadSmallInteger(signedData);

        var digestAlgorithms = new List<AlgorithmIdentifier>();
        AsnReader digestSet = signedData.ReadSetOf(skipSortOrderValidation: true);
        while (digestSet.HasData)
        {
            digestAlgorithms.Add(AlgorithmIdentifierReader.Read(digestSet));
        }

        // RFC 5652 §5.2:
        //   EncapsulatedContentInfo ::= SEQUENCE {
        //     eContentType ContentType,
        //     eContent [0] EXPLICIT OCTET STRING OPTIONAL }
        AsnReader encap = signedData.ReadSequence();
        string eContentType = encap.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? eContent = null;
        if (encap.HasData)
        {
            AsnReader explicitContent = encap.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            Asn1Tag inner = explicitContent.PeekTag();
            if (inner.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            {
                eContent = explicitContent.ReadOctetString();
            }
            else
            {
                // PKCS #7 v1.5 (RFC 2315 §9.1) put non-data content here without the OCTET STRING
                // wrapper; the digest then covers the value's contents octets.
                ReadOnlyMemory<byte> value = explicitContent.ReadEncodedValue();
                eContent = ContentOctets(value);
            }

            explicitContent.ThrowIfNotEmpty();
        }

        encap.ThrowIfNotEmpty();

        var certificates = new List<X509Certificate2>();
        var certificatesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (signedData.HasData && signedData.PeekTag() == certificatesTag)
        {
            // RFC 5652 §10.2.3: CertificateChoices; only the plain Certificate (a SEQUENCE) is used.
            AsnReader set = signedData.ReadSetOf(skipSortOrderValidation: true, certificatesTag);
            while (set.HasData)
            {
                Asn1Tag tag = set.PeekTag();
                ReadOnlyMemory<byte> value = set.ReadEncodedValue();
                budget.CountCertificate();
                if (tag == Asn1Tag.Sequence)
                {
                    try
                    {
                        certificates.Add(DecodedCertificates.Shared.Load(value.Span));
                    }
                    catch (CryptographicException)
                    {
                        // An unreadable certificate cannot be a signer's; the signer lookup reports it missing.
                    }
                }
            }
        }

        var crls = new List<ReadOnlyMemory<byte>>();
        var crlsTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        if (signedData.HasData && signedData.PeekTag() == crlsTag)
        {
            AsnReader set = signedData.ReadSetOf(skipSortOrderValidation: true, crlsTag);
            while (set.HasData)
            {
                Asn1Tag tag = set.PeekTag();
                ReadOnlyMemory<byte> value = set.ReadEncodedValue();
                if (tag == Asn1Tag.Sequence)
                {
                    crls.Add(value);
                }
            }
        }

        var signerInfos = new List<SignerInfo>();
        AsnReader signerSet = signedData.ReadSetOf(skipSortOrderValidation: true);
        while (signerSet.HasData)
        {
            budget.CountSignerInfo();
            signerInfos.Add(SignerInfo.Read(signerSet, budget));
        }

        signedData.ThrowIfNotEmpty();
        return new SignedDataReader(budget, version, digestAlgorithms, eContentType, eContent, certificates, crls, signerInfos);
    }

    /// <summary>
    /// Verifies every SignerInfo. <paramref name="detachedContent"/> is the content for a
    /// detached signature; when it is supplied while the SignedData also carries eContent, every
    /// signer is invalid (the two could differ: which one was signed is ambiguous).
    /// </summary>
    public IReadOnlyList<SignerInfoVerification> VerifySignerInfos(ReadOnlyMemory<byte>? detachedContent, IEnumerable<X509Certificate2>? extraCertificates = null)
    {
        var candidates = new List<X509Certificate2>(Certificates);
        if (extraCertificates is not null)
        {
            candidates.AddRange(extraCertificates);
        }

        var verifications = new List<SignerInfoVerification>(SignerInfos.Count);
        foreach (SignerInfo signerInfo in SignerInfos)
        {
            string? contentProblem = null;
            ReadOnlyMemory<byte> content = default;
            if (detachedContent is not null)
            {
                if (EncapsulatedContent is not null)
                {
                    contentProblem = "the SignedData carries encapsulated content although a detached content was supplied (which of the two was signed is ambiguous)";
                }

                content = detachedContent.Value;
            }
            else if (EncapsulatedContent is not null)
            {
                content = EncapsulatedContent.Value;
            }
            else
            {
                contentProblem = "the signature is detached and no content was supplied";
            }

            ReadOnlyMemory<byte> signed = content;
            verifications.Add(VerifySigner(signerInfo, hash => AlgorithmIdentifierReader.Hash(hash, signed.Span), EncapsulatedContentType, contentProblem, candidates, depth: 0));
        }

        return verifications;
    }

    /// <summary>
    /// Verifies every SignerInfo over a content that was hashed as it streamed by:
    /// <paramref name="contentDigest"/> gives the content's digest under an algorithm, or null
    /// when the content was not hashed with it (that signer is then invalid). The SignedData must
    /// not carry encapsulated content of its own.
    /// </summary>
    public IReadOnlyList<SignerInfoVerification> VerifySignerInfosOverDigest(Func<HashAlgorithmName, byte[]?> contentDigest, IEnumerable<X509Certificate2>? extraCertificates = null)
    {
        ArgumentNullException.ThrowIfNull(contentDigest);
        var candidates = new List<X509Certificate2>(Certificates);
        if (extraCertificates is not null)
        {
            candidates.AddRange(extraCertificates);
        }

        var verifications = new List<SignerInfoVerification>(SignerInfos.Count);
        foreach (SignerInfo signerInfo in SignerInfos)
        {
            string? contentProblem = EncapsulatedContent is null ? null : "the SignedData carries encapsulated content although a detached content was supplied (which of the two was signed is ambiguous)";
            verifications.Add(VerifySigner(signerInfo, contentDigest, EncapsulatedContentType, contentProblem, candidates, depth: 0));
        }

        return verifications;
    }

    // Countersignatures of countersignatures are checked this deep; each one counts as a SignerInfo.
    private const int MaxCountersignatureDepth = 8;

    // eContentType null: a countersignature over a signature value (RFC 5652 §11.4).
    private SignerInfoVerification VerifySigner(SignerInfo signer, Func<HashAlgorithmName, byte[]?> contentDigest, string? eContentType, string? contentProblem, List<X509Certificate2> candidates, int depth)
    {
        string digestName = AlgorithmIdentifierReader.DigestName(signer.DigestAlgorithm.Oid);
        var weaknesses = new List<string>();
        if (AlgorithmIdentifierReader.IsWeakDigest(signer.DigestAlgorithm.Oid))
        {
            weaknesses.Add($"digest algorithm {digestName} is weak");
        }

        X509Certificate2? certificate = signer.FindCertificate(candidates);
        DateTimeOffset? signingTime = null;
        try
        {
            signingTime = signer.ReadSigningTime();
        }
        catch (CmsFormatException)
        {
            // Reported below by the attribute check.
        }

        return new SignerInfoVerification(
            signer.IdentifierText,
            signer.DigestAlgorithm.Oid,
            digestName,
            signer.SignatureAlgorithm.Oid,
            SignatureAlgorithmReader.Describe(signer.SignatureAlgorithm, signer.DigestAlgorithm),
            certificate,
            signingTime,
            weaknesses,
            contentProblem ?? Check(signer, contentDigest, eContentType, certificate))
        {
            Countersignatures = VerifyCountersignatures(signer, candidates, depth),
        };
    }

    // RFC 5652 §11.4: a countersignature is a SignerInfo over the contents octets of the
    // countersigned SignerInfo's signature field; its signed attributes carry a messageDigest and
    // no contentType. Each one read counts against the message's SignerInfos.
    private List<SignerInfoVerification> VerifyCountersignatures(SignerInfo signer, List<X509Certificate2> candidates, int depth)
    {
        var countersignatures = new List<SignerInfoVerification>();
        foreach (ReadOnlyMemory<byte> value in signer.CountersignatureValues)
        {
            _budget.CountSignerInfo();
            if (depth >= MaxCountersignatureDepth)
            {
                countersignatures.Add(Unreadable($"countersignatures nested more than {MaxCountersignatureDepth} deep are not checked"));
                continue;
            }

            SignerInfo countersigner;
            try
            {
                var reader = new AsnReader(value, AsnEncodingRules.BER);
                countersigner = SignerInfo.Read(reader, _budget);
                reader.ThrowIfNotEmpty();
            }
            catch (AsnContentException)
            {
                countersignatures.Add(Unreadable("the countersignature is malformed"));
                continue;
            }

            countersignatures.Add(VerifySigner(countersigner, hash => AlgorithmIdentifierReader.Hash(hash, signer.Signature.Span), eContentType: null, contentProblem: null, candidates, depth + 1));
        }

        return countersignatures;
    }

    private static SignerInfoVerification Unreadable(string failure) =>
        new(string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, null, null, [], failure);

    private string? Check(SignerInfo signer, Func<HashAlgorithmName, byte[]?> digestOf, string? eContentType, X509Certificate2? certificate)
    {
        if (!AlgorithmIdentifierReader.TryGetHashAlgorithm(signer.DigestAlgorithm.Oid, out HashAlgorithmName hash))
        {
            return $"the digest algorithm {signer.DigestAlgorithm.Oid} is not supported";
        }

        if (certificate is null)
        {
            return "the signer's certificate was not found";
        }

        if (digestOf(hash) is not { } contentDigest)
        {
            return $"the content was not hashed with {hash.Name}, the signer's digest algorithm (the message does not announce it before the content)";
        }

        byte[] signedBytesDigest;
        byte[]? alternativeDigest = null;
        if (signer.SignedAttributes is { } attributes)
        {
            string? attributeProblem = signer.CheckSignedAttributes(eContentType, contentDigest);
            if (attributeProblem is not null)
            {
                return attributeProblem;
            }

            // RFC 5652 §5.4: the signature covers the DER encoding of SignedAttributes with the
            // SET OF tag, not the [0] IMPLICIT tag it carries in SignerInfo.
            byte[]? der = signer.ReencodeSignedAttributes();
            byte[] asTransmitted = attributes.ToArray();
            asTransmitted[0] = 0x31;
            signedBytesDigest = AlgorithmIdentifierReader.Hash(hash, der ?? asTransmitted);
            if (der is not null && !der.AsSpan().SequenceEqual(asTransmitted))
            {
                // Some signers sign the attributes in the order they wrote them, not DER order.
                alternativeDigest = AlgorithmIdentifierReader.Hash(hash, asTransmitted);
            }
        }
        else
        {
            // RFC 5652 §5.3: without signed attributes the content type must be id-data (a
            // countersignature has no content type, §11.4).
            if (eContentType is not null && eContentType != Oids.ContentTypeData)
            {
                return "signed attributes are absent although the content type is not id-data";
            }

            signedBytesDigest = contentDigest;
        }

        try
        {
            int maxExponentBits = _budget.MaxRsaPublicExponentBits;
            string? signatureProblem = SignatureAlgorithmReader.Verify(certificate, signer.SignatureAlgorithm, signer.DigestAlgorithm, hash, signedBytesDigest, signer.Signature.Span, maxExponentBits);
            if (signatureProblem is not null && alternativeDigest is not null)
            {
                if (SignatureAlgorithmReader.Verify(certificate, signer.SignatureAlgorithm, signer.DigestAlgorithm, hash, alternativeDigest, signer.Signature.Span, maxExponentBits) is null)
                {
                    return null;
                }
            }

            return signatureProblem;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or NotSupportedException or PlatformNotSupportedException)
        {
            // A key or parameter set the platform cannot use (inherited DSA parameters, odd curves).
            return "the signature could not be checked: " + ex.Message;
        }
    }

    internal static int ReadSmallInteger(AsnReader reader)
    {
        if (!reader.TryReadInt32(out int value))
        {
            throw new AsnContentException("An INTEGER is out of range.");
        }

        return value;
    }

    private static ReadOnlyMemory<byte> ContentOctets(ReadOnlyMemory<byte> encodedValue)
    {
        AsnDecoder.ReadEncodedValue(encodedValue.Span, AsnEncodingRules.BER, out int contentOffset, out int contentLength, out _);
        return encodedValue.Slice(contentOffset, contentLength);
    }
}
