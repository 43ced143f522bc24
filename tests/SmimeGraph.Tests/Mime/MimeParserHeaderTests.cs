using System.Text;
using SmimeGraph.Mime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Mime;

/// <summary>Header block parsing, RFC 2047 encoded-words and RFC 2231 parameters.</summary>
public sealed class MimeParserHeaderTests
{
    private static MimeEntity Parse(string message) => MimeParser.Parse(Encoding.UTF8.GetBytes(message));

    [Fact]
    public void Folded_field_keeps_its_raw_text_and_unfolds_in_value()
    {
        MimeEntity entity = Parse("Subject: one\r\n two\r\n\tthree\r\nX-Empty:\r\n\r\nbody");

        MimeHeaderField subject = entity.Headers[0];
        Assert.Equal("Subject", subject.Name);
        Assert.Equal(" one\r\n two\r\n\tthree", subject.RawValue);
        Assert.Equal("one two\tthree", subject.Value);
        Assert.Equal(string.Empty, entity.GetHeader("x-empty"));
        Assert.Null(entity.GetHeader("X-Missing"));
    }

    [Fact]
    public void Header_without_blank_line_ends_at_the_first_line_that_is_not_a_field()
    {
        MimeEntity entity = Parse("Subject: s\r\nthis line is body\r\nmore");

        Assert.Single(entity.Headers);
        Assert.Equal("this line is body\r\nmore", entity.DecodeText());
    }

    [Fact]
    public void Mbox_from_line_before_the_header_is_skipped_and_name_whitespace_tolerated()
    {
        MimeEntity entity = Parse("From someone@example.com Sat Nov 21 06:00:00 2026\r\nSubject : spaced\r\n\r\nbody");

        Assert.Equal("Subject", Assert.Single(entity.Headers).Name);
        Assert.Equal("spaced", entity.GetHeader("subject"));
    }

    [Fact]
    public void Eight_bit_header_bytes_read_as_utf8_or_latin1()
    {
        byte[] utf8 = [.. "Subject: "u8, .. Encoding.UTF8.GetBytes("Grüße"), .. "\r\n\r\n"u8];
        byte[] latin1 = [.. "Subject: "u8, .. Encoding.Latin1.GetBytes("Grüße"), .. "\r\n\r\n"u8];

        Assert.Equal("Grüße", MimeParser.Parse(utf8).GetHeader("Subject"));
        Assert.Equal("Grüße", MimeParser.Parse(latin1).GetHeader("Subject"));
    }

    [Theory]
    [InlineData("=?UTF-8?B?8J+U?= =?UTF-8?B?kw==?=", "🔓")] // one character split over two words, joined as bytes
    [InlineData("=?utf-8?q?a_b?=  \t =?utf-8?q?_c?=", "a b c")] // RFC 2047 §6.2: whitespace between words dropped
    [InlineData("x =?utf-8?q?y?= z", "x y z")]
    [InlineData("=?iso-8859-2?Q?=B1=E6?=", "ąć")]
    [InlineData("=?windows-1252?B?gJOU?=", "€“”")]
    [InlineData("=?KOI8-R?B?8NLJ18XU?=", "Привет")]
    [InlineData("=?utf-8*en?Q?hi?=", "hi")] // RFC 2231 §5 language in an encoded-word
    [InlineData("=?utf-8?X?abc?=", "=?utf-8?X?abc?=")]
    [InlineData("=?utf-8?B?#?=", "=?utf-8?B?#?=")]
    [InlineData("=?utf-8?Q?no end", "=?utf-8?Q?no end")]
    [InlineData("=?utf-8?Q?split word?=", "=?utf-8?Q?split word?=")]
    [InlineData("=?us-ascii?Q??=", "")]
    public void Encoded_words_decode(string raw, string expected)
    {
        Assert.Equal(expected, Parse("Subject: " + raw + "\r\n\r\n").GetHeader("Subject"));
    }

