using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace SmimeGraph.Mime;

/// <summary>
/// Lays out a <see cref="PreparedMessage"/> for one pass: checks that its routing fields are
/// safe header lines and its body entity is canonical 7-bit text, adds Date and Message-ID when
/// missing, and fixes every length it can.
/// </summary>
internal sealed class PreparedMessageWriter : IMimeMessageSource
{
    // RFC 5322 §2.1.1: a line is at most 998 characters, excluding the CRLF.
    private const int MaxLineLength = 998;

    // The letters, digits, dots and hyphens of a host name (RFC 1123 §2.1).
    private static readonly SearchValues<char> DomainCharacters = SearchValues.Create("-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly byte[] _routingHeaders;
    private readonly IReadOnlyList<BodySegment> _segments;

    private PreparedMessageWriter(string messageId, byte[] routingHeaders, IReadOnlyList<BodySegment> segments)
    {
        MessageId = messageId;
        _routingHeaders = routingHeaders;
        _segments = segments;
        BodyEntityLength = BodySegment.TotalLength(segments);
    }

    public string MessageId { get; }

    public long RoutingHeadersLength => _routingHeaders.Length;

    public long? BodyEntityLength { get; }

    /// <exception cref="MimeFormatException">No From field, a Content-* or MIME-Version routing field, or a body entity that is not canonical 7-bit text.</exception>
    /// <exception cref="HeaderInjectionException">A routing field's name is not a field name, or its value has a line break that does not fold.</exception>
    public static PreparedMessageWriter Create(PreparedMessage message, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var output = new ArrayBufferWriter<byte>(1024);
        MimeHeaderField? from = null;
        string? messageId = null;
        bool hasDate = false;
        foreach (MimeHeaderField? field in message.Headers)
        {
            if (field is null)
            {
                throw new MimeFormatException("The routing header fields contain a null field.");
            }

            HeaderValueGuard.ThrowIfBadFieldName(field.Name);
            if (field.Name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || field.Name.Equals("MIME-Version", StringComparison.OrdinalIgnoreCase))
            {
                throw new MimeFormatException($"'{field.Name}' is not a routing field: Content-* fields belong to the body entity and MIME-Version is written by the library.");
            }

            string line = field.Name + ":" + field.RawValue;
            CheckFoldedLine(field.Name, line);

            // One limit for writing and reading: a field the parser would refuse is not written.
            if (line.Length + 2 > MimeParserOptions.DefaultMaxHeaderFieldLength)
            {
                throw new MimeFormatException($"The {field.Name} header field is {line.Length + 2:N0} bytes, over the {MimeParserOptions.DefaultMaxHeaderFieldLength:N0} bytes a reader accepts (MimeParserOptions.MaxHeaderFieldLength).");
            }
            if (field.Name.Equals("From", StringComparison.OrdinalIgnoreCase))
            {
                from ??= field;
            }
            else if (field.Name.Equals("Date", StringComparison.OrdinalIgnoreCase))
            {
                hasDate = true;
            }
            else if (field.Name.Equals("Message-ID", StringComparison.OrdinalIgnoreCase))
            {
                messageId ??= ReadMessageId(field);
            }

            HeaderWriter.WriteAscii(output, line + "\r\n");
        }

        if (from is null)
        {
            throw new MimeFormatException("The message has no From field (RFC 5322 §3.6.2 requires one).");
        }

        // The top-level header is these fields, the Date and Message-ID the writer may add,
        // MIME-Version and at most four content fields: no more than a reader accepts.
        int count = message.Headers.Count + 2 + 1 + 4;
        if (count > MimeParserOptions.DefaultMaxHeaderCount)
        {
            throw new MimeFormatException($"The message would have up to {count} header fields; a reader accepts {MimeParserOptions.DefaultMaxHeaderCount} (MimeParserOptions.MaxHeaderCount).");
        }

        if (!hasDate)
        {
            // RFC 5322 §3.6.1: the origination date is required.
            DateTimeOffset now = (timeProvider ?? TimeProvider.System).GetUtcNow();
            HeaderWriter.WriteAscii(output, "Date: " + MimeMessageWriter.FormatDate(new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), now.Offset)) + "\r\n");
        }

        if (messageId is null)
        {
            messageId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "@" + Domain(from);
            HeaderWriter.WriteMessageIds(output, "Message-ID", [messageId]);
        }

