using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Cli.Tests;

/// <summary>The demo's check that a received message shows what was composed, part by part.</summary>
public sealed class ContentComparisonTests
{
    private static readonly byte[] Attachment = [0, 1, 2, 250, 251, 252, 13, 10, 13];

    [Fact]
    public void Equal_content_in_other_encodings_and_folding_is_equal()
    {
        // Quoted-printable text, base64 HTML, the attachment in base64 lines: other bytes, same meaning.
        MimeEntity message = Parse(
            text: "Content-Transfer-Encoding: quoted-printable\r\n\r\nHello =\r\nBob,\r\n",
            html: "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(Encoding.UTF8.GetBytes("<p>Hello Bob,</p>")) + "\r\n",
            attachment: Attachment);

        ContentComparison result = ContentComparison.Compare(message, "Hello Bob,\r\n", "<p>Hello Bob,</p>", "figures.bin", Attachment);

        Assert.True(result.AllEqual, result.Describe());
        Assert.Equal("text as composed, HTML as composed, attachment bytes as composed", result.Describe());
    }

    [Fact]
    public void One_changed_attachment_byte_differs()
    {
        byte[] changed = [.. Attachment];
        changed[3] ^= 1;
        MimeEntity message = Parse(text: "\r\nHello Bob,\r\n", html: "\r\n<p>Hello Bob,</p>\r\n", attachment: changed);

        ContentComparison result = ContentComparison.Compare(message, "Hello Bob,\r\n", "<p>Hello Bob,</p>", "figures.bin", Attachment);

        Assert.False(result.AllEqual);
        Assert.Equal(false, result.AttachmentEqual);
        Assert.Equal(true, result.TextEqual);
        Assert.Contains("attachment bytes DIFFER", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Changed_text_or_a_missing_part_is_not_equal()
    {
        MimeEntity message = Parse(text: "\r\nHello Mallory,\r\n", html: null, attachment: Attachment);

        ContentComparison result = ContentComparison.Compare(message, "Hello Bob,\r\n", "<p>Hello Bob,</p>", "figures.bin", Attachment);

        Assert.Equal(false, result.TextEqual);
        Assert.Null(result.HtmlEqual);
        Assert.Equal("text DIFFER, HTML MISSING, attachment bytes as composed", result.Describe());
    }

    private static MimeEntity Parse(string text, string? html, byte[] attachment)
    {
        var mime = new StringBuilder("Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n");
        mime.Append("--outer\r\nContent-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n");
        mime.Append("--inner\r\nContent-Type: text/plain; charset=utf-8\r\n").Append(text);
        if (html is not null)
        {
            mime.Append("--inner\r\nContent-Type: text/html; charset=utf-8\r\n").Append(html);
        }

        mime.Append("--inner--\r\n");
        mime.Append("--outer\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"figures.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        mime.Append(Convert.ToBase64String(attachment)).Append("\r\n--outer--\r\n");
        return MimeParser.Parse(Encoding.ASCII.GetBytes(mime.ToString()));
    }
}
