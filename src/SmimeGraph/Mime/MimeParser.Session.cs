using System.Text;
using System.Text.Unicode;

namespace SmimeGraph.Mime;

public static partial class MimeParser
{
    /// <summary>The longest boundary accepted: RFC 2046 §5.1.1 allows 70 characters; mailers exceed it a little.</summary>
    internal const int MaxBoundaryLength = 200;

    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    /// <summary>One parse: the input, the limits, and the count of entities made so far.</summary>
    private sealed class Session(ReadOnlyMemory<byte> message, MimeParserOptions options)
    {
        private int _entityCount;

        public MimeEntity ParseMessage() => ParseEntity(0, message.Length, 0, "text/plain");

        public MimeEntity ParseHeaderOnly(string defaultMediaType)
        {
            List<MimeHeaderField> headers = ReadHeader(0, message.Length, out _);
            return new MimeEntity(headers, defaultMediaType, message, ReadOnlyMemory<byte>.Empty, message.Length);
        }

        /// <summary>Parses the entity occupying [start, end): its header, then its body.</summary>
        private MimeEntity ParseEntity(int start, int end, int depth, string defaultMediaType)
        {
            if (++_entityCount > options.MaxPartCount)
            {
                throw new MimeFormatException($"The message has more than {options.MaxPartCount} entities.") { Offset = start };
            }

            List<MimeHeaderField> headers = ReadHeader(start, end, out int bodyStart);
            var entity = new MimeEntity(
                headers,
                defaultMediaType,
                message[start..end],
                message[bodyStart..end],
                bodyStart);

            if (entity.IsMultipart)
            {
                entity.Children = ParseMultipart(entity, bodyStart, end, depth + 1);
            }
            else if (entity.MediaType is "message/rfc822" or "message/global" && IsIdentityEncoding(entity.ContentTransferEncoding))
            {
                // RFC 2046 §5.2.1: the body of message/rfc822 is a complete message.
                EnsureDepth(depth + 1, bodyStart);
                entity.Children = [ParseEntity(bodyStart, end, depth + 1, "text/plain")];
            }

            return entity;
        }

        private void EnsureDepth(int depth, int offset)
        {
            if (depth > options.MaxDepth)
            {
                throw new MimeFormatException($"Entities are nested more than {options.MaxDepth} levels deep.") { Offset = offset };
            }
        }

        private static bool IsIdentityEncoding(string encoding) => encoding is "7bit" or "8bit" or "binary";

        /// <summary>
        /// RFC 5322 §2.2 and §3.5: header fields up to the first empty line. A line starting with
        /// whitespace continues the previous field (§2.2.3 folding). A line that is neither a
        /// field nor a continuation ends the header without being consumed: it is the first body
        /// line of a message that lacks the blank separator line.
        /// </summary>
        private List<MimeHeaderField> ReadHeader(int start, int end, out int bodyStart)
        {
            ReadOnlySpan<byte> data = message.Span;
            var fields = new List<MimeHeaderField>();
            int fieldStart = -1;
            int colon = -1;
            int fieldEnd = -1;
            int position = start;
            bodyStart = end;

            while (position < end)
            {
                int lineEnd = FindLineEnd(data, position, end, out int next);
                if (lineEnd == position)
                {
                    bodyStart = next;
                    break;
                }

                byte first = data[position];
                if (first is (byte)' ' or (byte)'\t')
                {
                    if (fieldStart < 0)
                    {
                        bodyStart = position;
                        break;
                    }

                    fieldEnd = lineEnd;
                    EnsureFieldLength(fieldStart, next);
                    position = next;
                    continue;
                }

                int nameEnd = FindFieldName(data, position, lineEnd, out int colonAt);
                if (nameEnd < 0)
                {
                    // An mbox "From " line before the first field is an envelope marker, not header.
                    if (position == start && fields.Count == 0 && fieldStart < 0 && data[position..lineEnd].StartsWith("From "u8))
                    {
                        position = next;
                        continue;
                    }

                    bodyStart = position;
                    break;
                }

                if (fieldStart >= 0)
                {
                    fields.Add(MakeField(data, fieldStart, colon, fieldEnd));
                }

                if (fields.Count >= options.MaxHeaderCount)
                {
                    throw new MimeFormatException($"An entity has more than {options.MaxHeaderCount} header fields.") { Offset = position };
                }

                fieldStart = position;
                colon = colonAt;
                fieldEnd = lineEnd;
                EnsureFieldLength(fieldStart, next);
                position = next;
            }

            if (fieldStart >= 0)
            {
                fields.Add(MakeField(data, fieldStart, colon, fieldEnd));
            }

            return fields;
        }

        private void EnsureFieldLength(int fieldStart, int fieldEndWithLineBreak)
        {
            if (fieldEndWithLineBreak - fieldStart > options.MaxHeaderFieldLength)
            {
                throw new MimeFormatException($"A header field is longer than {options.MaxHeaderFieldLength} bytes.") { Offset = fieldStart };
            }
        }

