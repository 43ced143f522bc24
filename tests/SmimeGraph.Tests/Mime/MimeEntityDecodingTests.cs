using System.Text;
using System.Text.Json;
using SmimeGraph.Mime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Mime;

/// <summary>Content-Transfer-Encoding and charset decoding of parsed entities.</summary>
public sealed class MimeEntityDecodingTests
{
    private static MimeEntity Leaf(string encoding, string body, string? charset = null) =>
        MimeParser.Parse(Encoding.Latin1.GetBytes(
            $"Content-Type: text/plain{(charset is null ? "" : "; charset=" + charset)}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}"));

    /// <summary>
    /// Bodies encoded by Python's base64 and quopri modules decode to the original bytes. The text
    /// uses LF line breaks: quopri, like QP itself, does not tell CRLF from LF.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(57)]
    [InlineData(1000)]
    [InlineData(20_000)]
    public void Python_encoded_bodies_decode_to_the_original(int size)
    {
        string script = """
            import sys, base64, quopri, random, json
            rnd = random.Random(int(sys.argv[1]))
            data = bytes(rnd.randrange(256) for _ in range(int(sys.argv[1])))
            text = ''.join(rnd.choice('abc \t=\u00e9\n') for _ in range(int(sys.argv[1]))).encode('latin-1')
            print(json.dumps({
                'data': base64.b64encode(data).decode(),
                'b64': base64.encodebytes(data).decode(),
                'text': base64.b64encode(text).decode(),
                'qp': quopri.encodestring(text).decode('latin-1'),
            }))
            """;
        using JsonDocument json = JsonDocument.Parse(Peer.Python(script, size.ToString(System.Globalization.CultureInfo.InvariantCulture)).EnsureSuccess("python3").StandardOutput);
        JsonElement root = json.RootElement;

        Assert.Equal(Convert.FromBase64String(root.GetProperty("data").GetString()!), Leaf("base64", root.GetProperty("b64").GetString()!).DecodeContent());
        Assert.Equal(Convert.FromBase64String(root.GetProperty("text").GetString()!), Leaf("Quoted-Printable", root.GetProperty("qp").GetString()!).DecodeContent());
    }

    [Theory]
    [InlineData("SGVs bG8=\r\n", "Hello")]
    [InlineData("SGVsbG8\r\n", "Hello")]
    [InlineData("SGVsbA==\r\n\r\n", "Hell")]
    [InlineData(" S\tG\r\nV\nsbG8h ", "Hello!")]
    [InlineData("", "")]
    public void Base64_is_lenient_about_whitespace_and_padding(string body, string expected)
    {
        Assert.Equal(expected, Encoding.ASCII.GetString(Leaf("base64", body).DecodeContent()));
    }

    [Theory]
    [InlineData("SGVs*bG8=", 4)]
    [InlineData("SGVsbA==QQ==", 8)]
    [InlineData("SGVsb", 5)]
    [InlineData("S===", 1)]
    public void Base64_garbage_is_reported_with_its_offset(string body, int index)
    {
        MimeEntity entity = Leaf("BASE64", body);
        int bodyOffset = entity.RawEntity.Length - entity.RawBody.Length;

        var error = Assert.Throws<MimeFormatException>(() => entity.DecodeContent());

        Assert.Equal(bodyOffset + index, error.Offset);
    }

    [Theory]
    [InlineData("a=3Db=3d\r\nnext=\r\n line\r\n", "a=b=\r\nnext line\r\n")]
    [InlineData("soft=\nbreak\n", "softbreak\n")]
    [InlineData("pad  \r\nsoft= \t\r\nend", "pad\r\nsoftend")]
    [InlineData("bad=ZZ=4", "bad=ZZ=4")]
    [InlineData("=C3=A9", "é")]
    public void Quoted_printable_decodes_soft_breaks_and_keeps_bad_escapes(string body, string expected)
    {
        Assert.Equal(expected, Leaf("quoted-printable", body, "utf-8").DecodeText());
    }

    [Theory]
    [InlineData("iso-8859-15", new byte[] { 0xA4 }, "€")]
    [InlineData("windows-1251", new byte[] { 0xCF, 0xF0 }, "Пр")]
    [InlineData("\"UTF-8\"", new byte[] { 0xC3, 0xA9 }, "é")]
    [InlineData("x-no-such-charset", new byte[] { 0xC3, 0xA9 }, "é")]
    [InlineData("us-ascii", new byte[] { 0x41 }, "A")]
    public void Decode_text_honours_the_charset(string charset, byte[] body, string expected)
    {
        Assert.Equal(expected, Leaf("8bit", Encoding.Latin1.GetString(body), charset).DecodeText());
    }

    [Theory]
    [InlineData("utf-7")]
    [InlineData("ibm037")]
    [InlineData("unicode")]
    [InlineData("utf-32")]
    [InlineData("cp1252")]
    [InlineData("866")]
    [InlineData("../../etc/passwd")]
    [InlineData("utf-8'en'")]
    [InlineData("*")]
    public void Odd_charset_names_never_throw(string charset)
    {
        MimeEntity entity = Leaf("8bit", "Hié", "\"" + charset + "\"");
        MimeEntity header = MimeParser.Parse(Encoding.ASCII.GetBytes($"Subject: =?{charset}?Q?Hi?=\r\n\r\n"));

        Assert.False(string.IsNullOrEmpty(entity.DecodeText()));
        Assert.False(string.IsNullOrEmpty(header.GetHeader("Subject")));
    }

    [Fact]
    public void Identity_encodings_return_the_raw_body()
    {
        foreach (string encoding in new[] { "7bit", "8bit", "binary", "x-unknown" })
        {
            MimeEntity entity = Leaf(encoding, "a=3D\r\n\u00ff");
            Assert.Equal(entity.RawBody.ToArray(), entity.DecodeContent());
        }
    }
}
