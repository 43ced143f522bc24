using System.Text;
using SmimeGraph.Graph;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Small RFC 5322 messages written by hand (CRLF line endings).</summary>
internal static class TestMime
{
    public static byte[] Message(
        string subject,
        string to = "Bob Example <bob@example.com>",
        string? messageId = null,
        string body = "Hello from the test suite.",
        string from = "Alice Example <alice@example.com>",
        string? cc = null,
        string? bcc = null)
    {
        var text = new StringBuilder();
        text.Append("From: ").Append(from).Append("\r\n");
        text.Append("To: ").Append(to).Append("\r\n");
        if (cc is not null)
        {
            text.Append("Cc: ").Append(cc).Append("\r\n");
        }

        if (bcc is not null)
        {
            text.Append("Bcc: ").Append(bcc).Append("\r\n");
        }

        text.Append("Subject: ").Append(subject).Append("\r\n");
        text.Append("Date: Sat, 21 Nov 2026 06:00:00 +0000\r\n");
        text.Append("Message-ID: <").Append(messageId ?? Guid.NewGuid().ToString("N") + "@example.com").Append(">\r\n");
        text.Append("MIME-Version: 1.0\r\n");
        text.Append("Content-Type: text/plain; charset=us-ascii\r\n");
        text.Append("Content-Transfer-Encoding: 7bit\r\n");
        text.Append("\r\n");
        text.Append(body).Append("\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>A message with an attachment part, <paramref name="attachmentLength"/> bytes of base64 lines.</summary>
    public static byte[] WithAttachment(string subject, int attachmentLength)
    {
        var text = new StringBuilder();
        text.Append("From: alice@example.com\r\nTo: bob@example.com\r\nSubject: ").Append(subject).Append("\r\n");
        text.Append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n");
        text.Append("--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n");
        text.Append("--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        string base64 = Convert.ToBase64String(Enumerable.Range(0, attachmentLength).Select(i => (byte)(i * 7)).ToArray());
        for (int i = 0; i < base64.Length; i += 76)
        {
            text.Append(base64, i, Math.Min(76, base64.Length - i)).Append("\r\n");
        }

        text.Append("--b1--\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>A well-formed Graph id (the example of user-post-messages.md) that names no message here.</summary>
    public const string UnknownId = "AAMkADNlNYjSAAA=";

    /// <summary>RFC 5322 §2.1: the body is what follows the first empty line.</summary>
    public static byte[] Body(byte[] message)
    {
        int end = message.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(end >= 0, "the message has no empty line after its header");
        return message[(end + 4)..];
    }

    public static Task<GraphPayload> PayloadAsync(byte[] mime, long ceiling = GraphPayload.DefaultCeiling) =>
        GraphPayload.FromMimeAsync(new MemoryStream(mime), ceiling);

    public static async Task<byte[]> ReadAllAsync(Stream stream, int chunk = 81920)
    {
        using var copy = new MemoryStream();
        byte[] buffer = new byte[chunk];
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(0, chunk))) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        return copy.ToArray();
    }
}
