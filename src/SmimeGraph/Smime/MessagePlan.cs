using System.Buffers;
using System.Security.Cryptography;
using SmimeGraph.Buffers;
using SmimeGraph.Cms;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>
/// One message's layout, fixed before a byte is written: the MIME writer (dates, ids and
/// boundaries fixed), the CMS writers, the S/MIME header blocks and every length. Writing it
/// is one pass: the body entity is produced once, hashed as it goes out (detached signature)
/// or streamed through the CMS writers, base64-encoded, and handed on.
/// </summary>
internal sealed class MessagePlan
{
    private readonly IMimeMessageSource _mime;
    private readonly SignedDataWriter? _signer;
    private readonly EnvelopedDataWriter? _envelope;
    private readonly bool _opaque;
    private readonly long _ceiling;

    // RFC 8551 §3.5.3 multipart/signed: the entity headers, a preamble and the first delimiter.
    private readonly byte[] _signedHead = [];

    // The delimiter before the signature part and its headers (RFC 8551 §3.5.3.1).
    private readonly byte[] _signaturePartHead = [];

    // The close delimiter (RFC 2046 §5.1.1).
    private readonly byte[] _signedTail = [];

    // RFC 8551 §3.5.2 / §3.3: application/pkcs7-mime entity headers.
    private readonly byte[] _opaqueHead = [];
    private readonly byte[] _envelopeHead = [];

    private MessagePlan(IMimeMessageSource mime, SignedDataWriter? signer, bool opaque, EnvelopedDataWriter? envelope, long ceiling, string? headerProtection)
    {
        _ceiling = ceiling;
        HeaderProtection = headerProtection;
        _mime = mime;
        _signer = signer;
        _opaque = opaque;
        _envelope = envelope;

        if (signer is not null && !opaque)
        {
            string boundary = MimeBoundary.Create();
            _signedHead = Render(w =>
            {
                HeaderWriter.WriteContentType(w, "multipart/signed", ("protocol", "application/pkcs7-signature"), ("micalg", signer.MicAlg), ("boundary", boundary));
                HeaderWriter.WriteAscii(w, "\r\nThis is an S/MIME signed message.\r\n--" + boundary + "\r\n");
            });
            _signaturePartHead = Render(w =>
            {
                HeaderWriter.WriteAscii(w, "\r\n--" + boundary + "\r\n");
                HeaderWriter.WriteContentType(w, "application/pkcs7-signature", ("name", "smime.p7s"));
                HeaderWriter.WriteField(w, "Content-Transfer-Encoding", "base64");
                HeaderWriter.WriteParameterizedField(w, "Content-Disposition", "attachment", ("filename", "smime.p7s"));
                HeaderWriter.WriteAscii(w, "\r\n");
            });
            _signedTail = System.Text.Encoding.ASCII.GetBytes("\r\n--" + boundary + "--\r\n");
        }
        else if (signer is not null)
        {
            _opaqueHead = Pkcs7MimeHead("signed-data");
        }

        if (envelope is not null)
        {
            _envelopeHead = Pkcs7MimeHead(envelope.IsAuthenticated ? "authEnveloped-data" : "enveloped-data");
        }

        SignedEntityLength = mime.BodyEntityLength is long entity ? PredictSignedEntityLength(entity) : null;
        MimeLength = mime.BodyEntityLength is long body ? PredictMimeLength(body) : null;
    }

    /// <summary>The length of the whole MIME message, or null when an attachment length is unknown.</summary>
    public long? MimeLength { get; }

    /// <summary>The length of the entity that is signed (or, unsigned, the body entity) — what encryption takes in.</summary>
    public long? SignedEntityLength { get; }

    public string MessageId => _mime.MessageId;

    /// <summary>The RFC 9788 hp value the body entity was written with ("clear", "cipher"), or null.</summary>
    public string? HeaderProtection { get; }

    /// <summary>The length of the body entity the MIME writer produces, or null when an attachment length is unknown.</summary>
    public long? BodyEntityLength => _mime.BodyEntityLength;

    public static MessagePlan Create(MessageSpec spec, SmimeOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Create(options, timeProvider, headerProtection => MimeMessageWriter.Create(spec, timeProvider, headerProtection));
    }

    public static MessagePlan Create(PreparedMessage message, SmimeOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Create(
            options,
            timeProvider,
            headerProtection => headerProtection is null
                ? PreparedMessageWriter.Create(message, timeProvider)
                : throw new ArgumentException("Header protection (RFC 9788, SmimeOptions.ProtectHeaders) is not available for a PreparedMessage: its header fields are written as given, outside the protection.", nameof(options)));
    }

