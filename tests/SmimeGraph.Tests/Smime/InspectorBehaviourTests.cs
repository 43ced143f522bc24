using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;

namespace SmimeGraph.Tests.Smime;

public class InspectorBehaviourTests
{
    private static byte[] Nss(string file) => File.ReadAllBytes(ReaderVectors.Path("thunderbird-nss", "smime", file));

    private static string Text(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static InspectionResult Inspect(byte[] message) => SmimeInspector.Inspect(message, InspectorThunderbirdTests.NssOptions());

    [Fact]
    public void Signed_part_inside_an_unsigned_multipart_mixed_is_only_a_partial_signature()
    {
        string signed = Text(Nss("alice.dsig.SHA256.multipart.eml"));
        string entity = signed[signed.IndexOf("Content-Type: multipart/signed", StringComparison.Ordinal)..];
        string message =
            "From: Alice@example.com\r\nTo: Bob@example.com\r\nSubject: forwarded\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n" +
            "--outer\r\nContent-Type: text/plain\r\n\r\nThe attacker's text, signed by nobody.\r\n" +
            "--outer\r\n" + entity + "\r\n--outer--\r\n";
        InspectionResult result = Inspect(Bytes(message));

        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.True(layer.IsPartial);
        Assert.Equal("2", layer.Path);
        Assert.Equal("2.1", layer.CoveredPath);
        Assert.True(layer.Signatures[0].IsValidAndTrusted);
        Assert.False(result.IsSigned);
        Assert.True(result.HasPartialSignatures);
        Assert.False(result.IsValid);
        Assert.Equal("multipart/mixed", result.Content.MediaType);
    }

    [Fact]
    public void Lf_only_message_verifies_over_the_crlf_canonical_form()
    {
        string lf = Text(Nss("alice.dsig.SHA256.multipart.eml")).Replace("\r\n", "\n", StringComparison.Ordinal);
        InspectionResult result = Inspect(Bytes(lf));
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.True(layer.LineEndingsCanonicalized);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }

    [Fact]
    public void Altered_body_is_invalid_and_exact_bytes_are_tried_first()
    {
        InspectionResult good = Inspect(Nss("alice.dsig.SHA256.multipart.eml"));
        Assert.False(((SignatureLayer)good.Layers[0]).LineEndingsCanonicalized);
        Assert.True(good.IsValid);

        string altered = Text(Nss("alice.dsig.SHA256.multipart.eml")).Replace("from Alice to Bob", "from Alice to Eve", StringComparison.Ordinal);
        InspectionResult bad = Inspect(Bytes(altered));
        Assert.False(bad.IsValid);
        Assert.Contains("message digest", ((SignatureLayer)bad.Layers[0]).Signatures[0].Failure);
    }

    [Theory]
    [InlineData("sha-256", true)]
    [InlineData("sha256", true)]
    [InlineData("SHA-256", true)]
    [InlineData("sha-512", false)]
    [InlineData("sha1", false)]
    public void Micalg_spellings_are_accepted_and_a_wrong_one_reported(string micalg, bool clean)
    {
        string message = Text(Nss("alice.dsig.SHA256.multipart.eml")).Replace("micalg=sha-256", "micalg=" + micalg, StringComparison.Ordinal);
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(Inspect(Bytes(message)).Layers));
        Assert.Equal(micalg, layer.MicAlg);
        Assert.Equal(clean, layer.Problems.Count == 0);
    }

    [Fact]
    public void Smime_type_that_names_the_wrong_cms_type_is_noted_and_the_real_type_used()
    {
        string message = Text(Nss("alice.env.eml")).Replace("smime-type=enveloped-data", "smime-type=signed-data", StringComparison.Ordinal);
        InspectionResult result = Inspect(Bytes(message));
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.True(layer.IsDecrypted);
        Assert.Contains("smime-type says signed-data but the content is enveloped-data", layer.Notes);
        Assert.Empty(layer.Problems);

        // Opened, but encryption alone vouches for nobody.
        Assert.Equal(InspectionProblemCodes.EncryptedNotSigned, Assert.Single(result.Problems).Code);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("application/x-pkcs7-mime; name=smime.p7m; smime-type=signed-data")]
    [InlineData("application/octet-stream; name=smime.p7m")]
    public void Legacy_media_types_for_opaque_signatures_are_unwrapped(string contentType)
    {
        string original = Text(Nss("alice.sig.SHA256.opaque.eml"));
        int start = original.IndexOf("Content-Type: application/pkcs7-mime", StringComparison.Ordinal);
        int end = original.IndexOf("smime-type=signed-data", start, StringComparison.Ordinal) + "smime-type=signed-data".Length;
        string message = original[..start] + "Content-Type: " + contentType + original[end..];
        InspectionResult result = Inspect(Bytes(message));
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.Equal(SignatureForm.Opaque, layer.Form);
        Assert.True(result.IsValid);
        Assert.Contains("This is a test message from Alice to Bob.", result.Content.DecodeText());
    }

