using System.Formats.Asn1;
using System.Security.Cryptography;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

public static partial class SmimeInspector
{
    // RFC 2046 §3 and the IANA media type registry: the top-level types a sender writes.
    private static readonly HashSet<string> TopLevelMediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "text", "image", "audio", "video", "application", "multipart", "message", "model", "font", "haptics",
    };

    /// <summary>
    /// Why a decrypted entity is not one a sender encrypts, or null when it is well formed.
    /// RFC 8551 §3.1: what is encrypted is a MIME entity, and every agent writes its
    /// Content-Type. AES-CBC is malleable: one flipped IV bit changes one bit of the first
    /// plaintext block, where that header is, and an altered ciphertext block garbles the block
    /// before the change. Checked: header fields present and separated from the body by an
    /// empty line (no stray line), a Content-Type field, and a registered top-level type.
    /// </summary>
    internal static string? DecryptedEntityDefect(MimeEntity entity)
    {
        ReadOnlySpan<byte> raw = entity.RawEntity.Span;
        int headerLength = raw.Length - entity.RawBody.Length;
        bool strayLine = entity.RawBody.Length > 0 && !raw[..headerLength].EndsWith("\n\r\n"u8) && !raw[..headerLength].EndsWith("\n\n"u8);
        return DecryptedEntityDefect(entity, strayLine);
    }

    /// <summary>
    /// <see cref="DecryptedEntityDefect(MimeEntity)"/> for an entity whose body was not kept:
    /// <paramref name="strayLineEndsHeader"/> says that a line that is not a field ended its header.
    /// </summary>
    internal static string? DecryptedEntityDefect(MimeEntity entity, bool strayLineEndsHeader)
    {
        if (entity.Headers.Count == 0)
        {
            return "it has no header fields";
        }

        if (strayLineEndsHeader)
        {
            return "a header line is neither a field nor a continuation";
        }

        if (entity.GetHeader("Content-Type") is not { } contentType)
        {
            return "it has no Content-Type field";
        }

        string declared = ParameterizedHeaderValue.Parse(MimeHeaderField.Unfold(contentType)).Value;
        if (!string.Equals(declared, entity.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return $"its Content-Type '{contentType.Trim()}' is not a media type";
        }

        string topLevel = declared[..declared.IndexOf('/', StringComparison.Ordinal)];
        if (!TopLevelMediaTypes.Contains(topLevel) && !topLevel.StartsWith("x-", StringComparison.OrdinalIgnoreCase))
        {
            return $"its media type '{declared}' has no registered top-level type";
        }

        return null;
    }

    /// <summary>
    /// The exceptions .NET raises while decoding attacker-supplied certificates and structures
    /// (an overlong OID in an extension, a malformed name or key): turned into problems, never
    /// thrown out of the inspector.
    /// </summary>
    internal static bool IsDecodingFailure(Exception exception) =>
        exception is CryptographicException or AsnContentException or FormatException or OverflowException
            or ArgumentException or NotSupportedException or InvalidOperationException;
}
