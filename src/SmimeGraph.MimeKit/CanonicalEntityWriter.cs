using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.IO;
using MimeKit.IO.Filters;
using MimeHeaderField = SmimeGraph.Mime.MimeHeaderField;
using PreparedMessage = SmimeGraph.Mime.PreparedMessage;

namespace SmimeGraph.MimeKit;

/// <summary>
/// Appends a prepared MimeKit entity tree to a <see cref="PreparedMessage"/> in canonical form
/// (RFC 8551 §3.1.1): header fields as 7-bit CRLF lines, multipart bodies with CRLF delimiters
/// (RFC 2046 §5.1.1), 7bit and quoted-printable text as MimeKit encodes it, and every other part
/// as a base64 content streamed once while SmimeGraph writes. The MimeKit message is not changed,
/// except that a multipart without a boundary is given one, as MimeKit does when it writes it.
/// </summary>
internal sealed class CanonicalEntityWriter(PreparedMessage target)
{
    /// <summary>The longest encoded line (RFC 2045 §6.7, §6.8: 76).</summary>
    public const int MaxLineLength = 76;

    private static readonly FormatOptions Canonical = CreateFormatOptions();

    public void Append(MimeEntity entity)
    {
        switch (entity)
        {
            case MultipartSigned:
                // RFC 8551 §3.5.3: a signed part must stay byte for byte as it was signed.
                AppendAsMimeKitWrites(entity);
                break;
            case Multipart multipart:
                AppendMultipart(multipart);
                break;
            case MessagePart messagePart:
                // RFC 2046 §5.2.1: message/rfc822 is 7bit, 8bit or binary; written canonical, it is 7bit.
                AppendHeaders(entity.Headers, entity.Headers.Contains(HeaderId.ContentTransferEncoding) ? "7bit" : null);
                target.AppendText("\r\n");
                if (messagePart.Message is MimeMessage inner)
                {
                    AppendHeaders(inner.Headers);
                    if (inner.Body is MimeEntity innerBody)
                    {
                        Append(innerBody);
                    }
                    else
                    {
                        target.AppendText("\r\n");
                    }
                }

                break;
            case MimePart part:
                AppendPart(part);
                break;
            default:
                AppendAsMimeKitWrites(entity);
                break;
        }
    }

    /// <summary>A header's raw value (after the colon) as one 7-bit field with CRLF folds and no final line break.</summary>
    public static string RawValue(Header header)
    {
        byte[] raw = header.RawValue;
        if (raw.Any(b => b > 0x7F))
        {
            // RFC 2047: a value written as 8-bit text (RFC 6532) is encoded again as encoded-words.
            raw = new Header(Encoding.UTF8, header.Field, header.Value).RawValue;
        }

        return ToCrlf(Encoding.ASCII.GetString(raw.AsSpan().TrimEnd("\r\n"u8)).TrimEnd('\r', '\n'));
    }

