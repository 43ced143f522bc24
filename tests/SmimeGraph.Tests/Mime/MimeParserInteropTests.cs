using System.Security.Cryptography.Pkcs;
using System.Text.Json;
using SmimeGraph.Mime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Mime;

/// <summary>Our tree against Python's email package, and multipart/signed raw bytes against OpenSSL.</summary>
public sealed class MimeParserInteropTests
{
    public static TheoryData<string, string> TreeMessages => MimeParserTestKit.TreeMessages;

    [Theory]
    [MemberData(nameof(TreeMessages))]
    public void Tree_matches_python_email_package(string folder, string name)
    {
        string path = TestPaths.Data(folder, name);
        PeerResult python = Peer.Python(MimeParserTestKit.PythonTreeScript, path).EnsureSuccess("python3 email");
        List<PartSummary> expected = JsonSerializer.Deserialize<List<PartSummary>>(python.StandardOutput)!;

        List<PartSummary> actual = MimeParserTestKit.SummarizeTree(MimeParser.Parse(File.ReadAllBytes(path)));

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void Hand_written_messages_decode_to_the_values_written()
    {
        MimeEntity mixed = MimeParser.Parse(MimeParserTestKit.Load("mime", "mixed-alternative-related.eml"));
        Assert.Equal("🔓 Létter € and plain text", mixed.GetHeader("subject"));
        Assert.Equal(["multipart/alternative", "application/pdf", "application/octet-stream"], mixed.Children.Select(c => c.MediaType));
        Assert.Equal("€ rates 2026.pdf", mixed.Children[1].FileName);
        Assert.Equal("über den Wolken.bin", mixed.Children[2].FileName);
        Assert.Equal(Enumerable.Range(0, 768).Select(i => (byte)i), mixed.Children[2].DecodeContent());
        MimeEntity related = mixed.Children[0].Children[1];
        Assert.Equal("text/html", related.GetContentTypeParameter("TYPE"));
        Assert.Equal("rel 0003", related.GetContentTypeParameter("boundary"));
        Assert.Equal("logo@example.com", related.Children[1].ContentId);
        Assert.Equal("inline", related.Children[1].Disposition);

        MimeEntity forwarded = MimeParser.Parse(MimeParserTestKit.Load("mime", "forwarded-rfc822.eml"));
        MimeEntity inner = Assert.Single(forwarded.Children[1].Children);
        Assert.Equal("“Quoted” résumé", inner.GetHeader("Subject"));
        Assert.Equal("Voilà le résumé.", inner.Children[0].DecodeText());
        Assert.Equal(forwarded.Children[1].RawBody.ToArray(), inner.RawEntity.ToArray());

        MimeEntity encoded = MimeParser.Parse(MimeParserTestKit.Load("mime", "encoded-headers.eml"));
        Assert.Equal("café.txt", encoded.FileName);
        Assert.Equal("fl\\owed".Replace("\\", "", StringComparison.Ordinal), encoded.GetContentTypeParameter("format"));
        Assert.Equal("Prix: 5 €, café.\r\n", encoded.DecodeText());
        // An unknown charset is read as UTF-8; a bad Q escape stays literal (Python agrees on both).
        Assert.Equal("abc and broken=ZZ end", encoded.GetHeader("X-Unknown-Charset"));
    }

    public static TheoryData<string> SignedMessages => new()
    {
        "alice.dsig.SHA256.multipart.eml",
        "alice.dsig.SHA512.multipart.eml",
    };

    /// <summary>The first part's raw bytes are exactly what OpenSSL extracts as the signed content.</summary>
    [Theory]
    [MemberData(nameof(SignedMessages))]
    public void Signed_part_raw_bytes_equal_openssl_signed_content(string name)
    {
        string dir = TestPaths.NewTempDirectory();
        try
        {
            string path = TestPaths.Data("thunderbird-nss", name);
            string content = Path.Combine(dir, "content.bin");
            Peer.OpenSsl("cms", "-verify", "-noverify", "-in", path, "-out", content).EnsureSuccess("openssl cms -verify");

            MimeEntity signed = MimeParser.Parse(File.ReadAllBytes(path));

            Assert.Equal("multipart/signed", signed.MediaType);
            Assert.Equal(File.ReadAllBytes(content), signed.Children[0].RawEntity.ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>OpenSSL verifies the detached signature (our decoded second part) over our extracted first part.</summary>
    [Theory]
    [MemberData(nameof(SignedMessages))]
    public void Openssl_verifies_signature_over_extracted_bytes(string name)
    {
        string dir = TestPaths.NewTempDirectory();
        try
        {
            MimeEntity signed = MimeParser.Parse(MimeParserTestKit.Load("thunderbird-nss", name));
            Assert.Equal("application/pkcs7-signature", signed.Children[1].MediaType);
            string content = Path.Combine(dir, "extracted.bin");
            string signature = Path.Combine(dir, "sig.der");
            File.WriteAllBytes(content, signed.Children[0].RawEntity.ToArray());
            File.WriteAllBytes(signature, signed.Children[1].DecodeContent());

            PeerResult good = Peer.OpenSsl("cms", "-verify", "-binary", "-noverify", "-content", content, "-inform", "DER", "-in", signature, "-out", Path.Combine(dir, "out.bin"));
            Assert.True(good.ExitCode == 0, good.StandardError);
            Assert.Contains("Verification successful", good.StandardError, StringComparison.Ordinal);

            // One byte more (the CRLF that belongs to the delimiter) and the signature fails.
            File.WriteAllBytes(content, [.. signed.Children[0].RawEntity.ToArray(), (byte)'\r', (byte)'\n']);
            PeerResult bad = Peer.OpenSsl("cms", "-verify", "-binary", "-noverify", "-content", content, "-inform", "DER", "-in", signature, "-out", Path.Combine(dir, "out.bin"));
            Assert.NotEqual(0, bad.ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Both signatures of a message signed twice check out over the raw slices, with the BCL's SignedCms.</summary>
    [Fact]
    public void Nested_multipart_signed_layers_verify_with_signedcms()
    {
        MimeEntity outer = MimeParser.Parse(MimeParserTestKit.Load("thunderbird-nss", "alice.plain.dsig.SHA256.multipart.dave.dsig.SHA256.multipart.eml"));
        MimeEntity inner = outer.Children[0];
        Assert.Equal("multipart/signed", inner.MediaType);

        foreach (MimeEntity layer in new[] { outer, inner })
        {
            var cms = new SignedCms(new ContentInfo(layer.Children[0].RawEntity.ToArray()), detached: true);
            cms.Decode(layer.Children[1].DecodeContent());
            cms.CheckSignature(verifySignatureOnly: true);
        }

        Assert.Equal("This is a test message from Alice to Bob.\r\n", inner.Children[0].DecodeText());
    }
}
