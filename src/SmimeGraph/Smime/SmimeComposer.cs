using System.Diagnostics;
using SmimeGraph.Buffers;
using SmimeGraph.Graph;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>
/// Turns a <see cref="MessageSpec"/> into a signed and/or encrypted S/MIME message (RFC 8551)
/// in one streaming pass, and into the base64 Graph request body under a ceiling.
/// </summary>
/// <remarks>
/// The routing header fields (From, To, Cc, Bcc, Subject, Date, Message-ID, MIME-Version) stay
/// on the outer entity so Graph and Exchange can route the message; the signed entity is in
/// canonical 7-bit form (CRLF, base64 or quoted-printable, lines of at most 76 characters) so no
/// relay can break the signature. The size is predicted from the spec and checked against the
/// ceiling before any attachment is read; the encoder also stops hard at the ceiling.
/// </remarks>
public sealed class SmimeComposer
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a composer; <paramref name="timeProvider"/> fixes Date, signing time and validity checks (default: the system clock).</summary>
    public SmimeComposer(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>When encryption runs on a second core (tests force it on or off).</summary>
    internal SecondCore SecondCore { get; init; }

    /// <summary>
    /// Computes the MIME and request-body sizes without reading any attachment, and the largest
    /// attachment that could still be added (<see cref="PayloadSizePrediction.MaxAttachmentBytes"/>,
    /// for a file named <c>attachment.bin</c> of type <c>application/octet-stream</c>). Exact when
    /// every attachment's length is known. Applies the certificate policy (and throws as composing would).
    /// </summary>
    public PayloadSizePrediction PredictSize(MessageSpec spec, SmimeOptions options) =>
        PredictSize(spec, options, AttachmentRoom.DefaultFileName, "application/octet-stream");

    /// <summary>
    /// As <see cref="PredictSize(MessageSpec, SmimeOptions)"/>, with
    /// <see cref="PayloadSizePrediction.MaxAttachmentBytes"/> computed for an attachment of this
    /// file name and media type (both appear in its header, RFC 2183 §2).
    /// </summary>
    /// <param name="spec">The message.</param>
    /// <param name="options">The protection and the ceiling.</param>
    /// <param name="attachmentFileName">The file name of the attachment that might be added.</param>
    /// <param name="attachmentContentType">Its media type.</param>
    public PayloadSizePrediction PredictSize(MessageSpec spec, SmimeOptions options, string attachmentFileName, string attachmentContentType = "application/octet-stream")
    {
        ArgumentNullException.ThrowIfNull(attachmentFileName);
        ArgumentNullException.ThrowIfNull(attachmentContentType);
        MessagePlan plan = MessagePlan.Create(spec, options, _timeProvider);
        return plan.Predict(options.Ceiling) with
        {
            MaxAttachmentBytes = AttachmentRoom.LargestExtraAttachment(spec, plan, _timeProvider, options.Ceiling, attachmentFileName, attachmentContentType),
        };
    }

    /// <summary>
    /// Computes the sizes for a message built by another MIME library without reading any
    /// content: exact when every streamed content declares its length.
    /// </summary>
    public PayloadSizePrediction PredictSize(PreparedMessage message, SmimeOptions options) =>
        MessagePlan.Create(message, options, _timeProvider).Predict(options.Ceiling);

    /// <summary>Composes the message and returns the Graph request body.</summary>
    /// <exception cref="PayloadTooLargeException">The body would exceed <see cref="SmimeOptions.Ceiling"/>; no attachment was read when their lengths were known.</exception>
    /// <exception cref="CertificatePolicyException">A certificate or algorithm is refused.</exception>
    /// <exception cref="SmimeGraphException">The signer's private key could not sign (the platform refused the operation).</exception>
    public async Task<GraphPayload> ComposeAsync(MessageSpec spec, SmimeOptions options, CancellationToken cancellationToken = default) =>
        await ComposeAsync(spec, () => MessagePlan.Create(spec, options, _timeProvider), options, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Composes a message built by another MIME library (its routing fields outside, its body
    /// entity signed and/or encrypted) and returns the Graph request body.
    /// </summary>
    /// <exception cref="PayloadTooLargeException">The body would exceed <see cref="SmimeOptions.Ceiling"/>: before any content is read when every content length is known, otherwise the moment the body reaches the ceiling.</exception>
    /// <exception cref="CertificatePolicyException">A certificate or algorithm is refused.</exception>
    /// <exception cref="MimeFormatException">The routing fields or the body entity are not canonical (see <see cref="PreparedMessage"/>).</exception>
    public async Task<GraphPayload> ComposeAsync(PreparedMessage message, SmimeOptions options, CancellationToken cancellationToken = default) =>
        await ComposeAsync(null, () => MessagePlan.Create(message, options, _timeProvider), options, cancellationToken).ConfigureAwait(false);

    /// <summary>Signs the message (multipart/signed, or opaque signed-data when <paramref name="opaque"/>) and returns the Graph body.</summary>
    public Task<GraphPayload> SignAsync(MessageSpec spec, SmimeSigner signer, bool opaque = false, long ceiling = GraphPayload.DefaultCeiling, CancellationToken cancellationToken = default) =>
        ComposeAsync(spec, new SmimeOptions { Signer = signer ?? throw new ArgumentNullException(nameof(signer)), OpaqueSignature = opaque, Ceiling = ceiling }, cancellationToken);

    /// <summary>Encrypts the message (enveloped-data, or authEnveloped-data for AES-GCM) and returns the Graph body.</summary>
    public Task<GraphPayload> EncryptAsync(MessageSpec spec, SmimeEncryptionOptions encryption, long ceiling = GraphPayload.DefaultCeiling, CancellationToken cancellationToken = default) =>
        ComposeAsync(spec, new SmimeOptions { Encryption = encryption ?? throw new ArgumentNullException(nameof(encryption)), Ceiling = ceiling }, cancellationToken);

    /// <summary>Signs, then encrypts the message (RFC 8551 §3.7) and returns the Graph body.</summary>
    public Task<GraphPayload> SignAndEncryptAsync(MessageSpec spec, SmimeSigner signer, SmimeEncryptionOptions encryption, bool opaque = false, long ceiling = GraphPayload.DefaultCeiling, CancellationToken cancellationToken = default) =>
        ComposeAsync(
            spec,
            new SmimeOptions
            {
                Signer = signer ?? throw new ArgumentNullException(nameof(signer)),
                Encryption = encryption ?? throw new ArgumentNullException(nameof(encryption)),
                OpaqueSignature = opaque,
                Ceiling = ceiling,
            },
            cancellationToken);

    /// <summary>
    /// Writes the MIME message itself (e.g. an .eml file) to <paramref name="destination"/>, after
    /// the same ceiling check as <see cref="ComposeAsync(MessageSpec, SmimeOptions, CancellationToken)"/>.
    /// </summary>
    /// <remarks>
    /// The pipeline's stages are synchronous transforms, so <paramref name="destination"/> must
    /// accept synchronous writes (a <see cref="FileStream"/> or <see cref="MemoryStream"/>); to
    /// send a message over HTTP use <see cref="ComposeAsync(MessageSpec, SmimeOptions, CancellationToken)"/> and <see cref="GraphPayload.WriteToAsync"/>.
    /// With an attachment of unknown length the ceiling is checked only from what is known.
    /// </remarks>
    public async Task<ComposedMessage> WriteMimeAsync(MessageSpec spec, SmimeOptions options, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return await WriteMimeAsync(spec, MessagePlan.Create(spec, options, _timeProvider), options, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a message built by another MIME library as MIME (see <see cref="WriteMimeAsync(MessageSpec, SmimeOptions, Stream, CancellationToken)"/>).</summary>
    public async Task<ComposedMessage> WriteMimeAsync(PreparedMessage message, SmimeOptions options, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return await WriteMimeAsync(null, MessagePlan.Create(message, options, _timeProvider), options, destination, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GraphPayload> ComposeAsync(MessageSpec? spec, Func<MessagePlan> createPlan, SmimeOptions options, CancellationToken cancellationToken)
    {
        using Activity? activity = SmimeGraphDiagnostics.ActivitySource.StartActivity("Compose");
        long start = Stopwatch.GetTimestamp();
        PooledSegmentBuffer? body = null;
        try
        {
            ArgumentNullException.ThrowIfNull(options);
            activity?.SetTag("smimegraph.signed", options.Signer is not null);
            activity?.SetTag("smimegraph.encrypted", options.Encryption is not null);
            MessagePlan plan = createPlan();
            ThrowIfPredictedOverCeiling(spec, plan, options.Ceiling);

            body = new PooledSegmentBuffer(options.Ceiling);
            var encoder = new GraphBodyStream(body);
            await plan.WriteAsync(encoder, cancellationToken, SecondCore).ConfigureAwait(false);
            encoder.Complete();
            EnsurePredictionHeld(plan, encoder.BytesIn);
            GraphPayload payload = GraphPayload.FromCompletedBody(body, encoder.BytesIn, plan.MessageId);
            activity?.SetTag("smimegraph.body.size", payload.Length);
            SmimeGraphDiagnostics.ComposeDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
            SmimeGraphDiagnostics.ComposeBodySize.Record(payload.Length);
            return payload;
        }
        catch (Exception ex)
        {
            body?.Dispose();
            activity?.SetTag("error.type", ex.GetType().FullName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }

    private async Task<ComposedMessage> WriteMimeAsync(MessageSpec? spec, MessagePlan plan, SmimeOptions options, Stream destination, CancellationToken cancellationToken)
    {
        ThrowIfPredictedOverCeiling(spec, plan, options.Ceiling);
        var counting = new CountingWriteStream(destination);
        await plan.WriteAsync(counting, cancellationToken, SecondCore).ConfigureAwait(false);
        await counting.FlushAsync(cancellationToken).ConfigureAwait(false);
        EnsurePredictionHeld(plan, counting.BytesWritten);
        return new ComposedMessage(plan.MessageId, counting.BytesWritten);
    }

    // The hint of what to remove is computed from a MessageSpec's attachments; a PreparedMessage
    // (spec null) gets the size and the ceiling only.
    private static void ThrowIfPredictedOverCeiling(MessageSpec? spec, MessagePlan plan, long ceiling)
    {
        PayloadSizePrediction prediction = plan.Predict(ceiling);
        if (!prediction.Fits)
        {
            long size = prediction.BodyLength!.Value;
            (long Bytes, MimeAttachment? Attachment)? remove = spec is null ? null : AttachmentRoom.BytesToRemove(spec, plan, ceiling);
            throw remove is { } hint
                ? new PayloadTooLargeException(size, ceiling, hint.Bytes, hint.Attachment?.FileName)
                : new PayloadTooLargeException(size, ceiling);
        }
    }

    private static void EnsurePredictionHeld(MessagePlan plan, long written)
    {
        // A difference here is a defect in a writer's length arithmetic, never a user error.
        if (plan.MimeLength is long predicted && predicted != written)
        {
            throw new InvalidOperationException($"The message was predicted at {predicted} bytes but {written} were written.");
        }
    }
}
