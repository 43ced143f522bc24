using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Buffers;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Encryption on a second core (the signed entity written on one thread, encrypted and encoded on
/// another): the peers read the result as they read the one-thread result, and every failure is
/// the one the one-thread composer reports.
/// </summary>
public sealed class SmimeComposerSecondCoreTests
{
    // Large enough for several hand-overs (64 KiB each) of the signed entity.
    private const int AttachmentLength = 400_000;

    private static readonly SmimeComposer OneThread = new() { SecondCore = SecondCore.Never };
    private static readonly SmimeComposer TwoThreads = new() { SecondCore = SecondCore.Always };

    [Theory]
    [InlineData("sign+encrypt")]
    [InlineData("sign-opaque+encrypt")]
    [InlineData("encrypt-oaep")]
    [InlineData("sign-ecdsa+encrypt-ecdh")]
    public async Task OpenSsl_decrypts_and_verifies_what_was_encrypted_on_a_second_core(string mode)
    {
        SmimeOptions options = SmimeComposerInteropTests.Options(mode);
        string dir = TestPaths.NewTempDirectory();
        string eml = Path.Combine(dir, "message.eml");
        await using (FileStream file = File.Create(eml))
        {
            await TwoThreads.WriteMimeAsync(SmimeFixture.Message(AttachmentLength), options, file);
        }

        bool ecdh = mode.Contains("ecdh", StringComparison.Ordinal);
        string recipient = ecdh ? "recipient-ecdh-p256" : "recipient-rsa2048";
        string decrypted = Path.Combine(dir, "decrypted.eml");
        Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", TestPaths.Cert(recipient + ".pem"), "-inkey", TestPaths.Cert(recipient + ".key.pem"), "-out", decrypted)
            .EnsureSuccess("openssl cms -decrypt");
        string current = decrypted;
        if (options.Signer is not null)
        {
            string verified = Path.Combine(dir, "verified.eml");
            string[] binary = options.OpaqueSignature ? ["-binary"] : [];
            PeerResult result = Peer.OpenSsl(["cms", "-verify", .. binary, "-in", decrypted, "-CAfile", TestPaths.Cert("root-ca.pem"), "-out", verified]);
            result.EnsureSuccess("openssl cms -verify");
            Assert.Contains("Verification successful", result.StandardError, StringComparison.Ordinal);
            current = verified;
        }

        PeerResult parsed = Peer.Python(
            """
            import sys, email, email.policy, hashlib
            msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
            for part in msg.iter_attachments():
                print(part.get_filename(), hashlib.sha256(part.get_payload(decode=True)).hexdigest().upper())
            """,
            current).EnsureSuccess("python email");
        byte[] attachment = new byte[AttachmentLength];
        new Random(AttachmentLength).NextBytes(attachment);
        Assert.Equal("figures.bin " + SmimeFixture.Sha256Hex(attachment), parsed.StandardOutputText.Trim());
    }

    [Fact]
    public async Task The_body_is_as_long_as_the_one_thread_body_and_EnvelopedCms_and_SignedCms_read_it()
    {
        SmimeOptions options = SmimeComposerInteropTests.Options("sign+encrypt");
        using GraphPayload one = await OneThread.ComposeAsync(SmimeFixture.Message(AttachmentLength), options);
        using GraphPayload two = await TwoThreads.ComposeAsync(SmimeFixture.Message(AttachmentLength), options);

        Assert.Equal(one.Length, two.Length);
        byte[] mime = Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(two.ToArray()));
        string text = System.Text.Encoding.ASCII.GetString(mime);
        int body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var enveloped = new EnvelopedCms();
        enveloped.Decode(Convert.FromBase64String(text[body..]));
        enveloped.Decrypt(new X509Certificate2Collection(SmimeFixture.LoadPfx("recipient-rsa2048")));
        string inner = System.Text.Encoding.ASCII.GetString(enveloped.ContentInfo.Content);

        // multipart/signed (RFC 8551 §3.5.3): the first part, then the base64 signature part.
        string boundary = inner[(inner.IndexOf("boundary=\"", StringComparison.Ordinal) + 10)..];
        boundary = boundary[..boundary.IndexOf('"', StringComparison.Ordinal)];
        string[] parts = inner.Split("--" + boundary);
        string signedPart = parts[1][2..^2];
        string signaturePart = parts[2];
        byte[] signature = Convert.FromBase64String(signaturePart[(signaturePart.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        var signed = new SignedCms(new ContentInfo(System.Text.Encoding.ASCII.GetBytes(signedPart)), detached: true);
        signed.Decode(signature);
        signed.CheckSignature(verifySignatureOnly: true);
    }

    [Fact]
    public async Task A_body_that_crosses_the_ceiling_on_the_second_core_is_refused_as_on_one()
    {
        // Length unknown: nothing is refused up front, the body's guard trips while the second
        // core encodes.
        SmimeOptions options = SmimeComposerInteropTests.Options("sign+encrypt", ceiling: 300_000);

        var one = await Assert.ThrowsAsync<PayloadTooLargeException>(() => OneThread.ComposeAsync(UnknownLength(new byte[AttachmentLength]), options));
        var two = await Assert.ThrowsAsync<PayloadTooLargeException>(() => TwoThreads.ComposeAsync(UnknownLength(new byte[AttachmentLength]), options));

        Assert.True(two.SizeIsLowerBound);
        Assert.Equal(one.Ceiling, two.Ceiling);
        Assert.Equal(one.Message, two.Message);
    }

    [Fact]
    public async Task A_failing_attachment_is_reported_as_on_one_thread()
    {
        SmimeOptions options = SmimeComposerInteropTests.Options("sign+encrypt");
        var spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("broken.bin", () => new FailingAfterStream(new byte[AttachmentLength]), length: AttachmentLength + 1));

        var ex = await Assert.ThrowsAsync<IOException>(() => TwoThreads.ComposeAsync(spec, options));
        Assert.Equal("attachment source failed", ex.Message);
    }

    [Fact]
    public async Task Cancellation_while_the_second_core_encrypts_stops_the_message()
    {
        SmimeOptions options = SmimeComposerInteropTests.Options("sign+encrypt");
        using var cancellation = new CancellationTokenSource();
        var spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("slow.bin", () => new CancellingStream(new byte[AttachmentLength], cancellation), length: AttachmentLength));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TwoThreads.ComposeAsync(spec, options, cancellation.Token));
    }

    private static MessageSpec UnknownLength(byte[] data)
    {
        var spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("stream.bin", () => new UnseekableStream(data), length: null));
        return spec;
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    private sealed class FailingAfterStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("attachment source failed");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Cancels the composition once half the attachment has been read.</summary>
    private sealed class CancellingStream(byte[] data, CancellationTokenSource cancellation) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= Length / 2)
            {
                cancellation.Cancel();
            }

            return base.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