    [Fact]
    public void Without_the_right_key_the_layer_is_reported_not_thrown()
    {
        var options = new SmimeInspectorOptions { ValidationTime = ReaderVectors.PinnedTime };
        options.DecryptionCertificates.Add(ReaderVectors.NssKey("thunderbird-nss", "smime/Eve.p12"));
        InspectionResult result = SmimeInspector.Inspect(Nss("alice.sig.SHA256.opaque.env.eml"), options);
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.False(layer.IsDecrypted);
        Assert.Equal("AES-128-CBC", layer.ContentEncryptionAlgorithm);
        Assert.Contains("could not be decrypted", Assert.Single(layer.Problems).Message);
        Assert.False(result.IsValid);
        Assert.Equal("application/pkcs7-mime", result.Content.MediaType);
    }

    [Fact]
    public async Task Stream_input_gives_the_same_result()
    {
        using var stream = new MemoryStream(Nss("alice.dsig.SHA256.multipart.env.eml"));
        InspectionResult result = await SmimeInspector.InspectAsync(stream, InspectorThunderbirdTests.NssOptions());
        Assert.True(result.IsEncrypted);
        Assert.True(result.IsSigned);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Unprotected_message_has_no_layers()
    {
        InspectionResult result = Inspect(Bytes("From: a@example.com\r\nSubject: hi\r\n\r\nplain\r\n"));
        Assert.Empty(result.Layers);
        Assert.False(result.IsSigned);
        Assert.False(result.IsEncrypted);
        Assert.Null(result.SenderIsVouchedFor);
        Assert.False(result.IsValid);
        Assert.Equal("text/plain", result.Content.MediaType);
    }

    [Fact]
    public void Signer_who_is_not_the_sender_is_not_vouched_for()
    {
        string message = Text(Nss("alice.dsig.SHA256.multipart.eml")).Replace("From: Alice@example.com", "From: Mallory <mallory@example.com>", StringComparison.Ordinal);
        InspectionResult result = Inspect(Bytes(message));
        Assert.False(((SignatureLayer)result.Layers[0]).Signatures[0].SignerMatchesSender);
        Assert.False(result.SenderIsVouchedFor);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("From: mallory@example.com (<Alice@example.com>)")]
    [InlineData("From: \"Alice <Alice@example.com>\" <mallory@example.com>")]
    [InlineData("From: =?utf-8?Q?=3CAlice=40example=2Ecom=3E?= <mallory@example.com>")]
    public void An_address_in_a_comment_or_display_name_is_not_the_sender(string from)
    {
        // RFC 5322 §3.4: only the addr-spec is the address; a comment, a quoted display name or an
        // encoded-word that merely shows the signer's address must not make the signer the sender.
        string message = Text(Nss("alice.dsig.SHA256.multipart.eml")).Replace("From: Alice@example.com", from, StringComparison.Ordinal);
        InspectionResult result = Inspect(Bytes(message));
        Assert.DoesNotContain(result.SenderAddresses, a => a.Contains("Alice", StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual(true, ((SignatureLayer)result.Layers[0]).Signatures[0].SignerMatchesSender);
        Assert.NotEqual(true, result.SenderIsVouchedFor);
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("From: Alice@example.com (Alice)")]
    [InlineData("From: \"Alice, the sender\" <Alice@example.com>")]
    [InlineData("From: =?utf-8?Q?Alice_=E2=9C=93?= <Alice@example.com>")]
    [InlineData("From: \"Alice@example.com\" <Alice@example.com>")]
    public void The_sender_address_is_found_beside_comments_and_display_names(string from)
    {
        string message = Text(Nss("alice.dsig.SHA256.multipart.eml")).Replace("From: Alice@example.com", from, StringComparison.Ordinal);
        InspectionResult result = Inspect(Bytes(message));
        Assert.Contains("Alice@example.com", result.SenderAddresses);
        Assert.True(result.SenderIsVouchedFor);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Nesting_beyond_the_layer_limit_stops()
    {
        var options = InspectorThunderbirdTests.NssOptions();
        options.Limits = new InspectionLimits { MaxLayers = 1 };
        InspectionResult result = SmimeInspector.Inspect(Nss("alice.sig.SHA256.opaque.env.eml"), options);
        Assert.Equal(2, result.Layers.Count);
        Assert.Equal(InspectionProblemCodes.LayerLimit, Assert.Single(result.Layers[1].Problems).Code);
        Assert.Contains("nested", result.Layers[1].Problems[0].Message);
    }

    [Theory]
    [InlineData("alice.html.sig.SHA256.opaque.eml", false, true)]
    [InlineData("alice.html.sig.SHA256.opaque.env.eml", true, true)]
    [InlineData("alice.html.sig.SHA512.opaque.env.eml", true, true)]
    [InlineData("alice.html.sig.SHA1.opaque.env.eml", true, false)]
    public void Html_messages_unwrap_to_their_html_content(string file, bool encrypted, bool valid)
    {
        InspectionResult result = Inspect(Nss(file));
        Assert.Equal(encrypted, result.IsEncrypted);
        Assert.True(result.IsSigned);
        Assert.Equal(valid, result.IsValid);
        Assert.Contains("text/html", result.Content.MediaType + string.Join(",", result.Content.Children.Select(c => c.MediaType)));
    }
}
