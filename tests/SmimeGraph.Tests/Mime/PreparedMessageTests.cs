using System.Text;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;
using SmimeGraph.Tests.Smime;

namespace SmimeGraph.Tests.Mime;

/// <summary>
/// A message built elsewhere (routing fields plus a canonical body entity with streamed
/// contents) goes through the same single pass as a MessageSpec; what is not canonical or not
/// a safe header line is refused before anything is written.
/// </summary>
public sealed class PreparedMessageTests
{
    private const string Body = "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello Bob\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n";

    [Fact]
    public async Task OpenSsl_verifies_a_signed_prepared_message_and_gets_the_content_back()
    {
        byte[] content = Bytes(10_000);
        PreparedMessage message = Prepared(content, length: content.Length);
        string dir = TestPaths.NewTempDirectory();
        string eml = Path.Combine(dir, "message.eml");
        await using (FileStream file = File.Create(eml))
        {
            await new SmimeComposer().WriteMimeAsync(message, new SmimeOptions { Signer = SmimeFixture.Signer() }, file);
        }

        string verified = Path.Combine(dir, "verified.eml");
        PeerResult result = Peer.OpenSsl("cms", "-verify", "-in", eml, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", verified);
        result.EnsureSuccess("openssl cms -verify");

        PeerResult parsed = Peer.Python(
            """
            import sys, email, email.policy, hashlib
            msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            parts = list(msg.iter_parts())
            print(parts[0].get_content().strip())
            print(hashlib.sha256(parts[1].get_payload(decode=True)).hexdigest().upper())
            """,
            verified).EnsureSuccess("python email");
        string[] lines = parsed.StandardOutputText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Hello Bob", lines[0].Trim());
        Assert.Equal(SmimeFixture.Sha256Hex(content), lines[1].Trim());

        string outer = File.ReadAllText(eml);
        Assert.StartsWith("From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: Hi\r\n", outer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_every_length_known_the_prediction_is_exact_and_nothing_is_read_first()
    {
        byte[] content = Bytes(100_000);
        int opened = 0;
        PreparedMessage message = Prepared(content, length: content.Length, onOpen: () => opened++);
        var options = new SmimeOptions { Signer = SmimeFixture.Signer(), Encryption = SmimeFixture.Encryption() };
        var composer = new SmimeComposer();

        PayloadSizePrediction prediction = composer.PredictSize(message, options);
        Assert.True(prediction.IsExact);
        Assert.Equal(0, opened);

        using GraphPayload payload = await composer.ComposeAsync(message, options);
        Assert.Equal(prediction.BodyLength, payload.Length);
        Assert.Equal(1, opened);
    }

    [Fact]
    public async Task Over_the_ceiling_with_known_lengths_the_content_is_never_opened()
    {
        byte[] content = Bytes(10_000);
        int opened = 0;
        PreparedMessage message = Prepared(content, length: content.Length, onOpen: () => opened++);
        var options = new SmimeOptions { Signer = SmimeFixture.Signer(), Ceiling = 5_000 };

        PayloadTooLargeException error = await Assert.ThrowsAsync<PayloadTooLargeException>(() => new SmimeComposer().ComposeAsync(message, options));
        Assert.False(error.SizeIsLowerBound);
        Assert.Equal(5_000, error.Ceiling);
        Assert.Equal(0, opened);
    }

    [Fact]
    public async Task With_an_unknown_length_the_body_stops_at_the_ceiling()
    {
        PreparedMessage message = Prepared(Bytes(200_000), length: null);
        var options = new SmimeOptions { Signer = SmimeFixture.Signer(), Ceiling = 50_000 };

        Assert.False(new SmimeComposer().PredictSize(message, options).IsExact);
        PayloadTooLargeException error = await Assert.ThrowsAsync<PayloadTooLargeException>(() => new SmimeComposer().ComposeAsync(message, options));
        Assert.Equal(50_000, error.Ceiling);
    }

    [Fact]
    public async Task Date_and_Message_ID_are_added_when_missing_and_kept_when_given()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 21, 6, 4, 55, TimeSpan.Zero));
        var message = new PreparedMessage();
        message.Headers.Add(new MimeHeaderField("From", " Alice <alice@example.com>"));
        message.AppendText("Content-Type: text/plain\r\n\r\nHi\r\n");
        using GraphPayload added = await new SmimeComposer(clock).ComposeAsync(message, new SmimeOptions());
        string mime = Mime(added);
        Assert.Contains("\r\nDate: Sat, 21 Nov 2026 06:04:55 +0000\r\n", mime, StringComparison.Ordinal);
        Assert.Matches("\r\nMessage-ID: <[0-9a-f]{32}@example\\.com>\r\nMIME-Version: 1\\.0\r\n", mime);
        Assert.EndsWith("@example.com", added.InternetMessageId, StringComparison.Ordinal);

        message.Headers.Add(new MimeHeaderField("Date", " Fri, 20 Nov 2026 10:00:00 +0100"));
        message.Headers.Add(new MimeHeaderField("Message-ID", " <given@example.com>"));
        using GraphPayload kept = await new SmimeComposer(clock).ComposeAsync(message, new SmimeOptions());
        Assert.Equal("given@example.com", kept.InternetMessageId);
        string keptMime = Mime(kept);
        Assert.Contains("\r\nDate: Fri, 20 Nov 2026 10:00:00 +0100\r\nMessage-ID: <given@example.com>\r\nMIME-Version: 1.0\r\n", keptMime, StringComparison.Ordinal);
        Assert.Equal(2, keptMime.Split("\r\nDate: ").Length);
    }