    /// <summary>Python's email package decodes the same unstructured values to the same text.</summary>
    [Fact]
    public void Encoded_words_agree_with_python()
    {
        string[] values =
        [
            "=?utf-8?q?a_b?=  \t =?utf-8?q?_c?=",
            "x =?utf-8?q?y?= z",
            "=?iso-8859-2?Q?=B1=E6?= and =?windows-1252?B?gJOU?=",
            "=?KOI8-R?B?8NLJ18XU?=",
            "=?utf-8?X?abc?=",
        ];
        string script = """
            import sys, json, email
            from email import policy
            out = []
            for v in sys.argv[1:]:
                m = email.message_from_bytes(('Subject: ' + v + '\r\n\r\n').encode(), policy=policy.default)
                out.append(str(m['subject']))
            print(json.dumps(out))
            """;
        string[] expected = System.Text.Json.JsonSerializer.Deserialize<string[]>(Peer.Python(script, values).EnsureSuccess("python3").StandardOutput)!;

        Assert.Equal(expected, values.Select(v => Parse("Subject: " + v + "\r\n\r\n").GetHeader("Subject")));
    }

    [Fact]
    public void Content_type_parameters_follow_rfc_2045_and_2231()
    {
        MimeEntity entity = Parse(
            "Content-Type: Text/HTML (the type) ; charset = \"ISO-8859-1\" ; name*1=\"two \\\"q\\\"\";\r\n" +
            " name*0*=utf-8'en'%C3%A9-one-; name=plain; title*=us-ascii''%41%42; broken; x=unquoted value ;\r\n" +
            " name*99999=ignored\r\n" +
            "Content-Disposition: ATTACHMENT; filename=\"a;b.txt\"\r\n\r\n");

        Assert.Equal("text/html", entity.MediaType);
        Assert.Equal("ISO-8859-1", entity.GetContentTypeParameter("CHARSET"));
        Assert.Equal("é-one-two \"q\"", entity.GetContentTypeParameter("name"));
        Assert.Equal("AB", entity.GetContentTypeParameter("title"));
        Assert.Equal("unquoted value", entity.GetContentTypeParameter("x"));
        Assert.Null(entity.GetContentTypeParameter("broken"));
        Assert.Equal("attachment", entity.Disposition);
        Assert.Equal("a;b.txt", entity.FileName);
    }

    [Theory]
    [InlineData("", "text/plain")]
    [InlineData("Content-Type: garbage\r\n", "text/plain")]
    [InlineData("Content-Type: text/\r\n", "text/plain")]
    [InlineData("Content-Type: IMAGE/PNG\r\n", "image/png")]
    public void Media_type_defaults_to_text_plain(string header, string expected)
    {
        MimeEntity entity = Parse(header + "\r\nbody");

        Assert.Equal(expected, entity.MediaType);
        Assert.Equal("7bit", entity.ContentTransferEncoding);
        Assert.Null(entity.Disposition);
        Assert.Null(entity.FileName);
    }

    [Fact]
    public void Digest_parts_default_to_message_rfc822_and_headerless_parts_to_text_plain()
    {
        MimeEntity digest = Parse(
            "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: inner\r\n\r\nhi\r\n--d--\r\n");
        MimeEntity mixed = Parse(
            "Content-Type: multipart/mixed; boundary=d\r\n\r\n--d\r\n\r\nno header\r\n--d--\r\n");

        MimeEntity part = Assert.Single(digest.Children);
        Assert.Equal("message/rfc822", part.MediaType);
        Assert.Equal("inner", Assert.Single(part.Children).GetHeader("Subject"));
        Assert.Equal("text/plain", Assert.Single(mixed.Children).MediaType);
        Assert.Equal("no header", mixed.Children[0].DecodeText());
    }

    [Fact]
    public void Delimiters_need_their_own_line_and_allow_transport_padding()
    {
        MimeEntity entity = Parse(
            "Content-Type: multipart/mixed; boundary=b\r\n\r\npreamble --b\r\n--b \t\r\n\r\none --b\r\n--bx\r\n--b\r\n\r\ntwo\r\n--b-- trailing\r\nepilogue");

        Assert.Equal(["one --b\r\n--bx", "two"], entity.Children.Select(c => c.DecodeText()));
        Assert.Equal("\r\none --b\r\n--bx", Encoding.ASCII.GetString(entity.Children[0].RawEntity.Span));
    }

    [Fact]
    public void Base64_message_rfc822_is_left_as_a_leaf()
    {
        MimeEntity entity = Parse("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nU3ViamVjdDogeA0KDQpi\r\n");

        Assert.Empty(entity.Children);
        Assert.Equal("Subject: x\r\n\r\nb", Encoding.ASCII.GetString(entity.DecodeContent()));
    }
}
