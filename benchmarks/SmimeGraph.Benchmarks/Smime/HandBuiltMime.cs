using System.Text;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The MIME a user of the BCL (or of BouncyCastle) writes by hand around the CMS calls:
/// strings, <see cref="Convert.ToBase64String(byte[], Base64FormattingOptions)"/> with line
/// breaks, and a <see cref="MemoryStream"/>. Shared by both reference contenders so they differ
/// only in their CMS library. Boundaries are fixed so every run has the same byte counts.
/// </summary>
internal static class HandBuiltMime
{
    internal const string MixedBoundary = "=_mixed_5f0b7e1c9a4d4e2b8c3f6a1d0e9b7c25";
    internal const string SignedBoundary = "=_signed_a3c94e6f1b2d4c8e9f0a7b6c5d4e3f21";

    /// <summary>RFC 5322 §3.6 fields and MIME-Version (RFC 2045 §4), CRLF-terminated, no blank line.</summary>
    public static byte[] RoutingHeaders(MessageFixture fixture) => Encoding.ASCII.GetBytes(
        $"From: {MessageFixture.FromDisplay} <{MessageFixture.FromAddress}>\r\n" +
        $"To: {MessageFixture.ToDisplay} <{MessageFixture.ToAddress}>\r\n" +
        $"Subject: {MessageFixture.Subject}\r\n" +
        $"Date: {MessageFixture.Date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture)}\r\n" +
        $"Message-ID: <{MessageFixture.MessageId}>\r\n" +
        "MIME-Version: 1.0\r\n");

    /// <summary>
    /// The body entity (what gets signed or encrypted): multipart/mixed with the text part and
    /// the attachment in base64, 76-character lines (RFC 2045 §6.8), CRLF throughout.
    /// </summary>
    public static byte[] BodyEntity(MessageFixture fixture)
    {
        string attachment = Convert.ToBase64String(fixture.Attachment, Base64FormattingOptions.InsertLineBreaks);
        var entity = new MemoryStream(attachment.Length + 1024);
        WriteAscii(entity,
            $"Content-Type: multipart/mixed; boundary=\"{MixedBoundary}\"\r\n" +
            "\r\n" +
            $"--{MixedBoundary}\r\n" +
            "Content-Type: text/plain; charset=us-ascii\r\n" +
            "Content-Transfer-Encoding: 7bit\r\n" +
            "\r\n" +
            MessageFixture.Text +
            $"\r\n--{MixedBoundary}\r\n" +
            $"Content-Type: application/octet-stream; name=\"{MessageFixture.AttachmentName}\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n" +
            $"Content-Disposition: attachment; filename=\"{MessageFixture.AttachmentName}\"\r\n" +
            "\r\n");
        WriteAscii(entity, attachment);
        WriteAscii(entity, $"\r\n--{MixedBoundary}--\r\n");
        return entity.ToArray();
    }

    /// <summary>multipart/signed around the entity and its detached signature (RFC 8551 §3.5.3).</summary>
    public static byte[] MultipartSigned(byte[] entity, byte[] signature)
    {
        string p7s = Convert.ToBase64String(signature, Base64FormattingOptions.InsertLineBreaks);
        var signed = new MemoryStream(entity.Length + p7s.Length + 1024);
        WriteAscii(signed,
            $"Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"{SignedBoundary}\"\r\n" +
            "\r\n" +
            $"--{SignedBoundary}\r\n");
        signed.Write(entity);
        WriteAscii(signed,
            $"\r\n--{SignedBoundary}\r\n" +
            "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n" +
            "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n" +
            "\r\n");
        WriteAscii(signed, p7s);
        WriteAscii(signed, $"\r\n--{SignedBoundary}--\r\n");
        return signed.ToArray();
    }

    /// <summary>application/pkcs7-mime around enveloped-data (RFC 8551 §3.3), base64 in 76-character lines.</summary>
    public static byte[] EnvelopedMime(byte[] cms)
    {
        string p7m = Convert.ToBase64String(cms, Base64FormattingOptions.InsertLineBreaks);
        var wrapped = new MemoryStream(p7m.Length + 512);
        WriteAscii(wrapped,
            "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\n" +
            "Content-Transfer-Encoding: base64\r\n" +
            "Content-Disposition: attachment; filename=\"smime.p7m\"\r\n" +
            "\r\n");
        WriteAscii(wrapped, p7m);
        WriteAscii(wrapped, "\r\n");
        return wrapped.ToArray();
    }

    /// <summary>The whole message: routing headers, then the entity (its own header lines, CRLF, body).</summary>
    public static byte[] Message(byte[] routingHeaders, byte[] entity)
    {
        var message = new byte[routingHeaders.Length + entity.Length];
        routingHeaders.CopyTo(message, 0);
        entity.CopyTo(message, routingHeaders.Length);
        return message;
    }

    private static void WriteAscii(MemoryStream destination, string text) => destination.Write(Encoding.ASCII.GetBytes(text));
}