        /// <summary>
        /// RFC 5322 §3.6.8: field-name = 1*ftext (printable ASCII but ':'), then ':'; whitespace
        /// before the colon is tolerated (§4.5 obsolete syntax). Returns the name's end, or -1.
        /// </summary>
        private static int FindFieldName(ReadOnlySpan<byte> data, int position, int lineEnd, out int colon)
        {
            colon = -1;
            int i = position;
            while (i < lineEnd && data[i] > 32 && data[i] < 127 && data[i] != (byte)':')
            {
                i++;
            }

            int nameEnd = i;
            while (i < lineEnd && data[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            if (nameEnd == position || i >= lineEnd || data[i] != (byte)':')
            {
                return -1;
            }

            colon = i;
            return nameEnd;
        }

        private static MimeHeaderField MakeField(ReadOnlySpan<byte> data, int fieldStart, int colon, int fieldEnd)
        {
            int nameEnd = colon;
            while (nameEnd > fieldStart && data[nameEnd - 1] is (byte)' ' or (byte)'\t')
            {
                nameEnd--;
            }

            string name = Encoding.ASCII.GetString(data[fieldStart..nameEnd]);
            return new MimeHeaderField(name, DecodeHeaderBytes(data[(colon + 1)..fieldEnd]));
        }

        /// <summary>RFC 6532 allows UTF-8 in header fields; anything else is read byte for byte as ISO-8859-1.</summary>
        private static string DecodeHeaderBytes(ReadOnlySpan<byte> value) =>
            Utf8.IsValid(value) ? Encoding.UTF8.GetString(value) : Encoding.Latin1.GetString(value);

        /// <summary>
        /// RFC 2046 §5.1.1: the body is split at delimiter lines, "--" boundary followed only by
        /// optional whitespace; a close-delimiter adds "--". The line break before a delimiter
        /// belongs to it, so a part ends before that line break. Text before the first delimiter
        /// (preamble) and after the close-delimiter (epilogue) is ignored. Without a
        /// close-delimiter the last part runs to <paramref name="end"/>.
        /// </summary>
        private List<MimeEntity> ParseMultipart(MimeEntity entity, int bodyStart, int end, int depth)
        {
            string? boundary = entity.GetContentTypeParameter("boundary");
            if (string.IsNullOrEmpty(boundary) || boundary.Length > MaxBoundaryLength || !Ascii.IsValid(boundary))
            {
                throw new MimeFormatException($"The {entity.MediaType} entity has no usable boundary parameter (1 to {MaxBoundaryLength} ASCII characters).") { Offset = bodyStart };
            }

            byte[] dashBoundary = Encoding.ASCII.GetBytes("--" + boundary);
            string childDefault = entity.MediaType == "multipart/digest" ? "message/rfc822" : "text/plain";
            ReadOnlySpan<byte> data = message.Span;
            var parts = new List<MimeEntity>();
            int partStart = -1;
            int position = bodyStart;

            while (position < end)
            {
                int lineEnd = FindLineEnd(data, position, end, out int next);
                bool isClose = false;
                if (IsDelimiterLine(data[position..lineEnd], dashBoundary, ref isClose))
                {
                    if (partStart >= 0)
                    {
                        parts.Add(ParsePart(partStart, PartEnd(data, partStart, position), depth, childDefault));
                    }

                    if (isClose)
                    {
                        return parts;
                    }

                    partStart = next;
                }

                position = next;
            }

            if (partStart >= 0)
            {
                // No close-delimiter: tolerated. The last part ends where the enclosing body ends;
                // at the end of the input its final line break is dropped as if it introduced the
                // missing delimiter (what Python's email package does too).
                int partEnd = end == data.Length ? PartEnd(data, partStart, end) : end;
                parts.Add(ParsePart(partStart, partEnd, depth, childDefault));
            }

            return parts;
        }

        private MimeEntity ParsePart(int start, int end, int depth, string defaultMediaType)
        {
            EnsureDepth(depth, start);
            return ParseEntity(start, end, depth, defaultMediaType);
        }

        /// <summary>The end of a part: before the CRLF (or LF) that starts the delimiter line at <paramref name="delimiter"/>.</summary>
        private static int PartEnd(ReadOnlySpan<byte> data, int partStart, int delimiter)
        {
            int partEnd = delimiter;
            if (partEnd > partStart && data[partEnd - 1] == LF)
            {
                partEnd--;
                if (partEnd > partStart && data[partEnd - 1] == CR)
                {
                    partEnd--;
                }
            }

            return partEnd;
        }

        private static bool IsDelimiterLine(ReadOnlySpan<byte> line, ReadOnlySpan<byte> dashBoundary, ref bool isClose)
        {
            if (!line.StartsWith(dashBoundary))
            {
                return false;
            }

            ReadOnlySpan<byte> rest = line[dashBoundary.Length..];
            if (rest.StartsWith("--"u8))
            {
                isClose = true;
                return true;
            }

            // RFC 2046 §5.1.1: transport-padding (LWSP) may follow the boundary.
            return rest.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;
        }

        /// <summary>
        /// Finds the end of the line at <paramref name="position"/> (the index of its CRLF or
        /// bare LF, or <paramref name="end"/>) and the start of the next line.
        /// </summary>
        private static int FindLineEnd(ReadOnlySpan<byte> data, int position, int end, out int next)
        {
            int lf = data[position..end].IndexOf(LF);
            if (lf < 0)
            {
                next = end;
                return end;
            }

            lf += position;
            next = lf + 1;
            return lf > position && data[lf - 1] == CR ? lf - 1 : lf;
        }
    }
}