    private static MessagePlan Create(SmimeOptions options, TimeProvider timeProvider, Func<string?, IMimeMessageSource> layOut)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Ceiling);

        // Certificates are checked first: a refused signer or recipient fails before anything else.
        // Both are prepared once per signer and recipient set and reused while they stay valid.
        SignedDataWriter? signer = options.Signer?.CreateWriter(timeProvider);
        EnvelopedDataWriter? envelope = options.Encryption?.CreateWriter(timeProvider);

        // RFC 9788 §2.1.1: hp="cipher" when the payload is encrypted, "clear" when only signed.
        string? headerProtection = !options.ProtectHeaders ? null : envelope is not null ? "cipher" : signer is not null ? "clear" : null;
        return new MessagePlan(layOut(headerProtection), signer, options.OpaqueSignature, envelope, options.Ceiling, headerProtection);
    }

    public PayloadSizePrediction Predict(long ceiling) =>
        new(MimeLength, MimeLength is null ? null : GraphBodyStream.EncodedLength(MimeLength.Value), ceiling);

    /// <summary>
    /// The same protection (signer, envelope, opaque or not) around another body: for sizing only,
    /// e.g. the message with one more attachment. Nothing is checked or signed again.
    /// </summary>
    public MessagePlan WithBody(MimeMessageWriter mime) => new(mime, _signer, _opaque, _envelope, _ceiling, HeaderProtection);

    /// <summary>
    /// The length of the entity that is signed (or, unsigned, the body entity) when the body
    /// entity is <paramref name="bodyEntityLength"/> bytes: the multipart/signed wrapper around
    /// it (RFC 8551 §3.5.3), or the base64 of an opaque SignedData (§3.5.2).
    /// </summary>
    public long PredictSignedEntityLength(long bodyEntityLength)
    {
        if (_signer is null)
        {
            return bodyEntityLength;
        }

        return _opaque
            ? _opaqueHead.Length + Base64LineStream.EncodedLength(_signer.PredictEncapsulatedLength(bodyEntityLength))
            : _signedHead.Length + bodyEntityLength + _signaturePartHead.Length + Base64LineStream.EncodedLength(_signer.DetachedLength) + _signedTail.Length;
    }

    /// <summary>
    /// The length of the whole MIME message when the body entity is <paramref name="bodyEntityLength"/>
    /// bytes: the routing headers, then every layer around the body (RFC 8551 §3.3 for the envelope).
    /// </summary>
    public long PredictMimeLength(long bodyEntityLength)
    {
        long signed = PredictSignedEntityLength(bodyEntityLength);
        long outer = _envelope is null ? signed : _envelopeHead.Length + Base64LineStream.EncodedLength(_envelope.PredictLength(signed));
        return _mime.RoutingHeadersLength + outer;
    }

    /// <summary>The length of Graph's base64 request body when the body entity is <paramref name="bodyEntityLength"/> bytes.</summary>
    public long PredictBodyLength(long bodyEntityLength) => GraphBodyStream.EncodedLength(PredictMimeLength(bodyEntityLength));

    /// <summary>
    /// The smallest signed entity (what encryption takes in) for which <see cref="SecondCore.Auto"/>
    /// encrypts on a second core: below it, handing chunks between threads costs more than the
    /// overlap saves.
    /// </summary>
    internal const long SecondCoreThreshold = 256 * 1024;

    /// <summary>Writes the whole MIME message to <paramref name="destination"/>.</summary>
    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken, SecondCore secondCore = SecondCore.Auto)
    {
        int busy = SecondCores.Enter();
        try
        {
            _mime.WriteRoutingHeaders(destination);
            if (_envelope is null)
            {
                await WriteSignedEntityAsync(destination, cancellationToken).ConfigureAwait(false);
                return;
            }

            destination.Write(_envelopeHead);
            bool pipelined = UseSecondCore(secondCore, busy);
            await WriteBase64Async(
                destination,
                base64 =>
                {
                    Stream stage = _envelope.Open(base64, SignedEntityLength);

                    // AES-GCM holds the plaintext until it completes, so the body's own guard would only
                    // see it at the end: bound what it may hold by the ceiling (length unknown up front).
                    if (_envelope.IsAuthenticated)
                    {
                        return WriteThroughAsync(new CeilingWriteStream(stage, _ceiling), WriteSignedEntityAsync, cancellationToken);
                    }

                    return pipelined
                        ? WriteThroughAsync(stage, (pipeStage, ct) => WriteSignedEntityPipelinedAsync(pipeStage, secondCore == SecondCore.Auto ? SecondCores.FreeNow : null, ct), cancellationToken)
                        : WriteThroughAsync(stage, WriteSignedEntityAsync, cancellationToken);
                }).ConfigureAwait(false);
        }
        finally
        {
            SecondCores.Leave();
        }
    }

    private bool UseSecondCore(SecondCore secondCore, int busy) => secondCore switch
    {
        SecondCore.Never => false,
        _ when _envelope is null || _envelope.IsAuthenticated => false,
        SecondCore.Always => true,

        // Unknown lengths are large as often as not.
        _ => (SignedEntityLength is null || SignedEntityLength >= SecondCoreThreshold) && SecondCores.Free(busy),
    };

    /// <summary>
    /// Writes the signed entity on this thread while a second core encrypts and encodes it: the
    /// entity (and its hash) goes into a <see cref="PipelinedWriteStream"/>, which hands it to
    /// <paramref name="stage"/> chunk by chunk from a thread-pool work item. Each byte is still
    /// written, hashed and encrypted exactly once. While <paramref name="coreFree"/> says no
    /// (another message started since), this thread encrypts too.
    /// </summary>
    private async Task WriteSignedEntityPipelinedAsync(Stream stage, Func<bool>? coreFree, CancellationToken cancellationToken)
    {
        var pipe = new PipelinedWriteStream(stage, coreFree: coreFree);
        try
        {
            await WriteSignedEntityAsync(pipe, cancellationToken).ConfigureAwait(false);
            pipe.Complete();
        }
        catch
        {
            pipe.Abort();
            throw;
        }
    }

    private async Task WriteSignedEntityAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (_signer is null)
        {
            await _mime.WriteBodyEntityAsync(destination, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_opaque)
        {
            destination.Write(_opaqueHead);
            await WriteBase64Async(
                destination,
                base64 => WriteThroughAsync(_signer.OpenEncapsulated(base64, _mime.BodyEntityLength), _mime.WriteBodyEntityAsync, cancellationToken)).ConfigureAwait(false);
            return;
        }

        // RFC 8551 §3.5.3: the first part is hashed exactly as written; the CRLF before the next
        // delimiter belongs to the delimiter (RFC 2046 §5.1.1), so it is not hashed.
        destination.Write(_signedHead);
        byte[] signature;
        using (IncrementalHash hash = _signer.CreateContentHash())
        {
            var hashing = new HashingWriteStream(destination, hash);
            await _mime.WriteBodyEntityAsync(hashing, cancellationToken).ConfigureAwait(false);
            Span<byte> digest = stackalloc byte[64];
            int digestLength = hash.GetHashAndReset(digest);
            signature = _signer.CompleteDetached(digest[..digestLength]);
        }

        destination.Write(_signaturePartHead);
        var signatureBase64 = new Base64LineStream(destination);
        signatureBase64.Write(signature);
        signatureBase64.Complete();
        destination.Write(_signedTail);
    }

    /// <summary>
    /// Writes a CMS structure as the base64 body of an application/pkcs7-mime entity (RFC 8551
    /// §3.2, lines of 76). After a failure the encoder's pooled buffer, which inside an
    /// encryption stage holds plaintext, is cleared and returned without a final block.
    /// </summary>
    private static async Task WriteBase64Async(Stream destination, Func<Stream, Task> write)
    {
        var base64 = new Base64LineStream(destination);
        try
        {
            await write(base64).ConfigureAwait(false);
            base64.Complete();
        }
        catch
        {
            base64.Abort();
            throw;
        }
    }

    /// <summary>
    /// Writes through a CMS stage and completes it. When the write fails (the ceiling, a broken
    /// attachment stream) the stage is only released, so the caller sees the first failure, not
    /// the stage's complaint about its incomplete content.
    /// </summary>
    private static async Task WriteThroughAsync(Stream stage, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await write(stage, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await stage.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The stage reports its content as incomplete, or completing it failed in turn (an
                // AES-GCM stage writes all it buffered only now and may cross the ceiling): the
                // original failure is the one to see.
            }

            throw;
        }

        await stage.DisposeAsync().ConfigureAwait(false);
    }

    private static byte[] Pkcs7MimeHead(string smimeType) => Render(w =>
    {
        HeaderWriter.WriteContentType(w, "application/pkcs7-mime", ("smime-type", smimeType), ("name", "smime.p7m"));
        HeaderWriter.WriteField(w, "Content-Transfer-Encoding", "base64");
        HeaderWriter.WriteParameterizedField(w, "Content-Disposition", "attachment", ("filename", "smime.p7m"));
        HeaderWriter.WriteAscii(w, "\r\n");
    });

    private static byte[] Render(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
