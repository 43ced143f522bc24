using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Buffers;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;
using SmimeGraph.Tests.Interop;
using SmimeGraph.Tests.Support;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// <see cref="SmimeInspector.InspectStreaming"/> reads the message once as a stream: the same
/// verdict, layers and problems as the whole-message inspector on every message of the test data
/// (Thunderbird/NSS, Outlook, OpenSSL, BouncyCastle, the RFCs) and on SmimeGraph's own output in
/// each protection mode; the content it writes is the bytes of the content entity the
/// whole-message inspector finds; and its allocations do not grow with the message.
/// </summary>
public class StreamingInspectorTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> EveryMessage()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.EnumerateFiles(TestPaths.Data(), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".eml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".message", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".msg", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(TestPaths.Data(), file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMessage))]
    public void Every_test_message_gets_the_whole_message_verdict(string file)
    {
        byte[] message = File.ReadAllBytes(TestPaths.Data(file));
        SmimeInspectorOptions options = file.StartsWith("thunderbird-nss", StringComparison.Ordinal)
            ? InspectorThunderbirdTests.NssOptions()
            : new SmimeInspectorOptions { ValidationTime = At };
        AssertSameAsWhole(message, options);
    }

    public static TheoryData<string> Modes() => ["sign", "sign-opaque", "encrypt", "sign-encrypt", "sign-encrypt-aes128", "encrypt-gcm", "sign-encrypt-oaep-pss", "sign-encrypt-ecdh"];

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Own_messages_in_every_mode_get_the_whole_message_verdict(string mode)
    {
        byte[] message = await ComposeAsync(mode, attachmentLength: 70_000);
        int hashedOnSecondCore = DigestingReadStream.HashedOnSecondCoreOnThisThread;

        (InspectionResult streamed, byte[] content) = AssertSameAsWhole(message, Options());

        bool signed = mode.StartsWith("sign", StringComparison.Ordinal);

        // One of the two streamed runs took the signed content's digests on a second core.
        Assert.Equal(signed ? 1 : 0, DigestingReadStream.HashedOnSecondCoreOnThisThread - hashedOnSecondCore);
        Assert.Equal(signed, streamed.IsValid);
        Assert.Equal("multipart/mixed", streamed.Content.MediaType);
        Assert.Contains("figures.bin", Encoding.ASCII.GetString(content), StringComparison.Ordinal);
    }

    // Every pooled buffer may hold plaintext and is cleared when it goes back: one that is never
    // given back is never cleared.
    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Every_pooled_buffer_the_inspectors_rent_goes_back(string mode)
    {
        byte[] message = await ComposeAsync(mode, attachmentLength: 70_000);
        SmimeInspectorOptions options = Options();

        int before = CryptoPool.OutstandingOnThisThread;
        InspectionResult streamed = SmimeInspector.InspectStreaming(new MemoryStream(message), Stream.Null, options);
        Assert.Equal(before, CryptoPool.OutstandingOnThisThread);
        InspectionResult whole = SmimeInspector.Inspect(message, options);
        Assert.Equal(before, CryptoPool.OutstandingOnThisThread);

        Assert.Equal(Describe(whole), Describe(streamed));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Every_pooled_buffer_the_composer_rents_goes_back(string mode)
    {
        // Into memory every write completes at once, so the composition runs on this thread.
        int before = CryptoPool.OutstandingOnThisThread;
        Task<byte[]> composed = ComposeAsync(mode, attachmentLength: 70_000);
        Assert.True(composed.IsCompletedSuccessfully);
        Assert.Equal(before, CryptoPool.OutstandingOnThisThread);
    }

    // Each layer below the MIME reader (base64, BER, the cipher) hands on blocks of its own size;
    // a message that arrives a few bytes at a time, or in blocks of any size, is read the same.
    [Theory]
    [InlineData("sign-encrypt", 1)]
    [InlineData("sign-encrypt", 7)]
    [InlineData("sign-encrypt", 5_000)]
    [InlineData("sign-encrypt", 70_000)]
    [InlineData("sign-opaque", 13)]
    [InlineData("encrypt", 9_000)]
    public async Task A_message_read_in_blocks_of_any_size_gets_the_whole_message_verdict_and_content(string mode, int largestRead)
    {
        byte[] message = await ComposeAsync(mode, attachmentLength: 70_000);
        SmimeInspectorOptions options = Options();
        InspectionResult whole = SmimeInspector.Inspect(message, options);
        using var content = new MemoryStream();

        InspectionResult streamed = SmimeInspector.InspectStreaming(new RandomBlockStream(message, largestRead, seed: largestRead), content, options);

        Assert.Equal(Describe(whole), Describe(streamed));
        Assert.Equal(mode.StartsWith("sign", StringComparison.Ordinal), streamed.IsValid);
        Assert.Equal(SmimeFixture.Sha256Hex(whole.Content.RawEntity.ToArray()), SmimeFixture.Sha256Hex(content.ToArray()));
    }

    [Fact]
    public async Task The_content_written_is_what_openssl_decrypts_and_verifies()
    {
        byte[] message = await ComposeAsync("sign-encrypt", attachmentLength: 50_000);
        string dir = TestPaths.NewTempDirectory();
        string eml = Path.Combine(dir, "message.eml");
        string decrypted = Path.Combine(dir, "decrypted.eml");
        string verified = Path.Combine(dir, "verified.eml");
        File.WriteAllBytes(eml, message);
        Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", TestPaths.Cert("recipient-rsa2048.pem"), "-inkey", TestPaths.Cert("recipient-rsa2048.key.pem"), "-out", decrypted).EnsureSuccess("openssl cms -decrypt");
        // OpenSSL's multipart splitter in -binary mode drops the CR of CRLF line ends: the
        // default (canonical) mode writes the signed part as it is.
        Peer.OpenSsl("cms", "-verify", "-in", decrypted, "-CAfile", TestPaths.Cert("root-ca.pem"), "-attime", At.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "-out", verified).EnsureSuccess("openssl cms -verify");

        using var content = new MemoryStream();
        InspectionResult result = SmimeInspector.InspectStreaming(new MemoryStream(message), content, Options());

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(File.ReadAllBytes(verified), content.ToArray());
    }

    [Fact]
    public async Task Openssl_sign_then_encrypt_is_read_as_a_stream()
    {
        string dir = TestPaths.NewTempDirectory();
        string body = Path.Combine(dir, "body.txt");
        File.WriteAllText(body, "Content-Type: text/plain\r\n\r\nHello from OpenSSL, streamed.\r\n" + new string('x', 100_000) + "\r\n");
        string signed = Path.Combine(dir, "signed.eml");
        string encrypted = Path.Combine(dir, "encrypted.eml");
        string signer = Path.Combine(dir, "signer.pem");
        File.WriteAllText(signer, File.ReadAllText(TestPaths.Cert("signer-rsa2048.pem")) + File.ReadAllText(TestPaths.Cert("signer-rsa2048.key.pem")));
        Peer.OpenSsl("cms", "-sign", "-in", body, "-signer", signer, "-md", "sha256", "-nodetach", "-stream", "-out", signed, "-from", "alice@example.com").EnsureSuccess("openssl cms -sign");
        Peer.OpenSsl("cms", "-encrypt", "-in", signed, "-aes-256-cbc", "-stream", "-recip", TestPaths.Cert("recipient-rsa2048.pem"), "-out", encrypted, "-from", "alice@example.com").EnsureSuccess("openssl cms -encrypt");
        byte[] message = File.ReadAllBytes(encrypted);

        (InspectionResult result, byte[] content) = AssertSameAsWhole(message, Options(validationTime: null));

        Assert.Equal([typeof(EncryptionLayer), typeof(SignatureLayer)], result.Layers.Select(l => l.GetType()));
        Assert.Equal(SignatureForm.Opaque, ((SignatureLayer)result.Layers[1]).Form);
        Assert.Empty(result.Layers[0].Problems);
        Assert.Empty(result.Layers[1].Problems);
        Assert.StartsWith("Content-Type: text/plain\r\n\r\nHello from OpenSSL, streamed.", Encoding.ASCII.GetString(content), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_padding_in_the_last_block_is_a_decryption_failure()
    {
        byte[] message = await ComposeAsync("sign-encrypt", attachmentLength: 5_000);
        byte[] tampered = RewriteCiphertext(message, ciphertext => ciphertext[^1] ^= 0x5A);

        (InspectionResult result, _) = AssertSameAsWhole(tampered, Options());

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Code == InspectionProblemCodes.DecryptionFailed);
    }

    [Fact]
    public async Task Altered_signed_content_is_an_invalid_signature()
    {
        byte[] message = await ComposeAsync("sign", attachmentLength: 5_000);
        string text = Encoding.Latin1.GetString(message);
        byte[] altered = Encoding.Latin1.GetBytes(text.Replace("Second line", "Sekond line", StringComparison.Ordinal));
        Assert.NotEqual(message, altered);

        int hashedOnSecondCore = DigestingReadStream.HashedOnSecondCoreOnThisThread;
        (InspectionResult result, _) = AssertSameAsWhole(altered, Options());
        Assert.Equal(1, DigestingReadStream.HashedOnSecondCoreOnThisThread - hashedOnSecondCore);

        Assert.False(result.IsValid);
        Assert.False(Assert.Single(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures).IsSignatureValid);
    }

    [Fact]
    public async Task Bare_line_feeds_from_a_converting_relay_verify_over_the_crlf_form()
    {
        byte[] message = await ComposeAsync("sign", attachmentLength: 2_000);
        byte[] lf = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(message).Replace("\r\n", "\n", StringComparison.Ordinal));

        int hashedOnSecondCore = DigestingReadStream.HashedOnSecondCoreOnThisThread;
        (InspectionResult result, _) = AssertSameAsWhole(lf, Options());
        Assert.Equal(1, DigestingReadStream.HashedOnSecondCoreOnThisThread - hashedOnSecondCore);

        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.True(layer.LineEndingsCanonicalized);
        Assert.True(Assert.Single(layer.Signatures).IsSignatureValid);
    }

    [Fact]
    public async Task A_base64_error_deep_in_the_envelope_makes_the_layer_unreadable()
    {
        byte[] message = await ComposeAsync("sign-encrypt", attachmentLength: 60_000);
        string text = Encoding.ASCII.GetString(message);
        int at = text.LastIndexOf("\r\n\r\n", StringComparison.Ordinal);
        int bad = text.Length - 300;
        Assert.True(bad > at);
        byte[] broken = (byte[])message.Clone();
        broken[bad] = (byte)'*';

        (InspectionResult result, _) = AssertSameAsWhole(broken, Options());

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Code == InspectionProblemCodes.ContentUnreadable);
    }

    // RFC 2045 §6.8: whitespace anywhere in a base64 body is ignored, before the first character
    // too. The CMS type is found past it, as the whole-message inspector finds it.
    [Theory]
    [InlineData("sign-opaque", 5_000)]
    [InlineData("sign-encrypt", 12_000)]
    public async Task Blank_lines_before_the_base64_of_an_smime_part_do_not_hide_its_type(string mode, int blank)
    {
        byte[] message = await ComposeAsync(mode, attachmentLength: 20_000);
        string text = Encoding.ASCII.GetString(message);
        int bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var padding = new StringBuilder();
        while (padding.Length < blank)
        {
            padding.Append(' ', 70).Append("\r\n");
        }

        byte[] padded = Encoding.ASCII.GetBytes(text[..bodyStart] + padding + text[bodyStart..]);

        (InspectionResult result, _) = AssertSameAsWhole(padded, Options());

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }

    // The whole-message inspector decodes an S/MIME part before it learns its CMS type: a part
    // whose base64 breaks past where the streaming inspector peeks at the type is, in both, an
    // unreadable part, not a signature layer.
    [Theory]
    [InlineData(8_000)]
    [InlineData(-300)]
    public async Task A_base64_error_deep_in_an_opaque_signature_makes_the_part_unreadable(int at)
    {
        byte[] message = await ComposeAsync("sign-opaque", attachmentLength: 60_000);
        string text = Encoding.ASCII.GetString(message);
        int bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        byte[] broken = (byte[])message.Clone();
        broken[at > 0 ? bodyStart + at : text.Length + at] = (byte)'*';

        (InspectionResult result, _) = AssertSameAsWhole(broken, Options());

        Assert.False(result.IsValid);
        InspectionLayer layer = Assert.Single(result.Layers);
        Assert.IsType<EncryptionLayer>(layer);
        Assert.Equal(InspectionProblemCodes.ContentUnreadable, Assert.Single(layer.Problems).Code);
    }

    [Fact]
    public async Task Allocations_do_not_grow_with_the_message()
    {
        SmimeInspectorOptions options = Options();
        byte[] small = await ComposeAsync("sign-encrypt", attachmentLength: 64 * 1024, ceiling: 64_000_000);
        byte[] large = await ComposeAsync("sign-encrypt", attachmentLength: 8 * 1024 * 1024, ceiling: 64_000_000);

        // Once to warm up the pools and the crypto providers, then measured on this thread.
        Assert.True(SmimeInspector.InspectStreaming(new MemoryStream(small), Stream.Null, options).IsValid);
        long smallBytes = AllocatedBy(() => SmimeInspector.InspectStreaming(new MemoryStream(small), Stream.Null, options));
        long largeBytes = AllocatedBy(() => SmimeInspector.InspectStreaming(new MemoryStream(large), Stream.Null, options));
        long wholeBytes = AllocatedBy(() => SmimeInspector.Inspect(large, options));

        Assert.True(largeBytes - smallBytes < 512 * 1024, $"streaming: {smallBytes} bytes for {small.Length}, {largeBytes} bytes for {large.Length}");
        Assert.True(wholeBytes > 8L * large.Length / 10, $"the whole-message inspector allocated {wholeBytes} bytes for {large.Length}");
    }

    [Fact]
    public async Task The_message_limit_still_applies()
    {
        byte[] message = await ComposeAsync("sign", attachmentLength: 10_000);
        SmimeInspectorOptions options = Options();
        options.ParserOptions = new MimeParserOptions { MaxMessageSize = message.Length - 1 };

        Assert.Throws<MimeFormatException>(() => SmimeInspector.InspectStreaming(new MemoryStream(message), Stream.Null, options));
        Assert.Throws<MimeFormatException>(() => SmimeInspector.Inspect(message, options));

        // At the limit exactly, both read it.
        options.ParserOptions = new MimeParserOptions { MaxMessageSize = message.Length };
        Assert.True(SmimeInspector.InspectStreaming(new MemoryStream(message), Stream.Null, options).IsValid);
        Assert.True(SmimeInspector.Inspect(message, options).IsValid);
    }

    [Fact]
    public async Task The_async_form_gives_the_same_result()
    {
        byte[] message = await ComposeAsync("sign-encrypt", attachmentLength: 1_000);
        using var content = new MemoryStream();

        InspectionResult result = await SmimeInspector.InspectStreamingAsync(new MemoryStream(message), content, Options());

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(SmimeInspector.Inspect(message, Options()).Content.RawEntity.ToArray(), content.ToArray());
    }

    [Fact]
    public async Task A_quoted_printable_enveloped_part_is_read_whole_with_the_whole_message_verdict()
    {
        byte[] message = await ComposeAsync("sign-encrypt", attachmentLength: 20_000);
        string text = Encoding.ASCII.GetString(message);
        int bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        string header = text[..bodyStart].Replace("Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: quoted-printable", StringComparison.Ordinal);
        Assert.NotEqual(text[..bodyStart], header);
        byte[] qp = Encoding.ASCII.GetBytes(header + QuotedPrintable(Convert.FromBase64String(text[bodyStart..])));

        (InspectionResult result, byte[] content) = AssertSameAsWhole(qp, Options());

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal([typeof(EncryptionLayer), typeof(SignatureLayer)], result.Layers.Select(l => l.GetType()));
        Assert.Contains("figures.bin", Encoding.ASCII.GetString(content), StringComparison.Ordinal);
    }

    // RFC 2045 §6.7: every octet outside "!" to "~" (and "=") as =XX, soft line breaks under 76 characters.
    private static string QuotedPrintable(byte[] data)
    {
        var text = new StringBuilder();
        int line = 0;
        foreach (byte b in data)
        {
            string encoded = b is >= 33 and <= 126 and not (byte)'=' ? ((char)b).ToString() : "=" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
            if (line + encoded.Length > 72)
            {
                text.Append("=\r\n");
                line = 0;
            }

            text.Append(encoded);
            line += encoded.Length;
        }

        return text.Append("\r\n").ToString();
    }

    [Theory]
    [InlineData(SubjectIdentifierType.IssuerAndSerialNumber)]
    [InlineData(SubjectIdentifierType.SubjectKeyIdentifier)]
    public async Task An_envelope_only_an_unaddressed_recipient_info_opens_costs_the_whole_message_key_operations(SubjectIdentifierType identifier)
    {
        // The reader's certificate names recipient A (by issuerAndSerialNumber or SKI) but carries
        // B's key: A's key transport fails, B's RecipientInfo opens with it (RFC 3218 §2.3 tries
        // each key on the content).
        (byte[] message, SmimeInspectorOptions options) = MisaddressedEnvelope(identifier);

        int whole = await KeyOperationsAsync(o => SmimeInspector.InspectAsync(new MemoryStream(message), o), options);
        int streamed = await KeyOperationsAsync(o => Task.FromResult(SmimeInspector.InspectStreaming(new MemoryStream(message), Stream.Null, o)), options);
        int streamedAsync = await KeyOperationsAsync(o => SmimeInspector.InspectStreamingAsync(new MemoryStream(message), Stream.Null, o), options);

        // One failed key transport on A's RecipientInfo, one that opens B's.
        Assert.Equal(2, whole);
        Assert.Equal(whole, streamed);
        Assert.Equal(whole, streamedAsync);

        (InspectionResult result, byte[] content) = AssertSameAsWhole(message, options);
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.True(layer.IsDecrypted);
        Assert.Empty(layer.Problems);
        Assert.Same(options.DecryptionCertificates[0], layer.RecipientCertificate);
        Assert.Equal(MisaddressedPki.Content, content);
    }

    [Theory]
    [InlineData(SubjectIdentifierType.IssuerAndSerialNumber)]
    [InlineData(SubjectIdentifierType.SubjectKeyIdentifier)]
    public async Task The_key_operations_the_whole_message_inspector_needs_are_enough_when_streaming(SubjectIdentifierType identifier)
    {
        (byte[] message, SmimeInspectorOptions options) = MisaddressedEnvelope(identifier);
        options.Limits = new InspectionLimits { MaxPrivateKeyOperations = 2 };

        InspectionResult whole = await SmimeInspector.InspectAsync(new MemoryStream(message), options);
        Assert.True(Assert.IsType<EncryptionLayer>(Assert.Single(whole.Layers)).IsDecrypted, string.Join("; ", whole.Problems));

        (InspectionResult streamed, byte[] content) = AssertSameAsWhole(message, options);
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(streamed.Layers));
        Assert.DoesNotContain(streamed.Problems, p => p.Code == InspectionProblemCodes.LimitExceeded);
        Assert.True(layer.IsDecrypted, string.Join("; ", streamed.Problems));
        Assert.Equal(MisaddressedPki.Content, content);

        // One fewer and both stop at the limit, with the same problem.
        options.Limits = new InspectionLimits { MaxPrivateKeyOperations = 1 };
        (InspectionResult limited, _) = AssertSameAsWhole(message, options);
        Assert.Contains(Assert.Single(limited.Layers).Problems, p => p.Code == InspectionProblemCodes.LimitExceeded);
    }

    [Theory]
    [InlineData("EnvelopedCms, RSA PKCS #1 v1.5")]
    [InlineData("EnvelopedCms, RSAES-OAEP")]
    [InlineData("three RecipientInfos")]
    public async Task Several_addressed_recipient_infos_whose_first_key_is_wrong_open_as_in_the_whole_message_inspector(string envelope)
    {
        // Every RecipientInfo is addressed to the reader's certificate; the first one(s) carry a
        // well-formed content-encryption key of the right length that does not open the content.
        // The whole-message inspector tries each addressed key on the content and opens it with
        // the last one (RFC 5652 §6.2: the recipient uses the RecipientInfo it can decrypt).
        (byte[] message, SmimeInspectorOptions options, int keyOperations) = envelope switch
        {
            "EnvelopedCms, RSA PKCS #1 v1.5" => (FirstOfTwoAddressedKeysIsWrong(RSAEncryptionPadding.Pkcs1), ReaderOptions(TwoAddressedPki.Reader), 2),
            "EnvelopedCms, RSAES-OAEP" => (FirstOfTwoAddressedKeysIsWrong(RSAEncryptionPadding.OaepSHA256), ReaderOptions(TwoAddressedPki.Reader), 2),
            _ => (HostileMessages.ManyRecipientInfos(3, 2000), ReaderOptions(HostileMessages.Pki.Recipient), 3),
        };

        InspectionResult wholeResult = await SmimeInspector.InspectAsync(new MemoryStream(message), options);
        Assert.True(Assert.IsType<EncryptionLayer>(Assert.Single(wholeResult.Layers)).IsDecrypted, string.Join("; ", wholeResult.Problems));

        (InspectionResult result, byte[] content) = AssertSameAsWhole(message, options);
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.True(layer.IsDecrypted, string.Join("; ", result.Problems));
        Assert.Empty(layer.Problems);
        Assert.Same(options.DecryptionCertificates[0], layer.RecipientCertificate);
        Assert.Equal(wholeResult.Content.RawEntity.ToArray(), content);
        Assert.StartsWith("Content-Type: text/plain", Encoding.ASCII.GetString(content), StringComparison.Ordinal);

        int whole = await KeyOperationsAsync(o => SmimeInspector.InspectAsync(new MemoryStream(message), o), options);
        int streamed = await KeyOperationsAsync(o => Task.FromResult(SmimeInspector.InspectStreaming(new MemoryStream(message), Stream.Null, o)), options);
        int streamedAsync = await KeyOperationsAsync(o => SmimeInspector.InspectStreamingAsync(new MemoryStream(message), Stream.Null, o), options);
        Assert.Equal(keyOperations, whole);
        Assert.Equal(whole, streamed);
        Assert.Equal(whole, streamedAsync);
    }

    [Fact]
    public void One_addressed_recipient_info_among_others_is_still_decrypted_as_it_streams()
    {
        // The common envelope, to the reader and to someone else: one addressed RecipientInfo, so
        // its key is the only one the content can be decrypted with as it streams by. Allocations
        // do not grow with the content. Two RecipientInfos addressed to the reader make the same
        // envelope read whole (each addressed key may have to be tried on the content).
        SmimeInspectorOptions options = ReaderOptions(TwoAddressedPki.Reader);
        X509Certificate2 other = MisaddressedPki.Instance.Value.A;
        byte[] small = EnvelopedMessage(HostileMessages.TextEntity(64 * 1024), TwoAddressedPki.Reader, other);
        byte[] large = EnvelopedMessage(HostileMessages.TextEntity(4 * 1024 * 1024), TwoAddressedPki.Reader, other);
        byte[] twoAddressed = EnvelopedMessage(HostileMessages.TextEntity(4 * 1024 * 1024), TwoAddressedPki.Reader, TwoAddressedPki.Reader);

        // Once to warm up the pools and the crypto providers, then measured on this thread.
        Assert.True(Assert.IsType<EncryptionLayer>(Assert.Single(SmimeInspector.InspectStreaming(new MemoryStream(small), Stream.Null, options).Layers)).IsDecrypted);
        long smallBytes = AllocatedBy(() => SmimeInspector.InspectStreaming(new MemoryStream(small), Stream.Null, options));
        long largeBytes = AllocatedBy(() => SmimeInspector.InspectStreaming(new MemoryStream(large), Stream.Null, options));
        long twoAddressedBytes = AllocatedBy(() => SmimeInspector.InspectStreaming(new MemoryStream(twoAddressed), Stream.Null, options));

        Assert.True(largeBytes - smallBytes < 512 * 1024, $"one addressed: {smallBytes} bytes for {small.Length}, {largeBytes} bytes for {large.Length}");
        Assert.True(twoAddressedBytes > 8L * twoAddressed.Length / 10, $"two addressed: {twoAddressedBytes} bytes for {twoAddressed.Length}");
        AssertSameAsWhole(large, options);
        AssertSameAsWhole(twoAddressed, options);
    }

    private static SmimeInspectorOptions ReaderOptions(X509Certificate2 reader)
    {
        var options = new SmimeInspectorOptions { ValidationTime = At };
        options.DecryptionCertificates.Add(reader);
        return options;
    }

    // application/pkcs7-mime around an EnvelopedData that the platform's EnvelopedCms writes
    // (AES-256-CBC) for each recipient, in order.
    private static byte[] EnvelopedMessage(byte[] entity, params X509Certificate2[] recipients) =>
        PkcsMime(Envelope(entity, RSAEncryptionPadding.Pkcs1, recipients));

    private static byte[] Envelope(byte[] entity, RSAEncryptionPadding padding, params X509Certificate2[] recipients)
    {
        var cms = new EnvelopedCms(new ContentInfo(entity), new AlgorithmIdentifier(new Oid("2.16.840.1.101.3.4.1.42")));
        var collection = new CmsRecipientCollection();
        foreach (X509Certificate2 recipient in recipients)
        {
            collection.Add(new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, recipient, padding));
        }

        cms.Encrypt(collection);
        return cms.Encode();
    }

    private static byte[] PkcsMime(byte[] der) => Encoding.ASCII.GetBytes(
        "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: enveloped\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks) + "\r\n");

    // EnvelopedCms writes two RecipientInfos for the reader's certificate; the first one's
    // encryptedKey is then replaced by the encryption of another random AES-256 key under the
    // same public key. The platform confirms the envelope: the first RecipientInfo does not
    // decrypt the content (its last block's padding is wrong under that key), the second does.
    private static byte[] FirstOfTwoAddressedKeysIsWrong(RSAEncryptionPadding padding)
    {
        X509Certificate2 reader = TwoAddressedPki.Reader;
        byte[] der = Envelope(TwoAddressedPki.Content, padding, reader, reader);
        var decoded = new EnvelopedCms();
        decoded.Decode(der);
        Assert.Equal(2, decoded.RecipientInfos.Count);
        byte[] first = decoded.RecipientInfos[0].EncryptedKey;
        int at = der.AsSpan().IndexOf(first);
        Assert.True(at > 0);
        using RSA publicKey = reader.GetRSAPublicKey()!;
        using RSA privateKey = reader.GetRSAPrivateKey()!;
        for (int i = 0; i < 64; i++)
        {
            byte[] forged = publicKey.Encrypt(RandomNumberGenerator.GetBytes(32), padding);
            Assert.Equal(first.Length, forged.Length);
            byte[] changed = (byte[])der.Clone();
            forged.CopyTo(changed, at);
            var check = new EnvelopedCms();
            check.Decode(changed);
            Assert.Equal(forged, check.RecipientInfos[0].EncryptedKey);
            try
            {
                check.Decrypt(check.RecipientInfos[0], privateKey);
                continue;
            }
            catch (CryptographicException)
            {
                // The wrong key's padding is wrong: what this envelope needs.
            }

            check = new EnvelopedCms();
            check.Decode(changed);
            check.Decrypt(check.RecipientInfos[1], privateKey);
            Assert.Equal(TwoAddressedPki.Content, check.ContentInfo.Content);
            return PkcsMime(changed);
        }

        throw new InvalidOperationException("No wrong key with wrong padding in 64 tries.");
    }

    private static class TwoAddressedPki
    {
        public static byte[] Content { get; } = "Content-Type: text/plain; charset=us-ascii\r\n\r\nTwice for the same reader.\r\n"u8.ToArray();

        public static X509Certificate2 Reader { get; } = SmimeFixture.LoadPfx("recipient-rsa2048");
    }

    // The private-key operations one inspection performs: the smallest MaxPrivateKeyOperations
    // under which no layer stops at the limit (one fewer and the last operation is refused).
    private static async Task<int> KeyOperationsAsync(Func<SmimeInspectorOptions, Task<InspectionResult>> inspect, SmimeInspectorOptions options)
    {
        for (int limit = 1; limit <= 16; limit++)
        {
            options.Limits = new InspectionLimits { MaxPrivateKeyOperations = limit };
            InspectionResult result = await inspect(options);
            if (!result.Layers.SelectMany(l => l.Problems).Any(p => p.Code == InspectionProblemCodes.LimitExceeded))
            {
                return limit;
            }
        }

        throw new InvalidOperationException("More than 16 private-key operations.");
    }

    // An EnvelopedData written by the platform's EnvelopedCms (RSAES-OAEP, so a wrong key always
    // fails) for recipients A and B, and a reader holding a certificate that A's RecipientInfo
    // names but whose key is B's.
    private static (byte[] Message, SmimeInspectorOptions Options) MisaddressedEnvelope(SubjectIdentifierType identifier)
    {
        MisaddressedPki pki = MisaddressedPki.Instance.Value;
        var cms = new EnvelopedCms(new ContentInfo(MisaddressedPki.Content), new AlgorithmIdentifier(new Oid("2.16.840.1.101.3.4.1.42")));
        cms.Encrypt(new CmsRecipientCollection
        {
            new CmsRecipient(identifier, pki.A, RSAEncryptionPadding.OaepSHA256),
            new CmsRecipient(identifier, pki.B, RSAEncryptionPadding.OaepSHA256),
        });
        string message = "From: alice@example.com\r\nTo: a@example.com, b@example.com\r\nSubject: for two\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Convert.ToBase64String(cms.Encode(), Base64FormattingOptions.InsertLineBreaks) + "\r\n";
        var options = new SmimeInspectorOptions { ValidationTime = At };
        options.DecryptionCertificates.Add(pki.NamesAHoldsB);
        return (Encoding.ASCII.GetBytes(message), options);
    }

    private sealed class MisaddressedPki
    {
        public static readonly Lazy<MisaddressedPki> Instance = new(() => new MisaddressedPki());

        private MisaddressedPki()
        {
            using RSA rootKey = RSA.Create(2048);
            using RSA keyA = RSA.Create(2048);
            using RSA keyB = RSA.Create(2048);
            var root = new X500DistinguishedName("CN=Misaddressed Test Root");
            X509Certificate2 Issue(string name, PublicKey key, byte[] serial, byte[] ski)
            {
                var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, true));
                request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(ski, false));
                return request.Create(root, X509SignatureGenerator.CreateForRSA(rootKey, RSASignaturePadding.Pkcs1), At.AddYears(-1), At.AddYears(1), serial);
            }

            byte[] skiA = SHA1.HashData(keyA.ExportRSAPublicKey());
            A = Issue("a", new PublicKey(keyA), [0x01, 0x0A], skiA);
            B = Issue("b", new PublicKey(keyB), [0x01, 0x0B], SHA1.HashData(keyB.ExportRSAPublicKey()));
            using X509Certificate2 namesA = Issue("a", new PublicKey(keyB), [0x01, 0x0A], skiA);
            NamesAHoldsB = namesA.CopyWithPrivateKey(keyB);
        }

        public static byte[] Content { get; } = "Content-Type: text/plain; charset=us-ascii\r\n\r\nFor A and B.\r\n"u8.ToArray();

        public X509Certificate2 A { get; }

        public X509Certificate2 B { get; }

        /// <summary>A's issuer, serial number and SKI, and B's key.</summary>
        public X509Certificate2 NamesAHoldsB { get; }
    }

    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static (InspectionResult Streamed, byte[] Content) AssertSameAsWhole(byte[] message, SmimeInspectorOptions options)
    {
        int hashedOnSecondCore = DigestingReadStream.HashedOnSecondCoreOnThisThread;
        InspectionResult whole;
        try
        {
            whole = SmimeInspector.Inspect(message, options);
        }
        catch (MimeFormatException)
        {
            Assert.Throws<MimeFormatException>(() => SmimeInspector.InspectStreaming(new MemoryStream(message), Stream.Null, options));
            return (null!, []);
        }

        // Hashing on this thread, then on a second core from the first byte: the same result.
        SecondCore configured = options.SecondCore;
        options.SecondCore = SecondCore.Never;
        (InspectionResult streamed, MemoryStream content) = StreamInspect(message, options);
        Assert.Equal(0, DigestingReadStream.HashedOnSecondCoreOnThisThread - hashedOnSecondCore);
        options.SecondCore = SecondCore.Always;
        (InspectionResult twoCores, MemoryStream twoCoresContent) = StreamInspect(message, options);
        options.SecondCore = configured;
        Assert.Equal(Describe(streamed), Describe(twoCores));
        Assert.Equal(streamed.IsValid, twoCores.IsValid);
        Assert.Equal(content.ToArray(), twoCoresContent.ToArray());

        Assert.True(streamed.IsStreamed);
        Assert.False(whole.IsStreamed);
        Assert.Equal(Describe(whole), Describe(streamed));
        Assert.Equal(whole.IsValid, streamed.IsValid);
        Assert.Equal(whole.Authenticity.IsAuthentic, streamed.Authenticity.IsAuthentic);
        Assert.Equal(whole.SenderAddresses, streamed.SenderAddresses);
        Assert.Equal(whole.Content.MediaType, streamed.Content.MediaType);
        Assert.Equal(whole.Content.Headers.Select(h => h.Name + ":" + h.Value), streamed.Content.Headers.Select(h => h.Name + ":" + h.Value));
        InspectionLayer? failed = whole.Layers.FirstOrDefault(l => ReferenceEquals(l.Entity, whole.Content) && l.Problems.Count > 0);
        if (failed is null)
        {
            // The content entity, byte for byte.
            Assert.Equal(SmimeFixture.Sha256Hex(whole.Content.RawEntity.ToArray()), SmimeFixture.Sha256Hex(content.ToArray()));
        }
        else
        {
            // The content is a layer that could not be opened: its header is the result's content.
            Assert.Equal(failed.Path, streamed.Layers.Single(l => ReferenceEquals(l.Entity, streamed.Content)).Path);
        }

        return (streamed, content.ToArray());
    }

    private static (InspectionResult Result, MemoryStream Content) StreamInspect(byte[] message, SmimeInspectorOptions options)
    {
        var content = new MemoryStream();
        int outstanding = CryptoPool.OutstandingOnThisThread;
        InspectionResult result = SmimeInspector.InspectStreaming(new MemoryStream(message), content, options);
        Assert.Equal(outstanding, CryptoPool.OutstandingOnThisThread);
        return (result, content);
    }

    // Everything the verdict rests on, one line per layer and problem.
    private static string Describe(InspectionResult result)
    {
        var text = new StringBuilder();
        foreach (InspectionLayer layer in result.Layers)
        {
            text.Append(layer.GetType().Name).Append(" depth=").Append(layer.Depth).Append(" path=").Append(layer.Path).Append(" partial=").Append(layer.IsPartial);
            switch (layer)
            {
                case EncryptionLayer encryption:
                    text.Append(" decrypted=").Append(encryption.IsDecrypted);
                    if (encryption.IsDecrypted)
                    {
                        text.Append(' ').Append(encryption.ContentEncryptionAlgorithm).Append(' ').Append(encryption.KeyManagementAlgorithm);
                    }

                    break;
                case SignatureLayer signature:
                    text.Append(' ').Append(signature.Form).Append(" covered=").Append(signature.CoveredPath).Append(" crlf=").Append(signature.LineEndingsCanonicalized);
                    foreach (SignatureVerdict verdict in signature.Signatures)
                    {
                        text.Append(" [").Append(verdict.DigestAlgorithm).Append(' ').Append(verdict.IsSignatureValid).Append(' ').Append(verdict.IsValidAndTrusted).Append(']');
                    }

                    break;
            }

            text.AppendLine();
            foreach (InspectionProblem problem in layer.Problems)
            {
                text.Append("  ").AppendLine(problem.Code);
            }
        }

        foreach (InspectionProblem problem in result.Problems)
        {
            text.Append("problem ").AppendLine(problem.Code);
        }

        return text.ToString();
    }

    private static SmimeInspectorOptions Options(DateTimeOffset? validationTime = default)
    {
        var options = new SmimeInspectorOptions { ValidationTime = validationTime == default ? At : validationTime };
        options.DecryptionCertificates.Add(SmimeFixture.LoadPfx("recipient-rsa2048"));
        options.DecryptionCertificates.Add(SmimeFixture.LoadPfx("recipient-ecdh-p256"));
        options.TrustAnchors.Add(SmimeFixture.LoadPem("root-ca"));
        return options;
    }

    private static async Task<byte[]> ComposeAsync(string mode, int attachmentLength, long? ceiling = null)
    {
        var options = new SmimeOptions
        {
            Signer = mode.StartsWith("sign", StringComparison.Ordinal) ? SmimeFixture.Signer(pss: mode.Contains("pss", StringComparison.Ordinal)) : null,
            OpaqueSignature = mode == "sign-opaque",
            Encryption = mode.Contains("encrypt", StringComparison.Ordinal)
                ? SmimeFixture.Encryption(
                    oaep: mode.Contains("oaep", StringComparison.Ordinal),
                    algorithm: mode.EndsWith("gcm", StringComparison.Ordinal) ? ContentEncryptionAlgorithm.Aes256Gcm : mode.EndsWith("aes128", StringComparison.Ordinal) ? ContentEncryptionAlgorithm.Aes128Cbc : ContentEncryptionAlgorithm.Aes256Cbc,
                    recipients: mode.EndsWith("ecdh", StringComparison.Ordinal) ? ["recipient-ecdh-p256"] : [])
                : null,
            Ceiling = ceiling ?? GraphPayload.DefaultCeiling,
        };

        using var output = new MemoryStream();
        await new SmimeComposer(new FixedTime(At)).WriteMimeAsync(SmimeFixture.Message(attachmentLength), options, output);
        return output.ToArray();
    }

    // Decodes the application/pkcs7-mime body, changes the encryptedContent, and encodes it again.
    private static byte[] RewriteCiphertext(byte[] message, Action<byte[]> change)
    {
        string text = Encoding.ASCII.GetString(message);
        int bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        byte[] der = Convert.FromBase64String(text[bodyStart..]);
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.BER);
        System.Formats.Asn1.AsnReader contentInfo = reader.ReadSequence();
        contentInfo.ReadObjectIdentifier();
        System.Formats.Asn1.AsnReader enveloped = contentInfo.ReadSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0)).ReadSequence();
        enveloped.ReadInteger();
        enveloped.ReadSetOf();
        System.Formats.Asn1.AsnReader encryptedContentInfo = enveloped.ReadSequence();
        encryptedContentInfo.ReadObjectIdentifier();
        encryptedContentInfo.ReadSequence();
        ReadOnlyMemory<byte> tail = encryptedContentInfo.PeekEncodedValue();
        byte[] ciphertext = encryptedContentInfo.ReadOctetString(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0));
        change(ciphertext);

        // A definite-length primitive [0] of the same length replaces the original element in place
        // only when the original was primitive; rewrite it as one and re-encode the lengths.
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.BER);
        writer.WriteOctetString(ciphertext, new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0));
        byte[] replacement = writer.Encode();
        int offset = der.AsSpan().IndexOf(tail.Span);
        byte[] changed = [.. der.AsSpan(0, offset), .. replacement, .. der.AsSpan(offset + tail.Length)];
        Assert.Equal(replacement.Length, tail.Length);
        return Encoding.ASCII.GetBytes(text[..bodyStart] + Convert.ToBase64String(changed, Base64FormattingOptions.InsertLineBreaks) + "\r\n");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
