using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>One SignerInfo as read (RFC 5652 §5.3).</summary>
internal sealed class SignerInfo
{
    private SignerInfo(
        int version,
        SignerIdentifier identifier,
        AlgorithmIdentifier digestAlgorithm,
        ReadOnlyMemory<byte>? signedAttributes,
        IReadOnlyList<(string Type, IReadOnlyList<ReadOnlyMemory<byte>> Values)> attributeList,
        AlgorithmIdentifier signatureAlgorithm,
        ReadOnlyMemory<byte> signature)
    {
        Version = version;
        Identifier = identifier;
        DigestAlgorithm = digestAlgorithm;
        SignedAttributes = signedAttributes;
        AttributeList = attributeList;
        SignatureAlgorithm = signatureAlgorithm;
        Signature = signature;
    }

    public int Version { get; }

    public SignerIdentifier Identifier { get; }

    public AlgorithmIdentifier DigestAlgorithm { get; }

    /// <summary>The signedAttrs exactly as transmitted, [0] tag included; null when absent.</summary>
    public ReadOnlyMemory<byte>? SignedAttributes { get; }

    public IReadOnlyList<(string Type, IReadOnlyList<ReadOnlyMemory<byte>> Values)> AttributeList { get; }

    public AlgorithmIdentifier SignatureAlgorithm { get; }

    public ReadOnlyMemory<byte> Signature { get; }

    public string IdentifierText => Identifier.ToString();

    /// <summary>The attribute types of unsignedAttrs.</summary>
    public IReadOnlyList<string> UnsignedAttributeTypes { get; private init; } = [];

    // RFC 5652 §5.3:
    //   SignerInfo ::= SEQUENCE {
    //     version CMSVersion,
    //     sid SignerIdentifier,
    //     digestAlgorithm DigestAlgorithmIdentifier,
    //     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
    //     signatureAlgorithm SignatureAlgorithmIdentifier,
    //     signature SignatureValue,
    //     unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
    //   SignedAttributes ::= SET SIZE (1..MAX) OF Attribute
    //   Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
    public static SignerInfo Read(AsnReader reader)
    {
        AsnReader sequence = reader.ReadSequence();
        int version = SignedDataReader.ReadSmallInteger(sequence);
        SignerIdentifier identifier = SignerIdentifier.Read(sequence);
        AlgorithmIdentifier digestAlgorithm = AlgorithmIdentifierReader.Read(sequence);
        ReadOnlyMemory<byte>? signedAttributes = null;
        var attributes = new List<(string, IReadOnlyList<ReadOnlyMemory<byte>>)>();
        var signedAttributesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (sequence.PeekTag() == signedAttributesTag)
        {
            signedAttributes = sequence.PeekEncodedValue();
            AsnReader set = sequence.ReadSetOf(skipSortOrderValidation: true, signedAttributesTag);
            while (set.HasData)
            {
                AsnReader attribute = set.ReadSequence();
                string type = attribute.ReadObjectIdentifier();
                AsnReader values = attribute.ReadSetOf(skipSortOrderValidation: true);
                var list = new List<ReadOnlyMemory<byte>>();
                while (values.HasData)
                {
                    list.Add(values.ReadEncodedValue());
                }

                attribute.ThrowIfNotEmpty();
                attributes.Add((type, list));
            }
        }

        AlgorithmIdentifier signatureAlgorithm = AlgorithmIdentifierReader.Read(sequence);
        ReadOnlyMemory<byte> signature = sequence.ReadOctetString();
        var unsignedAttributesTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        var unsignedTypes = new List<string>();
        if (sequence.HasData && sequence.PeekTag() == unsignedAttributesTag)
        {
            AsnReader set = sequence.ReadSetOf(skipSortOrderValidation: true, unsignedAttributesTag);
            while (set.HasData)
            {
                AsnReader attribute = set.ReadSequence();
                unsignedTypes.Add(attribute.ReadObjectIdentifier());
            }
        }

        sequence.ThrowIfNotEmpty();
        return new SignerInfo(version, identifier, digestAlgorithm, signedAttributes, attributes, signatureAlgorithm, signature) { UnsignedAttributeTypes = unsignedTypes };
    }

    /// <summary>Finds the signer's certificate by issuerAndSerialNumber or subjectKeyIdentifier.</summary>
    public X509Certificate2? FindCertificate(IEnumerable<X509Certificate2> candidates) => Identifier.Find(candidates);

