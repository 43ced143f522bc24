using System.Formats.Asn1;

namespace SmimeGraph.Cms;

/// <summary>Reads the outer ContentInfo (RFC 5652 §3).</summary>
internal static class ContentInfoReader
{
    // RFC 5652 §3:
    //   ContentInfo ::= SEQUENCE {
    //     contentType ContentType,
    //     content [0] EXPLICIT ANY DEFINED BY contentType }
    public static ReadOnlyMemory<byte> ReadContent(ReadOnlyMemory<byte> encoded, string expectedContentType)
    {
        var outer = new AsnReader(encoded, AsnEncodingRules.BER);
        AsnReader contentInfo = outer.ReadSequence();
        // Trailing bytes after the ContentInfo (padding some tools add) are ignored.
        string contentType = contentInfo.ReadObjectIdentifier();
        if (contentType != expectedContentType)
        {
            throw new CmsFormatException($"The ContentInfo carries {contentType}, not {expectedContentType}.");
        }

        AsnReader explicitContent = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        ReadOnlyMemory<byte> content = explicitContent.ReadEncodedValue();
        explicitContent.ThrowIfNotEmpty();
        contentInfo.ThrowIfNotEmpty();
        return content;
    }

    /// <summary>The contentType of a ContentInfo, or null when the bytes are not one.</summary>
    public static string? TryPeekContentType(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            var outer = new AsnReader(encoded, AsnEncodingRules.BER);
            AsnReader contentInfo = outer.ReadSequence();
            return contentInfo.ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
