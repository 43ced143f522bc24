using System.Text;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Mime;

namespace SmimeGraph.Tests.Smime;

/// <summary>The ceiling: predicted exactly, enforced before any attachment byte is read.</summary>
public sealed class SmimeComposerSizeTests
{
    public static TheoryData<string, int> ModesAndSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string mode in SmimeComposerInteropTests.Modes)
        {
            foreach (int size in new[] { 0, 1, 57, 4096, 100_000 })
            {
                data.Add(mode, size);
            }
        }

        data.Add("none", 0);
        data.Add("none", 4096);
        return data;
    }

    private static SmimeOptions OptionsFor(string mode, long ceiling = GraphPayload.DefaultCeiling) =>
        mode == "none" ? new SmimeOptions { Ceiling = ceiling } : SmimeComposerInteropTests.Options(mode, ceiling);

    [Theory]
    [MemberData(nameof(ModesAndSizes))]
    public async Task Prediction_equals_the_produced_length(string mode, int attachmentLength)
    {
        var composer = new SmimeComposer();
        PayloadSizePrediction prediction = composer.PredictSize(SmimeFixture.Message(attachmentLength), OptionsFor(mode));
        Assert.True(prediction.IsExact);

        using GraphPayload payload = await composer.ComposeAsync(SmimeFixture.Message(attachmentLength), OptionsFor(mode));
        Assert.Equal(prediction.BodyLength, payload.Length);
        Assert.Equal(prediction.MimeLength, payload.MimeLength);
        Assert.Equal(payload.MimeLength, Convert.FromBase64String(Encoding.ASCII.GetString(payload.ToArray())).Length);
    }

    [Theory]
    [InlineData("sign-rsa")]
    [InlineData("encrypt-rsa")]
    [InlineData("sign+encrypt")]
    [InlineData("sign-ecdsa+encrypt-ecdh")]
    public async Task A_message_exactly_at_the_ceiling_is_accepted_and_one_byte_more_is_refused(string mode)
    {
        var composer = new SmimeComposer();
        long exact = composer.PredictSize(SmimeFixture.Message(20_000), OptionsFor(mode)).BodyLength!.Value;

        using (GraphPayload payload = await composer.ComposeAsync(SmimeFixture.Message(20_000), OptionsFor(mode, ceiling: exact)))
        {
            Assert.Equal(exact, payload.Length);
            Assert.Equal(0, payload.Headroom);
        }

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => composer.ComposeAsync(SmimeFixture.Message(20_000), OptionsFor(mode, ceiling: exact - 1)));
        Assert.Equal(exact, ex.Size);
        Assert.Equal(exact - 1, ex.Ceiling);
        Assert.Equal(1, ex.ExcessBytes);
    }

    [Theory]
    [InlineData("sign-rsa")]
    [InlineData("sign+encrypt")]
    [InlineData("none")]
    public async Task An_over_ceiling_message_is_refused_without_reading_its_attachment(string mode)
    {
        var spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Attachments.Add(MimeAttachment.FromStream("huge.bin", new ThrowingStream(5_000_000)));

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => new SmimeComposer().ComposeAsync(spec, OptionsFor(mode)));
        Assert.True(ex.Size > GraphPayload.DefaultCeiling);
        Assert.False(ex.SizeIsLowerBound);
        Assert.False(new SmimeComposer().PredictSize(spec, OptionsFor(mode)).Fits);
    }

    [Fact]
    public async Task An_attachment_of_unknown_length_is_stopped_by_the_hard_guard()
    {
        var spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("stream.bin", () => new UnseekableStream(new byte[3_500_000]), length: null));

        var composer = new SmimeComposer();
        Assert.Null(composer.PredictSize(spec, OptionsFor("sign+encrypt")).BodyLength);
        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => composer.ComposeAsync(spec, OptionsFor("sign+encrypt")));
        Assert.True(ex.SizeIsLowerBound);
        Assert.Equal(GraphPayload.DefaultCeiling, ex.Ceiling);
    }

    [Theory]
    [InlineData(4_000, typeof(PayloadTooLargeException))]
    [InlineData(GraphPayload.DefaultCeiling, typeof(IOException))]
    public async Task The_first_failure_is_the_one_reported_for_an_aes_gcm_envelope(long ceiling, Type expected)
    {
        // Length unknown, so nothing is refused up front; the stream fails after 20,000 bytes.
        // Under a 4,000-byte ceiling the plaintext crosses it first; under 4 MB the stream's own
        // failure comes first. Either way the envelope is not then completed into the body (AES-GCM
        // would only now write what it holds), which could hide the first failure.
        var spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("broken.bin", () => new FailingAfterStream(new byte[20_000]), length: null));
        var options = new SmimeOptions { Encryption = SmimeFixture.Encryption(algorithm: ContentEncryptionAlgorithm.Aes256Gcm), Ceiling = ceiling };

        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => new SmimeComposer().ComposeAsync(spec, options));
        Assert.IsType(expected, ex);
        if (ex is IOException)
        {
            Assert.Equal("attachment source failed", ex.Message);
        }
    }

    [Fact]
    public async Task Aes_gcm_with_an_attachment_of_unknown_length_stops_reading_at_the_ceiling()
    {
        // AES-GCM holds the plaintext until the end; without a bound it would read (and hold) all
        // 12 MB before the body could cross a 4 MB ceiling. The plaintext of a body that fits is
        // under three quarters of the ceiling, so reading stops there.
        var source = new CountingStream(new byte[12_000_000]);
        var spec = SmimeFixture.Message(attachmentLength: -1);
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("big.bin", () => source, length: null));
        var options = new SmimeOptions { Encryption = SmimeFixture.Encryption(algorithm: ContentEncryptionAlgorithm.Aes256Gcm) };

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => new SmimeComposer().ComposeAsync(spec, options));
        Assert.True(ex.SizeIsLowerBound);
        Assert.Equal(GraphPayload.DefaultCeiling, ex.Ceiling);
        Assert.True(ex.Size > ex.Ceiling);
        Assert.InRange(source.BytesRead, 1, GraphPayload.DefaultCeiling);
    }

    private sealed class CountingStream(byte[] data) : MemoryStream(data)
    {
        public long BytesRead { get; private set; }

        public override bool CanSeek => false;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private sealed class FailingAfterStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("attachment source failed");

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
