using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// PayloadSizePrediction.MaxAttachmentBytes and the hint of PayloadTooLargeException, in every
/// protection mode: what they promise is checked by composing the message and measuring the
/// request body it produces.
/// </summary>
public sealed class AttachmentRoomTests
{
    // Small enough that every mode composes in milliseconds, large enough for several base64 layers to matter.
    private const long Ceiling = 60_000;

    public static TheoryData<string> Modes()
    {
        var data = new TheoryData<string>();
        foreach (string mode in SmimeComposerInteropTests.Modes)
        {
            data.Add(mode);
        }

        data.Add("none");
        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task An_attachment_of_MaxAttachmentBytes_fits_and_one_byte_more_does_not(string mode)
    {
        var composer = new SmimeComposer();
        PayloadSizePrediction prediction = composer.PredictSize(SmimeFixture.Message(1000), OptionsFor(mode));
        long max = prediction.MaxAttachmentBytes!.Value;
        Assert.InRange(max, 1, Ceiling);

        using (GraphPayload payload = await composer.ComposeAsync(WithExtra(max), OptionsFor(mode)))
        {
            Assert.InRange(payload.Length, 1, Ceiling);
        }

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => composer.ComposeAsync(WithExtra(max + 1), OptionsFor(mode)));
        Assert.True(ex.Size > Ceiling);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task The_hint_names_exactly_how_much_the_attachment_must_shrink(string mode)
    {
        var composer = new SmimeComposer();
        const int length = 40_000;
        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => composer.ComposeAsync(SmimeFixture.Message(length), OptionsFor(mode)));
        Assert.Equal("figures.bin", ex.AttachmentFileName);
        long remove = ex.AttachmentBytesToRemove!.Value;
        Assert.InRange(remove, 1, length);
        Assert.Contains($"attachment 'figures.bin' {remove:N0} bytes smaller", ex.Message, StringComparison.Ordinal);

        using (GraphPayload payload = await composer.ComposeAsync(SmimeFixture.Message(length - (int)remove), OptionsFor(mode)))
        {
            Assert.InRange(payload.Length, 1, Ceiling);
        }

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => composer.ComposeAsync(SmimeFixture.Message(length - (int)remove + 1), OptionsFor(mode)));
    }

    [Fact]
    public async Task Sign_and_encrypt_at_Graphs_ceiling_counts_every_base64_layer()
    {
        // Three base64 layers (the attachment, the enveloped-data, Graph's body): the hint once
        // divided by two of them only and asked for about 1.37 times too much.
        var composer = new SmimeComposer();
        var options = SmimeComposerInteropTests.Options("sign+encrypt");
        const long length = 6_000_000;
        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => composer.ComposeAsync(WithUnreadAttachment(length), options));
        long keep = length - ex.AttachmentBytesToRemove!.Value;
        Assert.InRange(keep, 1_500_000, 1_700_000);

        PayloadSizePrediction prediction = composer.PredictSize(SmimeFixture.Message(-1), options, "figures.bin");
        Assert.Equal(keep, prediction.MaxAttachmentBytes);

        using (GraphPayload payload = await composer.ComposeAsync(WithExtra(keep, SmimeFixture.Message(-1), "figures.bin"), options))
        {
            Assert.InRange(payload.Length, 1, GraphPayload.DefaultCeiling);
        }

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => composer.ComposeAsync(WithUnreadAttachment(keep + 1), options));
    }

    [Fact]
    public async Task When_emptying_the_largest_attachment_is_not_enough_the_hint_counts_all_of_them()
    {
        var spec = SmimeFixture.Message(30_000);
        spec.Attachments.Add(MimeAttachment.FromStream("second.bin", new MemoryStream(new byte[30_000])));
        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => new SmimeComposer().ComposeAsync(spec, OptionsFor("sign+encrypt")));

        Assert.Null(ex.AttachmentFileName);
        Assert.InRange(ex.AttachmentBytesToRemove!.Value, 30_001, 60_000);
        Assert.Contains("bytes of attachment content", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_fits_when_the_message_alone_is_over_and_nothing_is_known_when_a_length_is_unknown()
    {
        var composer = new SmimeComposer();
        Assert.Null(composer.PredictSize(SmimeFixture.Message(70_000), OptionsFor("none")).MaxAttachmentBytes);

        var spec = SmimeFixture.Message(-1);
        spec.Attachments.Add(MimeAttachment.FromStream("unknown.bin", new UnseekableStream()));
        PayloadSizePrediction unknown = composer.PredictSize(spec, OptionsFor("sign-rsa"));
        Assert.False(unknown.IsExact);
        Assert.Null(unknown.MaxAttachmentBytes);
    }

    [Fact]
    public async Task A_message_with_no_attachment_gets_the_room_for_its_first_one()
    {
        // The first attachment turns the body into multipart/mixed: its headers and boundaries count too.
        var composer = new SmimeComposer();
        long max = composer.PredictSize(SmimeFixture.Message(-1), OptionsFor("sign-opaque+encrypt")).MaxAttachmentBytes!.Value;

        using (GraphPayload payload = await composer.ComposeAsync(WithExtra(max, SmimeFixture.Message(-1)), OptionsFor("sign-opaque+encrypt")))
        {
            Assert.InRange(payload.Length, 1, Ceiling);
        }

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => composer.ComposeAsync(WithExtra(max + 1, SmimeFixture.Message(-1)), OptionsFor("sign-opaque+encrypt")));
    }

    private static SmimeOptions OptionsFor(string mode) =>
        mode == "none" ? new SmimeOptions { Ceiling = Ceiling } : SmimeComposerInteropTests.Options(mode, Ceiling);

    private static MessageSpec WithExtra(long length, MessageSpec? spec = null, string name = "attachment.bin")
    {
        spec ??= SmimeFixture.Message(1000);
        byte[] data = new byte[length];
        new Random((int)length).NextBytes(data);
        spec.Attachments.Add(MimeAttachment.FromStream(name, new MemoryStream(data)));
        return spec;
    }

    // An attachment of a declared length whose content is never needed: the ceiling is checked first.
    private static MessageSpec WithUnreadAttachment(long length)
    {
        var spec = SmimeFixture.Message(-1);
        spec.Attachments.Add(MimeAttachment.FromStreamFactory("figures.bin", () => throw new InvalidOperationException("read"), length));
        return spec;
    }

    private sealed class UnseekableStream() : MemoryStream(new byte[10])
    {
        public override bool CanSeek => false;
    }
}