    private void AppendMultipart(Multipart multipart)
    {
        if (string.IsNullOrEmpty(multipart.Boundary))
        {
            // A parsed multipart without a boundary parameter gets one, as MimeKit gives it when
            // writing (RFC 2046 §5.1.1: 1 to 70 characters; a CSPRNG makes it unguessable).
            multipart.Boundary = "=-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        }

        string boundary = multipart.Boundary!;
        AppendHeaders(multipart.Headers);
        target.AppendText("\r\n");
        if (!string.IsNullOrEmpty(multipart.Preamble))
        {
            target.AppendText(EndLine(ToCrlf(multipart.Preamble)));
        }

        // RFC 2046 §5.1.1: "--" boundary CRLF part, CRLF "--" boundary ..., CRLF "--" boundary "--".
        foreach (MimeEntity child in multipart)
        {
            target.AppendText("--" + boundary + "\r\n");
            Append(child);
            target.AppendText("\r\n");
        }

        target.AppendText("--" + boundary + "--\r\n");
        if (!string.IsNullOrEmpty(multipart.Epilogue))
        {
            target.AppendText(ToCrlf(multipart.Epilogue));
        }
    }

    // RFC 2045 §6: a part already in a 7-bit transfer encoding is written as it is; 8-bit or
    // binary text becomes 7bit or quoted-printable, whichever MimeKit finds best; anything else
    // becomes base64, streamed without being read first. The message itself is not changed: the
    // new Content-Transfer-Encoding is written in place of the old one.
    private void AppendPart(MimePart part)
    {
        ContentEncoding encoding = part.ContentTransferEncoding;
        if (part.Content is null || encoding is ContentEncoding.QuotedPrintable or ContentEncoding.UUEncode)
        {
            AppendAsMimeKitWrites(part);
            return;
        }

        if (encoding != ContentEncoding.Base64 && IsText(part))
        {
            encoding = part.GetBestEncoding(EncodingConstraint.SevenBit, MaxLineLength);
        }
        else
        {
            encoding = ContentEncoding.Base64;
        }

        AppendHeaders(part.Headers, encoding == part.ContentTransferEncoding ? null : Name(encoding));
        target.AppendText("\r\n");
        if (encoding == ContentEncoding.Base64)
        {
            AppendBase64(part);
            return;
        }

        using var memory = new MemoryStream();
        using (var filtered = new FilteredStream(memory))
        {
            if (encoding == ContentEncoding.QuotedPrintable)
            {
                filtered.Add(EncoderFilter.Create(ContentEncoding.QuotedPrintable));
            }

            filtered.Add(new Unix2DosFilter());
            part.Content.DecodeTo(filtered);
            filtered.Flush();
        }

        target.AppendText(Encoding.Latin1.GetString(memory.GetBuffer(), 0, (int)memory.Length));
    }

    private static bool IsText(MimePart part) =>
        part is TextPart || part.ContentType.IsMimeType("text", "*") || part.ContentType.IsMimeType("message", "*");

    private static string Name(ContentEncoding encoding) => encoding switch
    {
        ContentEncoding.Base64 => "base64",
        ContentEncoding.QuotedPrintable => "quoted-printable",
        _ => "7bit",
    };

    private void AppendHeaders(HeaderList headers, string? contentTransferEncoding = null)
    {
        var text = new StringBuilder();
        bool replaced = false;
        foreach (Header header in headers)
        {
            if (contentTransferEncoding is not null && header.Id == HeaderId.ContentTransferEncoding)
            {
                if (!replaced)
                {
                    text.Append(header.Field).Append(": ").Append(contentTransferEncoding).Append("\r\n");
                    replaced = true;
                }

                continue;
            }

            text.Append(header.Field).Append(':').Append(RawValue(header)).Append("\r\n");
        }

        if (contentTransferEncoding is not null && !replaced)
        {
            text.Append("Content-Transfer-Encoding: ").Append(contentTransferEncoding).Append("\r\n");
        }

        target.AppendText(text.ToString());
    }

    private void AppendBase64(MimePart part)
    {
        IMimeContent content = part.Content!;
        Stream stream = content.Stream ?? throw new ArgumentException($"The content of the {part.ContentType.MimeType} part has no stream.", nameof(part));

        // The content's own stream holds decoded bytes unless it is transfer-encoded: then its
        // length says nothing about the decoded length.
        bool decoded = content.Encoding is ContentEncoding.Default or ContentEncoding.Binary or ContentEncoding.EightBit or ContentEncoding.SevenBit;
        long? length = decoded && stream.CanSeek ? stream.Length : null;
        string name = part.FileName ?? part.ContentType.MimeType;
        target.AppendBase64(() => OpenDecoded(stream, content.Encoding), length, name);
    }

    private static Stream OpenDecoded(Stream stream, ContentEncoding encoding)
    {
        if (stream.CanSeek)
        {
            stream.Seek(0, SeekOrigin.Begin);
        }

        // The message keeps its content: disposing what SmimeGraph reads must not close it.
        var filtered = new FilteredStream(new LeaveOpenStream(stream));
        filtered.Add(DecoderFilter.Create(encoding));
        return filtered;
    }

    private void AppendAsMimeKitWrites(MimeEntity entity)
    {
        using var memory = new MemoryStream();
        entity.WriteTo(Canonical, memory);
        target.AppendText(Encoding.Latin1.GetString(memory.GetBuffer(), 0, (int)memory.Length));
    }

    private static string EndLine(string text) => text.EndsWith("\r\n", StringComparison.Ordinal) ? text : text + "\r\n";

    // RFC 5322 §2.1: every line break is CRLF; a bare CR or LF becomes one.
    private static string ToCrlf(string text)
    {
        if (text.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            return text;
        }

        var output = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r')
            {
                output.Append("\r\n");
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (c == '\n')
            {
                output.Append("\r\n");
            }
            else
            {
                output.Append(c);
            }
        }

        return output.ToString();
    }

    private static FormatOptions CreateFormatOptions()
    {
        FormatOptions options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.International = false;
        return options;
    }
}
