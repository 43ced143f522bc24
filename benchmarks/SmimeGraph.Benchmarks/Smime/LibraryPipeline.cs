using SmimeGraph.Graph;
using SmimeGraph.Mime;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The library's side of every benchmark: the one place the suite calls the SmimeGraph pipeline.
/// Swap the bodies below for the composer and every benchmark (head-to-head, parallel, ceiling)
/// measures the real thing; nothing else changes.
/// </summary>
internal static class LibraryPipeline
{
    /// <summary>
    /// True while <see cref="ComposeAsync"/> and <see cref="PredictRequestBodyLength"/> are stand-ins;
    /// the ratio table marks the pipeline rows "(placeholder)". Set to false when the composer is plugged in.
    /// </summary>
    public const bool IsPlaceholder = true;

    /// <summary>Composes the fixture's message into a ready Graph body.</summary>
    public static async Task<GraphPayload> ComposeAsync(MessageFixture fixture, SmimeOperation operation, CancellationToken cancellationToken = default)
    {
        // ═══ LIBRARY PIPELINE SLOT ═══════════════════════════════════════════════════════════
        // PLACEHOLDER: encodes the MIME the baseline built once in setup, so today this measures
        // only the last stage (base64 into the pooled, ceiling-guarded body). When SmimeComposer
        // lands, add the signer and encryption options to MessageFixture (next to Certificates:
        //   public SmimeSigner Signer => new() { Certificate = Certificates.Signer };
        //   public SmimeEncryptionOptions Encryption => new() { Recipients = { Certificates.Recipient } };)
        // and replace the three lines below with the composer's call, e.g.
        //   MessageSpec spec = fixture.CreateSpec();
        //   return await (operation switch
        //   {
        //       SmimeOperation.Sign => SmimeComposer.SignAsync(spec, fixture.Signer, cancellationToken: cancellationToken),
        //       SmimeOperation.Encrypt => SmimeComposer.EncryptAsync(spec, fixture.Encryption, cancellationToken: cancellationToken),
        //       _ => SmimeComposer.SignAndEncryptAsync(spec, fixture.Signer, fixture.Encryption, cancellationToken: cancellationToken),
        //   }).ConfigureAwait(false);
        // then set IsPlaceholder to false.
        byte[] mime = fixture.Composition(operation).Mime;
        using var source = new MemoryStream(mime, writable: false);
        return await GraphPayload.FromMimeAsync(source, GraphPayload.DefaultCeiling, cancellationToken).ConfigureAwait(false);
        // ═════════════════════════════════════════════════════════════════════════════════════
    }

    /// <summary>The predicted request-body length of <paramref name="spec"/>, without reading any content.</summary>
    public static long PredictRequestBodyLength(MessageSpec spec, SmimeOperation operation)
    {
        // ═══ LIBRARY PREDICTION SLOT ═════════════════════════════════════════════════════════
        // PLACEHOLDER: the benchmark's own size model over the attachment lengths (calibrated for
        // the fixture's headers only). Replace with SmimeComposer.PredictSize(spec, options).
        long attachments = 0;
        foreach (MimeAttachment attachment in spec.Attachments)
        {
            attachments += attachment.Length ?? throw new InvalidOperationException($"The length of '{attachment.FileName}' is unknown.");
        }

        return SizeModel.RequestBodyLength(attachments, operation);
        // ═════════════════════════════════════════════════════════════════════════════════════
    }
}
