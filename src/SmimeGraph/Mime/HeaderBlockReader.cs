using System.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// Reads one entity's header block from a stream, line by line, and stops where the body starts:
/// after the empty line, or before the first line that is neither a field nor a continuation
/// (RFC 5322 §2.2, §3.5; the same rules as <see cref="MimeParser"/>, which then parses the block).
/// Only the header is held: the body stays in the stream.
/// </summary>
internal static class HeaderBlockReader
{
    /// <summary>The header of the entity at the start of <paramref name="source"/>.</summary>
    /// <param name="source">The entity; left positioned at the first byte of its body.</param>
    /// <param name="options">The header limits (field count and length).</param>
    /// <param name="defaultMediaType">The media type without a Content-Type field.</param>
    /// <param name="strayLineEndsHeader">True when a line that is not a field ended the header (no empty line).</param>
    /// <exception cref="MimeFormatException">A field is longer, or there are more fields, than the limits allow.</exception>
    public static MimeEntity Read(BufferedReadSource source, MimeParserOptions options, string defaultMediaType, out bool strayLineEndsHeader)
    {
        var header = new ArrayBufferWriter<byte>(256);
        strayLineEndsHeader = false;
        int fields = 0;
        long fieldLength = 0;
        bool inField = false;
        bool first = true;
        while (true)
        {
            ReadOnlySpan<byte> line = source.PeekLine(out bool complete);
            if (line.IsEmpty)
            {
                break;
            }

            if (complete && (line.SequenceEqual("\n"u8) || line.SequenceEqual("\r\n"u8)))
            {
                header.Write(line);
                source.Advance(line.Length);
                break;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                if (!inField)
                {
                    strayLineEndsHeader = true;
                    break;
                }

                fieldLength += line.Length;
            }
            else if (IsField(line))
            {
                if (++fields > options.MaxHeaderCount)
                {
                    throw new MimeFormatException($"An entity has more than {options.MaxHeaderCount} header fields.") { Offset = source.Consumed };
                }

                inField = true;
                fieldLength = line.Length;
            }
            else if (first && line.StartsWith("From "u8))
            {
                // An mbox "From " line before the first field is an envelope marker, not header.
                header.Write(line);
                SkipLine(source, line.Length, complete);
                first = false;
                continue;
            }
            else
            {
                strayLineEndsHeader = true;
                break;
            }

            if (!complete || fieldLength > options.MaxHeaderFieldLength)
            {
                throw new MimeFormatException($"A header field is longer than {options.MaxHeaderFieldLength} bytes.") { Offset = source.Consumed };
            }

            first = false;
            header.Write(line);
            source.Advance(line.Length);
        }

        return MimeParser.ParseHeaderBlock(header.WrittenMemory.ToArray(), defaultMediaType, options);
    }

    // RFC 5322 §3.6.8: field-name = 1*ftext, optional whitespace (obsolete syntax), then ':'.
    private static bool IsField(ReadOnlySpan<byte> line)
    {
        int i = 0;
        while (i < line.Length && line[i] > 32 && line[i] < 127 && line[i] != (byte)':')
        {
            i++;
        }

        if (i == 0)
        {
            return false;
        }

        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        return i < line.Length && line[i] == (byte)':';
    }

    private static void SkipLine(BufferedReadSource source, int length, bool complete)
    {
        source.Advance(length);
        while (!complete)
        {
            ReadOnlySpan<byte> rest = source.PeekLine(out complete);
            if (rest.IsEmpty)
            {
                return;
            }

            source.Advance(rest.Length);
        }
    }
}
