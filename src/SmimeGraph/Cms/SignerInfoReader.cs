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
    public IReadOnlyList<string> UnsignedAttributeTypes => [.. UnsignedAttributes.Select(a => a.Type)];

    /// <summary>The unsignedAttrs: each attribute's type and its values as transmitted.</summary>
    public IReadOnlyList<(string Type, IReadOnlyList<ReadOnlyMemory<byte>> Values)> UnsignedAttributes { get; private init; } = [];

    /// <summary>The values of the countersignature attributes (RFC 5652 §11.4): each an encoded SignerInfo.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> CountersignatureValues =>
        UnsignedAttributes.Where(a => a.Type == Oids.AttributeCounterSignature).SelectMany(a => a.Values);

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
    public static SignerInfo Read(AsnReader reader, CmsReadBudget budget)
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
            // Each attribute counts once per value, and once when it has none.
            int valueCount = 0;
            while (set.HasData)
            {
                AsnReader attribute = set.ReadSequence();
                string type = attribute.ReadObjectIdentifier();
                AsnReader values = attribute.ReadSetOf(skipSortOrderValidation: true);
                var list = new List<ReadOnlyMemory<byte>>();
                while (values.HasData)
                {
                    budget.CheckAttributeCount(++valueCount);
                    list.Add(values.ReadEncodedValue());
                }

                budget.CheckAttributeCount(list.Count == 0 ? ++valueCount : valueCount);
                attribute.ThrowIfNotEmpty();
                attributes.Add((type, list));
            }
        }

        AlgorithmIdentifier signatureAlgorithm = AlgorithmIdentifierReader.Read(sequence);
        ReadOnlyMemory<byte> signature = sequence.ReadOctetString();
        var unsignedAttributesTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        var unsigned = new List<(string, IReadOnlyList<ReadOnlyMemory<byte>>)>();
        if (sequence.HasData && sequence.PeekTag() == unsignedAttributesTag)
        {
            AsnReader set = sequence.ReadSetOf(skipSortOrderValidation: true, unsignedAttributesTag);
            int valueCount = 0;
            while (set.HasData)
            {
                AsnReader attribute = set.ReadSequence();
                string type = attribute.ReadObjectIdentifier();
                var list = new List<ReadOnlyMemory<byte>>();
                if (attribute.HasData)
                {
                    AsnReader values = attribute.ReadSetOf(skipSortOrderValidation: true);
                    while (values.HasData)
                    {
                        budget.CheckAttributeCount(++valueCount);
                        list.Add(values.ReadEncodedValue());
                    }
                }

                budget.CheckAttributeCount(list.Count == 0 ? ++valueCount : valueCount);
                unsigned.Add((type, list));
            }
        }

        sequence.ThrowIfNotEmpty();
        return new SignerInfo(version, identifier, digestAlgorithm, signedAttributes, attributes, signatureAlgorithm, signature) { UnsignedAttributes = unsigned };
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
    /// most once, well formed; no attribute without values. A countersignature
    /// (<paramref name="eContentType"/> null) must carry no contentType at all (§11.4).
    /// Returns the problem, or null.
    /// </summary>
    public string? CheckSignedAttributes(string? eContentType, ReadOnlySpan<byte> contentDigest)
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

        if (eContentType is null)
        {
            if (contentTypes != 0)
            {
                return "a countersignature carries a contentType signed attribute (RFC 5652 §11.4)";
            }
        }
        else if (contentTypes != 1)
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

        if (eContentType is not null && contentType != eContentType)
        {
            return $"the contentType attribute ({contentType}) differs from the encapsulated content type ({eContentType})";
        }

        if (!CryptographicOperations.FixedTimeEquals(messageDigest.Span, contentDigest))
        {
            return "the message digest does not match the content (the content was altered)";
        }

        return null;
    }

    /// <summary>
    /// The signed attributes re-encoded as a DER SET OF (RFC 5652 §5.4); null when they cannot be.
    /// Each Attribute is written once into an array of its exact size, with its values in DER
    /// order, and the attributes are sorted by their encodings (X.690 §11.6): n log n comparisons
    /// and one copy, whatever the count.
    /// </summary>
    public byte[]? ReencodeSignedAttributes()
    {
        var encoded = new byte[AttributeList.Count][];
        var oids = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        int total = 0;
        for (int i = 0; i < AttributeList.Count; i++)
        {
            (string type, IReadOnlyList<ReadOnlyMemory<byte>> values) = AttributeList[i];
            foreach (ReadOnlyMemory<byte> value in values)
            {
                // The values are copied as transmitted, so each must already be a DER TLV.
                try
                {
                    AsnDecoder.ReadEncodedValue(value.Span, AsnEncodingRules.DER, out _, out _, out int consumed);
                    if (consumed != value.Length)
                    {
                        return null;
                    }
                }
                catch (AsnContentException)
                {
                    return null;
                }
            }

            if (!oids.TryGetValue(type, out byte[]? oid))
            {
                var oidWriter = new AsnWriter(AsnEncodingRules.DER);
                oidWriter.WriteObjectIdentifier(type);
                oids[type] = oid = oidWriter.Encode();
            }

            encoded[i] = EncodeAttribute(oid, values);
            total += encoded[i].Length;
        }

        Array.Sort(encoded, DerSetOfOrder.Instance);
        byte[] set = new byte[1 + DerLengthSize(total) + total];
        set[0] = 0x31;
        int offset = 1 + WriteDerLength(set.AsSpan(1), total);
        foreach (byte[] attribute in encoded)
        {
            attribute.CopyTo(set, offset);
            offset += attribute.Length;
        }

        return set;
    }

    // Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
    private static byte[] EncodeAttribute(byte[] oid, IReadOnlyList<ReadOnlyMemory<byte>> values)
    {
        ReadOnlyMemory<byte>[] sorted = [.. values];
        if (sorted.Length > 1)
        {
            Array.Sort(sorted, (a, b) => DerSetOfOrder.Compare(a.Span, b.Span));
        }

        int valuesLength = 0;
        foreach (ReadOnlyMemory<byte> value in sorted)
        {
            valuesLength += value.Length;
        }

        int setLength = 1 + DerLengthSize(valuesLength) + valuesLength;
        int contentLength = oid.Length + setLength;
        byte[] attribute = new byte[1 + DerLengthSize(contentLength) + contentLength];
        attribute[0] = 0x30;
        int offset = 1 + WriteDerLength(attribute.AsSpan(1), contentLength);
        oid.CopyTo(attribute, offset);
        offset += oid.Length;
        attribute[offset++] = 0x31;
        offset += WriteDerLength(attribute.AsSpan(offset), valuesLength);
        foreach (ReadOnlyMemory<byte> value in sorted)
        {
            value.Span.CopyTo(attribute.AsSpan(offset));
            offset += value.Length;
        }

        return attribute;
    }

    // X.690 §10.1: definite length, short form under 128, else the fewest octets.
    private static int DerLengthSize(int length) => length < 0x80 ? 1 : length <= 0xFF ? 2 : length <= 0xFFFF ? 3 : length <= 0xFFFFFF ? 4 : 5;

    private static int WriteDerLength(Span<byte> destination, int length)
    {
        int size = DerLengthSize(length);
        if (size == 1)
        {
            destination[0] = (byte)length;
            return 1;
        }

        destination[0] = (byte)(0x80 | (size - 1));
        for (int i = size - 1; i >= 1; i--)
        {
            destination[i] = (byte)length;
            length >>= 8;
        }

        return size;
    }

    // X.690 §11.6: SET OF components in ascending order of their encodings compared as octet
    // strings, the shorter one padded at its end with zero octets.
    private sealed class DerSetOfOrder : IComparer<byte[]>
    {
        public static readonly DerSetOfOrder Instance = new();

        public static int Compare(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
        {
            int common = Math.Min(x.Length, y.Length);
            int prefix = x[..common].SequenceCompareTo(y[..common]);
            if (prefix != 0)
            {
                return prefix;
            }

            // Equal up to the shorter length: the longer one is greater only if a non-zero octet follows.
            return x.Length > common ? (x[common..].IndexOfAnyExcept((byte)0) >= 0 ? 1 : 0)
                : y.Length > common ? (y[common..].IndexOfAnyExcept((byte)0) >= 0 ? -1 : 0)
                : 0;
        }

        int IComparer<byte[]>.Compare(byte[]? x, byte[]? y) => Compare(x, y);
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
