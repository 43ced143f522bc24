using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// Writes a <see cref="MessageSpec"/> as an RFC 5322 / MIME message in canonical 7-bit form:
/// CRLF line endings, header lines folded at 78 characters, encoded body lines of at most 76,
/// no trailing whitespace. Everything but the attachment contents is fixed when the writer is
/// created (Date, Message-ID, boundaries, body encodings), so the lengths it predicts are the
/// lengths it writes. Attachments are read once, in pooled chunks, while the body is written.
/// </summary>
internal sealed class MimeMessageWriter : IMimeMessageSource
{
    // Content-Type, Content-Transfer-Encoding, Content-Disposition and Content-ID.
    private const int MaxContentFields = 4;

    private static readonly HashSet<string> ReservedFieldNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID",
        "In-Reply-To", "References", "Importance", "MIME-Version",
    };

    private readonly byte[] _routingHeaders;
    private readonly IReadOnlyList<BodySegment> _segments;

    private MimeMessageWriter(string messageId, DateTimeOffset date, byte[] routingHeaders, IReadOnlyList<BodySegment> segments)
    {
        MessageId = messageId;
        Date = date;
        _routingHeaders = routingHeaders;
        _segments = segments;
        BodyEntityLength = BodySegment.TotalLength(segments);
    }

    /// <summary>The Message-ID written, without angle brackets.</summary>
    public string MessageId { get; }

    /// <summary>The Date written (whole seconds).</summary>
    public DateTimeOffset Date { get; }

    /// <summary>The exact number of bytes <see cref="WriteRoutingHeaders"/> writes.</summary>
    public long RoutingHeadersLength => _routingHeaders.Length;

    /// <summary>The exact number of bytes <see cref="WriteBodyEntityAsync"/> writes; null when an attachment's length is unknown.</summary>
    public long? BodyEntityLength { get; }

    /// <summary>The exact length of the whole message (<see cref="RoutingHeadersLength"/> + <see cref="BodyEntityLength"/>); null when an attachment's length is unknown.</summary>
    public long? MessageLength => RoutingHeadersLength + BodyEntityLength;

    /// <summary>
    /// Validates <paramref name="spec"/> and fixes everything that will be written except the
    /// attachment contents. No attachment stream is opened.
    /// </summary>
    /// <param name="spec">The message.</param>
    /// <param name="timeProvider">The clock for the Date field when the spec has none; the system clock by default.</param>
    /// <exception cref="MimeFormatException">The spec is incomplete or inconsistent (no From, an invalid Message-ID, inline resources without an HTML body, a reserved custom header name).</exception>
    /// <exception cref="HeaderInjectionException">A header value, address, display name, file name or header name contains CR, LF or NUL.</exception>
    public static MimeMessageWriter Create(MessageSpec spec, TimeProvider? timeProvider = null) => Create(spec, timeProvider, headerProtection: null);

    /// <summary>
    /// As <see cref="Create(MessageSpec, TimeProvider?)"/>, with RFC 9788 header protection when
    /// <paramref name="headerProtection"/> is <c>"clear"</c> (the body entity will be signed) or
    /// <c>"cipher"</c> (it will be encrypted): the body entity, the Cryptographic Payload, starts
    /// with a copy of the protected header fields and its Content-Type carries the <c>hp</c>
    /// parameter (§2.1). With <c>"cipher"</c> the outer header follows the hcp_baseline policy
    /// (§3.2.1: Subject becomes <c>[...]</c>) and the payload records each outer field in an
    /// <c>HP-Outer</c> field (§2.2). Bcc is neither protected nor recorded: every recipient reads
    /// the payload, and Bcc recipients must stay hidden from the others (§10.2).
    /// <paramref name="extraAttachment"/>, when given, follows the spec's attachments (for sizing:
    /// the message with one more attachment).
    /// </summary>
    internal static MimeMessageWriter Create(MessageSpec spec, TimeProvider? timeProvider, string? headerProtection, MimeAttachment? extraAttachment = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        MailboxAddress from = spec.From ?? throw new MimeFormatException("The message has no From address (RFC 5322 §3.6.2 requires one).");

        DateTimeOffset date = spec.Date ?? (timeProvider ?? TimeProvider.System).GetUtcNow();
        date = new DateTimeOffset(date.Ticks - (date.Ticks % TimeSpan.TicksPerSecond), date.Offset);

        string messageId = spec.MessageId is null ? NewMessageId(from) : CheckMessageId("Message-ID", spec.MessageId);
        if (spec.InReplyTo is not null)
        {
            CheckMessageId("In-Reply-To", spec.InReplyTo);
        }

        foreach (string reference in spec.References)
        {
            CheckMessageId("References", reference);
        }

        List<(string Name, byte[] Line)> fields = BuildRoutingHeaders(spec, from, date, messageId);
        var builder = new SegmentBuilder();
        if (headerProtection is not null)
        {
            List<(string Name, byte[] Line)> outer = headerProtection == "cipher" ? [.. fields.Select(ApplyBaselinePolicy)] : fields;
            foreach ((string name, byte[] line) in fields.Where(f => !IsBcc(f.Name)))
            {
                builder.Bytes(line);
            }

            // The payload's header is the protected copies, the HP-Outer records and its content
            // fields: it too must stay within what a reader accepts.
            int protectedCount = fields.Count(f => !IsBcc(f.Name)) * (headerProtection == "cipher" ? 2 : 1) + MaxContentFields;
            if (protectedCount > MimeParserOptions.DefaultMaxHeaderCount)
            {
                throw new MimeFormatException($"With header protection the protected entity would have {protectedCount} header fields; a reader accepts {MimeParserOptions.DefaultMaxHeaderCount} (MimeParserOptions.MaxHeaderCount).");
            }

            if (headerProtection == "cipher")
            {
                foreach ((string _, byte[] line) in outer.Where(f => !IsBcc(f.Name)))
                {
                    HeaderWriter.WriteOuterRecord(builder.Text, Encoding.ASCII.GetString(line));
                }
            }

            fields = outer;
        }

        new BodyLayout(spec, headerProtection, extraAttachment).WriteBodyEntity(builder);
        return new MimeMessageWriter(messageId, date, JoinRoutingHeaders(fields), builder.Complete());
    }

    // The routing header lines end to end, then MIME-Version, copied span by span.
    private static byte[] JoinRoutingHeaders(List<(string Name, byte[] Line)> fields)
    {
        ReadOnlySpan<byte> version = "MIME-Version: 1.0\r\n"u8;
        int length = version.Length;
        foreach ((string _, byte[] line) in fields)
        {
            length += line.Length;
        }

        byte[] routing = new byte[length];
        int at = 0;
        foreach ((string _, byte[] line) in fields)
        {
            line.CopyTo(routing, at);
            at += line.Length;
        }

        version.CopyTo(routing.AsSpan(at));
        return routing;
    }

    private static bool IsBcc(string name) => string.Equals(name, "Bcc", StringComparison.OrdinalIgnoreCase);

    // RFC 9788 §3.2.1 hcp_baseline: the Subject is obscured as "[...]", every other field is kept.
    private static (string Name, byte[] Line) ApplyBaselinePolicy((string Name, byte[] Line) field)
    {
        if (!string.Equals(field.Name, "Subject", StringComparison.OrdinalIgnoreCase))
        {
            return field;
        }

        var line = new ArrayBufferWriter<byte>(16);
        HeaderWriter.WriteField(line, "Subject", "[...]");
        return (field.Name, line.WrittenSpan.ToArray());
    }

    /// <summary>
    /// Writes From, Sender, To, Cc, Bcc, Reply-To, Subject, Date, Message-ID, In-Reply-To,
    /// References, Importance, the custom fields and <c>MIME-Version: 1.0</c>, each line ended
    /// by CRLF, without the blank line that ends the header.
    /// </summary>
    public void WriteRoutingHeaders(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(_routingHeaders);
    }

    /// <summary>
    /// Writes the content entity: its Content-* fields, a blank line and the body (a single
    /// part or a multipart tree), in canonical 7-bit form. These are the bytes that are signed.
    /// </summary>
    /// <exception cref="MimeFormatException">An attachment's content differs from its declared length, or an attached message is not 7-bit CRLF text.</exception>
    public async Task WriteBodyEntityAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await BodySegment.WriteAllAsync(_segments, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the whole message: <see cref="WriteRoutingHeaders"/> then <see cref="WriteBodyEntityAsync"/>.</summary>
    public async Task WriteMessageAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await destination.WriteAsync(_routingHeaders, cancellationToken).ConfigureAwait(false);
        await WriteBodyEntityAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    // Each field as its own folded line(s), in the order written; MIME-Version is added last by the caller.
    private static List<(string Name, byte[] Line)> BuildRoutingHeaders(MessageSpec spec, MailboxAddress from, DateTimeOffset date, string messageId)
    {
        var fields = new List<(string Name, byte[] Line)>();
        void Add(string name, Action<ArrayBufferWriter<byte>> write)
        {
            var line = new ArrayBufferWriter<byte>(128);
            write(line);
            fields.Add((name, line.WrittenSpan.ToArray()));
        }

        Add("From", o => HeaderWriter.WriteAddressList(o, "From", [from]));
        if (spec.Sender is not null)
        {
            Add("Sender", o => HeaderWriter.WriteAddressList(o, "Sender", [spec.Sender]));
        }

        AddAddressListIfAny(fields, "To", spec.To);
        AddAddressListIfAny(fields, "Cc", spec.Cc);

        // Graph delivers to Bcc recipients of a MIME submission only when the field is present.
        AddAddressListIfAny(fields, "Bcc", spec.Bcc);
        AddAddressListIfAny(fields, "Reply-To", spec.ReplyTo);
        if (spec.Subject is not null)
        {
            Add("Subject", o => HeaderWriter.WriteField(o, "Subject", spec.Subject));
        }

        Add("Date", o => HeaderWriter.WriteAscii(o, "Date: " + FormatDate(date) + "\r\n"));
        Add("Message-ID", o => HeaderWriter.WriteMessageIds(o, "Message-ID", [messageId]));
        if (spec.InReplyTo is not null)
        {
            Add("In-Reply-To", o => HeaderWriter.WriteMessageIds(o, "In-Reply-To", [spec.InReplyTo]));
        }

        if (spec.References.Count > 0)
        {
            Add("References", o => HeaderWriter.WriteMessageIds(o, "References", spec.References));
        }

        if (spec.Importance != MessageImportance.Normal)
        {
            // RFC 2156 §5.3.4: importance ::= "low" / "normal" / "high".
            Add("Importance", o => HeaderWriter.WriteAscii(o, spec.Importance == MessageImportance.High ? "Importance: high\r\n" : "Importance: low\r\n"));
        }

        foreach ((string name, string value) in spec.Headers)
        {
            ArgumentNullException.ThrowIfNull(name);
            HeaderValueGuard.ThrowIfBadFieldName(name);
            if (ReservedFieldNames.Contains(name) || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "HP-Outer", StringComparison.OrdinalIgnoreCase))
            {
                throw new MimeFormatException($"'{name}' cannot be a custom header: the writer writes that field itself.");
            }

            Add(name, o => HeaderWriter.WriteField(o, name, value ?? string.Empty));
        }

        // The top-level entity's header is these fields, MIME-Version and the content fields that
        // follow them (Content-Type, Content-Transfer-Encoding, Content-Disposition, Content-ID at
        // most): a header the parser would refuse for its field count is not written.
        int count = fields.Count + 1 + MaxContentFields;
        if (count > MimeParserOptions.DefaultMaxHeaderCount)
        {
            throw new MimeFormatException($"The message would have {count - MaxContentFields} header fields before its content fields; a reader accepts {MimeParserOptions.DefaultMaxHeaderCount} in all (MimeParserOptions.MaxHeaderCount).");
        }

        return fields;
    }

    private static void AddAddressListIfAny(List<(string Name, byte[] Line)> fields, string name, IList<MailboxAddress> mailboxes)
    {
        if (mailboxes.Count > 0)
        {
            if (mailboxes.Any(m => m is null))
            {
                throw new MimeFormatException($"The {name} list contains a null address.");
            }

            var line = new ArrayBufferWriter<byte>(128);
            HeaderWriter.WriteAddressList(line, name, [.. mailboxes]);
            fields.Add((name, line.WrittenSpan.ToArray()));
        }
    }

    // RFC 5322 §3.3: "Sat, 21 Nov 2026 06:04:55 +0000".
    internal static string FormatDate(DateTimeOffset date)
    {
        TimeSpan offset = date.Offset;
        char sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return date.ToString("ddd, d MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    // RFC 5322 §3.6.4: msg-id = "<" id-left "@" id-right ">"; a random id-left, the From domain.
    private static string NewMessageId(MailboxAddress from)
    {
        string domain = from.Address[(from.Address.LastIndexOf('@') + 1)..];
        return Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "@" + domain;
    }

    private static string CheckMessageId(string field, string id)
    {
        ArgumentNullException.ThrowIfNull(id, field);
        HeaderValueGuard.ThrowIfUnsafe(field, id);
        int at = id.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == id.Length - 1 || id.AsSpan().ContainsAnyExceptInRange('!', '~') || id.AsSpan().ContainsAny("<>\"(),;\\"))
        {
            throw new MimeFormatException($"'{id}' is not a valid {field} value (id-left@id-right, printable ASCII without brackets, RFC 5322 §3.6.4).");
        }

        return id;
    }

    /// <summary>
    /// The MIME structure (RFC 2046 §5.1): multipart/mixed around the content and the
    /// attachments, multipart/alternative around text and HTML, multipart/related around the
    /// HTML and its inline resources (RFC 2387).
    /// </summary>
    private sealed class BodyLayout(MessageSpec spec, string? headerProtection, MimeAttachment? extraAttachment)
    {
        // RFC 9788 §2.1.1: the hp parameter goes on the Content-Type of the root entity only,
        // which is the first one written.
        private string? _hp = headerProtection;

        private (string Name, string Value)[] RootParameters((string Name, string Value)[] parameters)
        {
            if (_hp is not { } hp)
            {
                return parameters;
            }

            _hp = null;
            return [.. parameters, ("hp", hp)];
        }

        public void WriteBodyEntity(SegmentBuilder output)
        {
            IList<MimeAttachment> attachments = extraAttachment is null ? spec.Attachments : [.. spec.Attachments, extraAttachment];
            if (spec.InlineResources.Count > 0 && spec.HtmlBody is null)
            {
                throw new MimeFormatException("Inline resources are referenced from an HTML body, and the message has none.");
            }

            foreach (MimeAttachment? resource in spec.InlineResources)
            {
                if (resource?.ContentId is null)
                {
                    throw new MimeFormatException("Every inline resource needs a Content-ID (create it with MimeAttachment.Inline).");
                }
            }

            if (attachments.Any(a => a is null))
            {
                throw new MimeFormatException("The attachment list contains a null attachment.");
            }

            if (attachments.Count == 0)
            {
                WriteContent(output);
                return;
            }

            var parts = new List<Action<SegmentBuilder>>();
            if (spec.TextBody is not null || spec.HtmlBody is not null)
            {
                parts.Add(WriteContent);
            }

            foreach (MimeAttachment attachment in attachments)
            {
                parts.Add(o => WriteAttachment(o, attachment, inline: false));
            }

            WriteMultipart(output, "mixed", [], parts);
        }

        private void WriteContent(SegmentBuilder output)
        {
            if (spec.TextBody is not null && spec.HtmlBody is not null)
            {
                WriteMultipart(output, "alternative", [], [o => WriteText(o, "plain", spec.TextBody), WriteHtml]);
            }
            else if (spec.HtmlBody is not null)
            {
                WriteHtml(output);
            }
            else
            {
                WriteText(output, "plain", spec.TextBody ?? string.Empty);
            }
        }

        private void WriteHtml(SegmentBuilder output)
        {
            if (spec.InlineResources.Count == 0)
            {
                WriteText(output, "html", spec.HtmlBody!);
                return;
            }

            var parts = new List<Action<SegmentBuilder>> { o => WriteText(o, "html", spec.HtmlBody!) };
            foreach (MimeAttachment resource in spec.InlineResources)
            {
                parts.Add(o => WriteAttachment(o, resource, inline: true));
            }

            // RFC 2387 §3.1: type names the root part's type.
            WriteMultipart(output, "related", [("type", "text/html")], parts);
        }

        private void WriteText(SegmentBuilder output, string subtype, string text)
        {
            (byte[] body, string encoding) = TextBodyEncoder.Encode(text);
            HeaderWriter.WriteContentType(output.Text, "text/" + subtype, RootParameters([("charset", "utf-8")]));
            output.Ascii("Content-Transfer-Encoding: " + encoding + "\r\n\r\n");
            output.Bytes(body);
        }

        private static void WriteAttachment(SegmentBuilder output, MimeAttachment attachment, bool inline)
        {
            HeaderValueGuard.ThrowIfUnsafe("fileName", attachment.FileName);
            if (attachment.IsMessage)
            {
                HeaderWriter.WriteContentType(output.Text, "message/rfc822");
            }
            else
            {
                HeaderWriter.WriteContentType(output.Text, attachment.ContentType, ("name", attachment.FileName));
            }

            // RFC 2183 §2: the disposition and the file name.
            HeaderWriter.WriteParameterizedField(output.Text, "Content-Disposition", inline ? "inline" : "attachment", ("filename", attachment.FileName));
            if (attachment.ContentId is not null)
            {
                HeaderWriter.WriteMessageIds(output.Text, "Content-ID", [attachment.ContentId]);
            }

            output.Ascii(attachment.IsMessage ? "Content-Transfer-Encoding: 7bit\r\n\r\n" : "Content-Transfer-Encoding: base64\r\n\r\n");
            output.Content(attachment);
        }

        // RFC 2046 §5.1.1: "--" boundary CRLF part, CRLF "--" boundary ..., CRLF "--" boundary "--".
        private void WriteMultipart(SegmentBuilder output, string subtype, (string Name, string Value)[] parameters, List<Action<SegmentBuilder>> parts)
        {
            string boundary = MimeBoundary.Create();
            HeaderWriter.WriteContentType(output.Text, "multipart/" + subtype, RootParameters([.. parameters, ("boundary", boundary)]));
            output.Ascii("\r\n");
            foreach (Action<SegmentBuilder> part in parts)
            {
                output.Ascii("--" + boundary + "\r\n");
                part(output);
                output.Ascii("\r\n");
            }

            output.Ascii("--" + boundary + "--\r\n");
        }
    }
}