    public static TheoryData<string, string> BadRoutingFields() => new()
    {
        { "Subject", " Hi\r\nBcc: eve@example.com" },
        { "Subject", " Hi\nX: y" },
        { "Subject", " Hi\0" },
        { "Bad Name", " x" },
    };

    [Theory]
    [MemberData(nameof(BadRoutingFields))]
    public async Task A_routing_field_that_would_inject_a_line_is_refused(string name, string rawValue)
    {
        PreparedMessage message = Prepared(Bytes(10), length: 10);
        message.Headers.Add(new MimeHeaderField(name, rawValue));
        await Assert.ThrowsAsync<HeaderInjectionException>(() => new SmimeComposer().ComposeAsync(message, new SmimeOptions()));
    }

    [Fact]
    public async Task A_folded_routing_field_is_kept()
    {
        PreparedMessage message = Prepared(Bytes(10), length: 10);
        message.Headers.Add(new MimeHeaderField("Subject", " a long\r\n subject"));
        using GraphPayload payload = await new SmimeComposer().ComposeAsync(message, new SmimeOptions());
        Assert.Contains("\r\nSubject: a long\r\n subject\r\n", Mime(payload), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadMessages() => new()
    {
        { "Content-Type", " text/plain", "Content-* fields belong to the body entity" },
        { "MIME-Version", " 1.0", "MIME-Version is written by the library" },
        { "Subject", " Grüße", "non-ASCII" },
        { "Subject", " " + new string('x', 1000), "longer than 998" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task A_routing_field_that_is_not_a_7bit_routing_line_is_refused(string name, string rawValue, string reason)
    {
        PreparedMessage message = Prepared(Bytes(10), length: 10);
        message.Headers.Add(new MimeHeaderField(name, rawValue));
        MimeFormatException error = await Assert.ThrowsAsync<MimeFormatException>(() => new SmimeComposer().ComposeAsync(message, new SmimeOptions()));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_the_reader_would_refuse_for_its_field_count_is_not_written()
    {
        PreparedMessage message = Prepared(Bytes(10), length: 10);
        var raw = new StringBuilder();
        for (int i = 0; i < MimeParserOptions.DefaultMaxHeaderCount; i++)
        {
            message.Headers.Add(new MimeHeaderField("Comments", " " + i));
            raw.Append("Comments: ").Append(i).Append("\r\n");
        }

        // The same header block, with the From, Date, Message-ID and MIME-Version the writer adds, is one the reader refuses.
        Assert.Throws<MimeFormatException>(() => MimeParser.Parse(Encoding.ASCII.GetBytes("From: a@example.com\r\n" + raw + "\r\nHi\r\n")));
        MimeFormatException error = await Assert.ThrowsAsync<MimeFormatException>(() => new SmimeComposer().ComposeAsync(message, new SmimeOptions()));
        Assert.Contains("MaxHeaderCount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folded_field_longer_than_the_reader_accepts_is_not_written()
    {
        PreparedMessage message = Prepared(Bytes(10), length: 10);
        string value = string.Concat(Enumerable.Repeat(" " + new string('x', 70) + "\r\n", 1000)).TrimEnd('\r', '\n');
        message.Headers.Add(new MimeHeaderField("Comments", value));

        MimeFormatException error = await Assert.ThrowsAsync<MimeFormatException>(() => new SmimeComposer().ComposeAsync(message, new SmimeOptions()));
        Assert.Contains("MaxHeaderFieldLength", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_without_From_is_refused()
    {
        var message = new PreparedMessage();
        message.Headers.Add(new MimeHeaderField("To", " bob@example.com"));
        message.AppendText("Content-Type: text/plain\r\n\r\nHi\r\n");
        MimeFormatException error = await Assert.ThrowsAsync<MimeFormatException>(() => new SmimeComposer().ComposeAsync(message, new SmimeOptions()));
        Assert.Contains("From", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { "Content-Type: text/plain\r\n\r\nbare\nLF\r\n", "LF without CR" },
        { "Content-Type: text/plain\r\n\r\nbare\rCR\r\n", "CR without LF" },
        { "Content-Type: text/plain\r\n\r\nGrüße\r\n", "non-ASCII" },
        { "Content-Type: text/plain\r\n\r\nNUL\0\r\n", "NUL" },
        { "Content-Type: text/plain\r\n\r\n" + new string('a', 999) + "\r\n", "longer than 998" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_body_entity_that_is_not_canonical_7bit_is_refused(string body, string reason)
    {
        var message = new PreparedMessage();
        message.Headers.Add(new MimeHeaderField("From", " alice@example.com"));
        message.AppendText(body);
        MimeFormatException error = await Assert.ThrowsAsync<MimeFormatException>(() => new SmimeComposer().ComposeAsync(message, new SmimeOptions { Signer = SmimeFixture.Signer() }));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_content_must_start_a_line()
    {
        var message = new PreparedMessage();
        message.Headers.Add(new MimeHeaderField("From", " alice@example.com"));
        message.AppendText("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nno line end");
        message.AppendBase64(() => new MemoryStream(Bytes(10)), 10, "data.bin");
        MimeFormatException error = await Assert.ThrowsAsync<MimeFormatException>(() => new SmimeComposer().ComposeAsync(message, new SmimeOptions()));
        Assert.Contains("data.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Header_protection_is_refused_rather_than_silently_left_out()
    {
        // RFC 9788 needs the header fields inside the protected entity; a PreparedMessage keeps
        // them outside as given, so asking for protection must fail, not send them unprotected.
        PreparedMessage message = Prepared(Bytes(10), length: 10);
        var options = new SmimeOptions { Signer = SmimeFixture.Signer(), ProtectHeaders = true };
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => new SmimeComposer().ComposeAsync(message, options));
        Assert.Contains("RFC 9788", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_content_shorter_than_declared_is_refused()
    {
        PreparedMessage message = Prepared(Bytes(10), length: 20);
        await Assert.ThrowsAsync<MimeFormatException>(() => new SmimeComposer().ComposeAsync(message, new SmimeOptions { Signer = SmimeFixture.Signer() }));
    }

    private static PreparedMessage Prepared(byte[] content, long? length, Action? onOpen = null)
    {
        var message = new PreparedMessage();
        message.Headers.Add(new MimeHeaderField("From", " Alice <alice@example.com>"));
        message.Headers.Add(new MimeHeaderField("To", " bob@example.com"));
        message.Headers.Add(new MimeHeaderField("Subject", " Hi"));
        message.AppendText(Body)
            .AppendBase64(
                () =>
                {
                    onOpen?.Invoke();
                    return new MemoryStream(content, writable: false);
                },
                length,
                "data.bin")
            .AppendText("\r\n--b1--\r\n");
        return message;
    }

    private static byte[] Bytes(int length)
    {
        byte[] bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static string Mime(GraphPayload payload) => Encoding.ASCII.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(payload.ToArray())));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