    /// <summary>The signingTime attribute; null when absent. Throws <see cref="CmsFormatException"/> when malformed.</summary>
    public DateTimeOffset? ReadSigningTime()
    {
        foreach ((string type, IReadOnlyList<ReadOnlyMemory<byte>> values) in AttributeList)
        {
            if (type == Oids.AttributeSigningTime)
            {
                if (values.Count != 1)
                {
                    throw new CmsFormatException("The signingTime attribute must have exactly one value.");
                }

                try
                {
                    var reader = new AsnReader(values[0], AsnEncodingRules.BER);
                    DateTimeOffset time = AlgorithmIdentifierReader.ReadTime(reader);
                    reader.ThrowIfNotEmpty();
                    return time;
                }
                catch (AsnContentException ex)
                {
                    throw new CmsFormatException("The signingTime attribute is malformed.", ex);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// RFC 5652 §5.3 and §11: signed attributes must carry exactly one contentType equal to
    /// eContentType and exactly one messageDigest equal to the content digest; signingTime at
    /// most once, well formed; no attribute without values. Returns the problem, or null.
    /// </summary>
    public string? CheckSignedAttributes(string eContentType, ReadOnlySpan<byte> contentDigest)
    {
        // RFC 5652 §11.1-§11.3: contentType, messageDigest and signingTime must be signed attributes.
        foreach (string unsigned in UnsignedAttributeTypes)
        {
            switch (unsigned)
            {
                case Oids.AttributeContentType:
                    return "a contentType attribute appears among the unsigned attributes";
                case Oids.AttributeMessageDigest:
                    return "a messageDigest attribute appears among the unsigned attributes";
                case Oids.AttributeSigningTime:
                    return "a signingTime attribute appears among the unsigned attributes";
            }
        }

        int contentTypes = 0, messageDigests = 0, signingTimes = 0;
        string? contentType = null;
        ReadOnlyMemory<byte> messageDigest = default;
        foreach ((string type, IReadOnlyList<ReadOnlyMemory<byte>> values) in AttributeList)
        {
            if (values.Count == 0)
            {
                return $"the signed attribute {type} has no value";
            }

            try
            {
                switch (type)
                {
                    case Oids.AttributeContentType:
                        contentTypes++;
                        if (values.Count != 1)
                        {
                            return "the contentType attribute must have exactly one value";
                        }

                        contentType = new AsnReader(values[0], AsnEncodingRules.BER).ReadObjectIdentifier();
                        break;
                    case Oids.AttributeMessageDigest:
                        messageDigests++;
                        if (values.Count != 1)
                        {
                            return "the messageDigest attribute must have exactly one value";
                        }

                        messageDigest = new AsnReader(values[0], AsnEncodingRules.BER).ReadOctetString();
                        break;
                    case Oids.AttributeSigningTime:
                        signingTimes++;
                        break;
                    case Oids.AttributeCounterSignature:
                        return "a countersignature must not be a signed attribute";
                }
            }
            catch (AsnContentException)
            {
                return $"the signed attribute {type} is malformed";
            }
        }

        if (contentTypes != 1)
        {
            return contentTypes == 0 ? "the contentType signed attribute is missing" : "the contentType signed attribute appears more than once";
        }

        if (messageDigests != 1)
        {
            return messageDigests == 0 ? "the messageDigest signed attribute is missing" : "the messageDigest signed attribute appears more than once";
        }

        if (signingTimes > 1)
        {
            return "the signingTime signed attribute appears more than once";
        }

        try
        {
            ReadSigningTime();
        }
        catch (CmsFormatException ex)
        {
            return ex.Message;
        }

        if (contentType != eContentType)
        {
            return $"the contentType attribute ({contentType}) differs from the encapsulated content type ({eContentType})";
        }

        if (!CryptographicOperations.FixedTimeEquals(messageDigest.Span, contentDigest))
        {
            return "the message digest does not match the content (the content was altered)";
        }

        return null;
    }

    /// <summary>The signed attributes re-encoded as a DER SET OF (RFC 5652 §5.4); null when they cannot be.</summary>
    public byte[]? ReencodeSignedAttributes()
    {
        try
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.PushSetOf();
            foreach ((string type, IReadOnlyList<ReadOnlyMemory<byte>> values) in AttributeList)
            {
                writer.PushSequence();
                writer.WriteObjectIdentifier(type);
                writer.PushSetOf();
                foreach (ReadOnlyMemory<byte> value in values)
                {
                    writer.WriteEncodedValue(value.Span);
                }

                writer.PopSetOf();
                writer.PopSequence();
            }

            writer.PopSetOf();
            return writer.Encode();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or AsnContentException or CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>SignerIdentifier / RecipientIdentifier (RFC 5652 §5.3, §6.2.1): issuer and serial number, or subject key identifier.</summary>
internal sealed class SignerIdentifier
{
    private SignerIdentifier(ReadOnlyMemory<byte>? issuer, ReadOnlyMemory<byte>? serialNumber, ReadOnlyMemory<byte>? subjectKeyIdentifier)
    {
        Issuer = issuer;
        SerialNumber = serialNumber;
        SubjectKeyIdentifier = subjectKeyIdentifier;
    }

    public ReadOnlyMemory<byte>? Issuer { get; }

    public ReadOnlyMemory<byte>? SerialNumber { get; }

    public ReadOnlyMemory<byte>? SubjectKeyIdentifier { get; }

    //   SignerIdentifier ::= CHOICE {
    //     issuerAndSerialNumber IssuerAndSerialNumber,
    //     subjectKeyIdentifier [0] SubjectKeyIdentifier }
    //   IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }
    public static SignerIdentifier Read(AsnReader reader, Asn1Tag? subjectKeyIdentifierTag = null)
    {
        Asn1Tag skiTag = subjectKeyIdentifierTag ?? new Asn1Tag(TagClass.ContextSpecific, 0);
        Asn1Tag tag = reader.PeekTag();
        if (tag.HasSameClassAndValue(skiTag))
        {
            return new SignerIdentifier(null, null, reader.ReadOctetString(skiTag));
        }

        AsnReader sequence = reader.ReadSequence();
        ReadOnlyMemory<byte> issuer = sequence.ReadEncodedValue();
        ReadOnlyMemory<byte> serial = sequence.ReadIntegerBytes();
        sequence.ThrowIfNotEmpty();
        return new SignerIdentifier(issuer, serial, null);
    }

    public static SignerIdentifier FromSubjectKeyIdentifier(ReadOnlyMemory<byte> ski) => new(null, null, ski);

    public bool Matches(X509Certificate2 certificate)
    {
        try
        {
            return MatchesCore(certificate);
        }
        catch (CryptographicException)
        {
            // A certificate whose key or extensions cannot be decoded identifies no one.
            return false;
        }
    }

    private bool MatchesCore(X509Certificate2 certificate)
    {
        if (SubjectKeyIdentifier is { } ski)
        {
            if (CertificateExtensionReader.SubjectKeyIdentifier(certificate) is byte[] identifier)
            {
                return identifier.AsSpan().SequenceEqual(ski.Span);
            }

            // Without the extension: RFC 5280 §4.2.1.2 method (1), SHA-1 of the subjectPublicKey
            // bits, or SHA-1 of the whole SubjectPublicKeyInfo as Windows (CAPI) computes it.
            return SHA1.HashData(certificate.PublicKey.EncodedKeyValue.RawData).AsSpan().SequenceEqual(ski.Span)
                || SHA1.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()).AsSpan().SequenceEqual(ski.Span);
        }

        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(Issuer!.Value.Span))
        {
            // Names that differ only in encoding (string types, case) still compare equal here.
            try
            {
                var issuer = new X500DistinguishedName(Issuer.Value.Span);
                if (!string.Equals(issuer.Name, certificate.IssuerName.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
            catch (CryptographicException)
            {
                return false;
            }
        }

        var mine = new BigInteger(SerialNumber!.Value.Span, isUnsigned: false, isBigEndian: true);
        var theirs = new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true);
        return mine == theirs;
    }

    public X509Certificate2? Find(IEnumerable<X509Certificate2> candidates)
    {
        foreach (X509Certificate2 candidate in candidates)
        {
            if (Matches(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public override string ToString()
    {
        if (SubjectKeyIdentifier is { } ski)
        {
            return "subjectKeyIdentifier " + Convert.ToHexString(ski.Span);
        }

        string issuer;
        try
        {
            issuer = new X500DistinguishedName(Issuer!.Value.Span).Name;
        }
        catch (CryptographicException)
        {
            issuer = "(unreadable issuer)";
        }

        return $"issuer {issuer}, serial {Convert.ToHexString(SerialNumber!.Value.Span)}";
    }
}
