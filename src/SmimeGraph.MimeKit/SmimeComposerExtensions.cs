using MimeKit;
using SmimeGraph.Graph;
using SmimeGraph.Smime;

namespace SmimeGraph.MimeKit;

/// <summary>
/// <see cref="SmimeComposer"/> for MimeKit messages: sign and/or encrypt a
/// <see cref="MimeMessage"/> written by any client in the same single pass as a
/// <see cref="Mime.MessageSpec"/>, its routing fields outside (see
/// <see cref="MimeMessageExtensions.ToPreparedMessage"/>).
/// </summary>
public static class SmimeComposerExtensions
{
    /// <summary>The sizes the message will take, computed without reading any content; exact when every base64 part's length is known.</summary>
    public static PayloadSizePrediction PredictSize(this SmimeComposer composer, MimeMessage message, SmimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(composer);
        return composer.PredictSize(message.ToPreparedMessage(), options);
    }

    /// <summary>Signs and/or encrypts <paramref name="message"/> as <paramref name="options"/> say and returns the Graph request body.</summary>
    /// <exception cref="PayloadTooLargeException">The body would exceed the ceiling: before any content is read when every part's length is known, otherwise the moment it reaches the ceiling.</exception>
    /// <exception cref="CertificatePolicyException">A certificate or algorithm is refused.</exception>
    /// <exception cref="MimeFormatException">A header field of the message cannot be written as a 7-bit line.</exception>
    public static async Task<GraphPayload> ComposeAsync(this SmimeComposer composer, MimeMessage message, SmimeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(composer);
        return await composer.ComposeAsync(message.ToPreparedMessage(), options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="message"/>, signed and/or encrypted, as MIME (an .eml file) to <paramref name="destination"/>.</summary>
    public static async Task<ComposedMessage> WriteMimeAsync(this SmimeComposer composer, MimeMessage message, SmimeOptions options, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(composer);
        return await composer.WriteMimeAsync(message.ToPreparedMessage(), options, destination, cancellationToken).ConfigureAwait(false);
    }
}