        HeaderWriter.WriteAscii(output, "MIME-Version: 1.0\r\n");
        return new PreparedMessageWriter(messageId, output.WrittenSpan.ToArray(), BuildBody(message));
    }

    public void WriteRoutingHeaders(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(_routingHeaders);
    }

    public Task WriteBodyEntityAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return BodySegment.WriteAllAsync(_segments, destination, cancellationToken);
    }

    private static List<BodySegment> BuildBody(PreparedMessage message)
    {
        var segments = new List<BodySegment>();
        var text = new StringBuilder();
        int column = 0;
        foreach ((string? piece, MimeAttachment? content) in message.BodyPieces)
        {
            if (piece is not null)
            {
                text.Append(piece);
                continue;
            }

            Cut(segments, text, ref column);
            if (column != 0)
            {
                throw new MimeFormatException($"The content '{content!.FileName}' does not start a line: the text before it must end with CRLF.");
            }

            segments.Add(new BodySegment(null, content));
        }

        Cut(segments, text, ref column);
        if (segments.Count == 0)
        {
            throw new MimeFormatException("The body entity is empty.");
        }

        return segments;
    }

    // Checks the text as canonical 7-bit (RFC 2045 §2.7: octets 1-127, CR and LF only as CRLF,
    // lines of at most 998 octets) and cuts it as one segment. A base64 content ends its lines.
    private static void Cut(List<BodySegment> segments, StringBuilder text, ref int column)
    {
        if (text.Length == 0)
        {
            return;
        }

        byte[] bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\0' or > (char)0x7F)
            {
                throw new MimeFormatException($"The body entity has a {(c == '\0' ? "NUL" : "non-ASCII")} character at {i}: it must be 7-bit text (RFC 2045 §2.7), anything else in a transfer encoding.") { Offset = i };
            }

            if (c == '\r')
            {
                if (i + 1 >= text.Length || text[i + 1] != '\n')
                {
                    throw new MimeFormatException($"The body entity has a CR without LF at {i}: line breaks must be CRLF (RFC 5322 §2.1).") { Offset = i };
                }
            }
            else if (c == '\n')
            {
                if (i == 0 || text[i - 1] != '\r')
                {
                    throw new MimeFormatException($"The body entity has an LF without CR at {i}: line breaks must be CRLF (RFC 5322 §2.1).") { Offset = i };
                }

                column = 0;
            }
            else if (++column > MaxLineLength)
            {
                throw new MimeFormatException($"The body entity has a line longer than {MaxLineLength} characters at {i} (RFC 5322 §2.1.1).") { Offset = i };
            }

            bytes[i] = (byte)c;
        }

        segments.Add(new BodySegment(bytes, null));
        text.Clear();
    }

    // RFC 5322 §2.2.3: a field is one line, or several when every line break is followed by
    // white space (a fold); each line is 7-bit and at most 998 characters.
    private static void CheckFoldedLine(string name, string line)
    {
        int column = 0;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\r' && i + 2 < line.Length && line[i + 1] == '\n' && line[i + 2] is ' ' or '\t')
            {
                column = 0;
                i++;
                continue;
            }

            if (c is '\r' or '\n' or '\0')
            {
                throw new HeaderInjectionException(name, $"The value of '{name}' contains {(c == '\r' ? "CR" : c == '\n' ? "LF" : "NUL")} at position {i - name.Length - 1} that does not fold the field; line breaks must be CRLF followed by white space.");
            }

            if (c > (char)0x7F)
            {
                throw new MimeFormatException($"The value of '{name}' has a non-ASCII character: header fields are 7-bit, anything else in RFC 2047 encoded-words.");
            }

            if (++column > MaxLineLength)
            {
                throw new MimeFormatException($"The field '{name}' has a line longer than {MaxLineLength} characters (RFC 5322 §2.1.1).");
            }
        }
    }

    // RFC 5322 §3.6.4: msg-id = "<" id-left "@" id-right ">"; the value without brackets.
    private static string ReadMessageId(MimeHeaderField field)
    {
        string value = field.Value;
        int open = value.IndexOf('<', StringComparison.Ordinal);
        int close = open < 0 ? -1 : value.IndexOf('>', open + 1);
        string id = open >= 0 && close > open ? value[(open + 1)..close] : value.Trim();
        return id.Length > 0 ? id : throw new MimeFormatException("The Message-ID field is empty.");
    }

    // The domain of the first From mailbox (RFC 5322 §3.6.4 suggests the id-right name the host).
    private static string Domain(MimeHeaderField from)
    {
        string address = MailboxAddress.ParseList(from.RawValue).FirstOrDefault()?.Address ?? string.Empty;
        int at = address.LastIndexOf('@');
        string domain = at >= 0 ? address[(at + 1)..] : string.Empty;
        return domain.Length > 0 && !domain.AsSpan().ContainsAnyExcept(DomainCharacters) ? domain : "localhost";
    }
}
