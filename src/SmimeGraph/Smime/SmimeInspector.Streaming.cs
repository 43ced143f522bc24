using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Buffers;
using SmimeGraph.Cms;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

public static partial class SmimeInspector
{
    /// <summary>The largest signature part of a multipart/signed, and the largest CMS structure around a streamed content (RecipientInfos, certificates, SignerInfos).</summary>
    internal const int MaxStreamedStructureBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Signed content hashed on this thread before the hashing moves to a second core (when one is
    /// free): one hand-over chunk, so that a short message never pays for a hand-over.
    /// </summary>
    internal const long HashOnSecondCoreAfter = PipelinedWriteStream.ChunkSize;

    /// <summary>
    /// Inspects a message read once, as a stream, with memory bounded whatever its size: each
    /// enveloped-data layer is decrypted as it is read, each signature's content is hashed as it
    /// passes, and the innermost content, the entity the verdict is about, is written to
    /// <paramref name="content"/> as it is reached, never held. The result is the one
    /// <see cref="InspectAsync(Stream, SmimeInspectorOptions, CancellationToken)"/> gives, except
    /// that its entities hold their header fields only (their bodies went by).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The bytes written to <paramref name="content"/> are not vouched for until the method
    /// returns: show them only when the result's <see cref="InspectionResult.IsValid"/> (or its
    /// findings) allow it. What is held at any time is a line of lookahead per MIME level, a
    /// block per cipher and hash, and the CMS structures around the content (RecipientInfos,
    /// certificates, SignerInfos, at most <c>8 MiB</c>); message size limits of
    /// <see cref="SmimeInspectorOptions.ParserOptions"/> still apply.
    /// </para>
    /// <para>
    /// A layer that fails after its content went by (a wrong padding in the last block, broken
    /// base64 or BER, unreadable SignerInfos) is reported as the other overloads report it: its
    /// own problem, nothing from inside it, and the failed layer's entity as the content; the
    /// bytes already written are then to be discarded. When a layer on the main path cannot be
    /// opened at all, nothing is written.
    /// </para>
    /// <para>
    /// Content that cannot be decrypted in passing is read whole, as by the other overloads:
    /// AES-GCM (AuthEnvelopedData, whose tag follows the content), RC2, envelopes that only a
    /// certificate on a RecipientInfo not addressed to it can open, envelopes with more than one
    /// RecipientInfo addressed to the supplied secrets (each key is tried on the content, as the
    /// other overloads do), and S/MIME parts in a
    /// Content-Transfer-Encoding other than base64, 7bit, 8bit or binary. A multipart/signed is
    /// hashed with the digests its micalg parameter names and SHA-256; a signer using another
    /// digest is reported as not verifiable.
    /// </para>
    /// </remarks>
    /// <param name="message">The message, read once from its current position to its end.</param>
    /// <param name="content">Receives the innermost content entity (header and body, as in the message).</param>
    /// <param name="options">The keys, trust anchors and limits.</param>
    /// <param name="cancellationToken">Checked at every read of <paramref name="message"/>.</param>
    /// <exception cref="MimeFormatException">The message itself is not readable MIME or exceeds a parser limit.</exception>
    public static InspectionResult InspectStreaming(Stream message, Stream content, SmimeInspectorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        if (!content.CanWrite)
        {
            throw new ArgumentException("The content stream must be writable.", nameof(content));
        }

        int busy = SecondCores.Enter();
        try
        {
            long secondCoreAfter = options.SecondCore switch
            {
                SecondCore.Always => 0,
                SecondCore.Auto when SecondCores.Free(busy) => HashOnSecondCoreAfter,
                _ => long.MaxValue,
            };
            MimeParserOptions parser = options.ParserOptions ?? MimeParserOptions.Default;
            using var source = new BufferedReadSource(message, parser.MaxMessageSize, Lookahead(parser), cancellationToken);
            var document = new StreamedDocument(parser);
            document.CountEntity(0);
            MimeEntity root = HeaderBlockReader.Read(source, parser, "text/plain", out bool stray);
            var session = new Session(options, MessageDate(root.GetHeader("Date")), secondCoreAfter, cancellationToken);
            session.WalkStreamed(new StreamedEntity(root, stray, source), 0, string.Empty, partial: false, mainPath: true, wholeInput: true, content, document, mimeDepth: 0);
            ReadOnlyStreamBase.Drain(source);
            session.WriteHeldContent(content);
            InspectionResult result = Judge(root, session.Content ?? root, session.Layers, session.At);
            result.IsStreamed = true;
            return result;
        }
        finally
        {
            SecondCores.Leave();
        }
    }

    /// <summary>
    /// <see cref="InspectStreaming"/> on a thread-pool thread: the message is read with
    /// synchronous reads, as its decryption and hashing run.
    /// </summary>
    /// <inheritdoc cref="InspectStreaming" path="/param"/>
    /// <exception cref="MimeFormatException">The message itself is not readable MIME or exceeds a parser limit.</exception>
    public static Task<InspectionResult> InspectStreamingAsync(Stream message, Stream content, SmimeInspectorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        return Task.Run(() => InspectStreaming(message, content, options, cancellationToken), cancellationToken);
    }

    private static int Lookahead(MimeParserOptions parser) => parser.MaxHeaderFieldLength + 2;

    /// <summary>An entity whose header was read: the header, how it ended, and the rest of the entity.</summary>
    private sealed record StreamedEntity(MimeEntity Entity, bool StrayLineEndsHeader, BufferedReadSource Body);

    /// <summary>The entity count and nesting of one MIME document (a message, a decrypted content, an eContent), as one parse of <see cref="MimeParser"/> counts them.</summary>
    private sealed class StreamedDocument(MimeParserOptions options)
    {
        private int _entities;

        public void CountEntity(int mimeDepth)
        {
            if (mimeDepth > options.MaxDepth)
            {
                throw new MimeFormatException($"Entities are nested more than {options.MaxDepth} levels deep.");
            }

            if (++_entities > options.MaxPartCount)
            {
                throw new MimeFormatException($"The message has more than {options.MaxPartCount} entities.");
            }
        }
    }

    private sealed partial class Session
    {
        private readonly CancellationToken _cancellationToken;

        // Signed content hashed on this thread before a second core takes the hashing over.
        private readonly long _secondCoreAfter = long.MaxValue;

        // The main path's content when a layer had to be read whole: written out at the end.
        private bool _contentHeld;

        public Session(SmimeInspectorOptions options, DateTimeOffset? messageDate, long secondCoreAfter, CancellationToken cancellationToken)
            : this(options, messageDate)
        {
            _secondCoreAfter = secondCoreAfter;
            _cancellationToken = cancellationToken;
        }

        private MimeParserOptions Parser => _options.ParserOptions ?? MimeParserOptions.Default;

        // Once hashing moved to a second core, it comes back while other messages take the cores.
        private Func<bool>? CoreFree => _options.SecondCore == SecondCore.Auto ? SecondCores.FreeNow : null;

        public void WriteHeldContent(Stream output)
        {
            if (_contentHeld && Content is { } held)
            {
                output.Write(held.RawEntity.Span);
            }
        }

        /// <summary>
        /// <see cref="Walk"/> over an entity whose body is still to be read. <paramref name="output"/>
        /// receives the main path's content (null off the main path); <paramref name="wholeInput"/>
        /// says that the entity ends where its document ends.
        /// </summary>
        public void WalkStreamed(StreamedEntity streamed, int depth, string path, bool partial, bool mainPath, bool wholeInput, Stream? output, StreamedDocument document, int mimeDepth)
        {
            MimeEntity entity = streamed.Entity;
            bool signed = entity.MediaType == "multipart/signed";
            if ((signed || IsCmsEntity(entity)) && !CountPkcs7Part(entity, depth, path, partial))
            {
                if (mainPath)
                {
                    WriteStreamedContent(streamed, output, document, depth, path, wholeInput, mimeDepth, walkChildren: false);
                }

                return;
            }

            if (signed)
            {
                WalkDetachedStreamed(streamed, depth, path, partial, mainPath, wholeInput, output, document, mimeDepth);
                return;
            }

            if (IsCmsEntity(entity))
            {
                WalkCmsStreamed(streamed, depth, path, partial, mainPath, output, mimeDepth, document);
                return;
            }

            if (mainPath)
            {
                WriteStreamedContent(streamed, output, document, depth, path, wholeInput, mimeDepth, walkChildren: true);
                return;
            }

            WalkChildrenStreamed(entity, streamed.Body, depth, path, wholeInput, document, mimeDepth);
        }

        // The main path ends here: this entity is the content. Its bytes go to the output as its
        // children are walked.
        private void WriteStreamedContent(StreamedEntity streamed, Stream? output, StreamedDocument document, int depth, string path, bool wholeInput, int mimeDepth, bool walkChildren)
        {
            Content = streamed.Entity;
            _contentHeld = false;
            output?.Write(streamed.Entity.RawEntity.Span);
            if (!walkChildren)
            {
                if (output is not null)
                {
                    streamed.Body.CopyTo(output);
                }

                return;
            }

            if (output is null)
            {
                WalkChildrenStreamed(streamed.Entity, streamed.Body, depth, path, wholeInput, document, mimeDepth);
                return;
            }

            using var tee = new TeeReadStream(streamed.Body, output);
            using var body = new BufferedReadSource(tee, long.MaxValue, streamed.Body.MaxLookahead, _cancellationToken);
            WalkChildrenStreamed(streamed.Entity, body, depth, path, wholeInput, document, mimeDepth);
            ReadOnlyStreamBase.Drain(body);
        }

        // What Walk does for the children of a content entity: each S/MIME part among them is a
        // partial layer.
        private void WalkChildrenStreamed(MimeEntity entity, BufferedReadSource body, int depth, string path, bool wholeInput, StreamedDocument document, int mimeDepth)
        {
            if (entity.IsMultipart)
            {
                var parts = new MultipartBodyReader(body, DashBoundary(entity), dropFinalBreak: wholeInput);
                string childDefault = entity.MediaType == "multipart/digest" ? "message/rfc822" : "text/plain";
                for (int i = 0; parts.MoveNext(); i++)
                {
                    document.CountEntity(mimeDepth + 1);
                    using var part = new BufferedReadSource(parts.Current, long.MaxValue, body.MaxLookahead, _cancellationToken);
                    MimeEntity child = HeaderBlockReader.Read(part, Parser, childDefault, out bool stray);
                    WalkStreamed(new StreamedEntity(child, stray, part), depth, Child(path, i), partial: true, mainPath: false, wholeInput: false, output: null, document, mimeDepth + 1);
                    ReadOnlyStreamBase.Drain(part);
                }
            }
            else if (entity.MediaType is "message/rfc822" or "message/global" && entity.ContentTransferEncoding is "7bit" or "8bit" or "binary")
            {
                // RFC 2046 §5.2.1: the body of message/rfc822 is a complete message.
                document.CountEntity(mimeDepth + 1);
                MimeEntity inner = HeaderBlockReader.Read(body, Parser, "text/plain", out bool stray);
                WalkStreamed(new StreamedEntity(inner, stray, body), depth, Child(path, 0), partial: true, mainPath: false, wholeInput, output: null, document, mimeDepth + 1);
            }
        }

        // RFC 8551 §3.5.3 / RFC 1847 §2.1, as WalkDetached: the content is hashed as it is walked,
        // then the signature part is read and checked against those digests.
        private void WalkDetachedStreamed(StreamedEntity streamed, int depth, string path, bool partial, bool mainPath, bool wholeInput, Stream? output, StreamedDocument document, int mimeDepth)
        {
            MimeEntity entity = streamed.Entity;
            var layer = new SignatureLayer(depth, path, entity, SignatureForm.Detached) { IsPartial = partial, MicAlg = entity.GetContentTypeParameter("micalg") };
            Layers.Add(layer);
            if (depth >= _options.Limits.MaxLayers)
            {
                layer.Problems = [new(InspectionProblemCodes.LayerLimit, $"more than {_options.Limits.MaxLayers} nested S/MIME layers")];
                return;
            }

            var parts = new MultipartBodyReader(streamed.Body, DashBoundary(entity), dropFinalBreak: wholeInput);
            var problems = new List<InspectionProblem>();
            int count = 0;
            if (parts.MoveNext())
            {
                count = 1;
                document.CountEntity(mimeDepth + 1);
                using var digesting = new DigestingReadStream(parts.Current, MicAlgDigests(layer.MicAlg), canonical: true, _secondCoreAfter, CoreFree);
                using (var contentSource = new BufferedReadSource(digesting, long.MaxValue, streamed.Body.MaxLookahead, _cancellationToken))
                {
                    MimeEntity content = HeaderBlockReader.Read(contentSource, Parser, "text/plain", out bool stray);
                    layer.CoveredEntity = content;
                    layer.CoveredPath = Child(path, 0);
                    WalkStreamed(new StreamedEntity(content, stray, contentSource), depth + 1, Child(path, 0), partial: false, mainPath, wholeInput: false, output, document, mimeDepth + 1);
                    ReadOnlyStreamBase.Drain(contentSource);
                }

                if (parts.MoveNext())
                {
                    count = 2;
                    document.CountEntity(mimeDepth + 1);
                    VerifySignaturePart(parts.Current, digesting, layer, streamed.Body.MaxLookahead, partial, problems);
                    while (parts.MoveNext())
                    {
                        count++;
                        document.CountEntity(mimeDepth + 1);
                    }
                }
            }

            if (count != 2)
            {
                problems.Insert(0, new(InspectionProblemCodes.MultipartSignedMalformed, $"a multipart/signed must have exactly two parts; this one has {count}"));
            }

            layer.Problems = problems;
        }

        private void VerifySignaturePart(Stream part, DigestingReadStream digesting, SignatureLayer layer, int lookahead, bool partial, List<InspectionProblem> problems)
        {
            using var source = new BufferedReadSource(part, MaxStreamedStructureBytes, lookahead, _cancellationToken);
            MimeEntity signaturePart = HeaderBlockReader.Read(source, Parser, "text/plain", out _);
            if (signaturePart.MediaType is not ("application/pkcs7-signature" or "application/x-pkcs7-signature"))
            {
                problems.Add(new(InspectionProblemCodes.MultipartSignedMalformed, $"the signature part is {signaturePart.MediaType}, not application/pkcs7-signature"));
            }

            CheckDetachedSignature(
                () => DecodeWhole(signaturePart, source),
                reader => reader.VerifyOverDigest(digesting.Digest, _options.ExtraCertificates),
                reader => digesting.SawBareLineFeed ? reader.VerifyOverDigest(digesting.CanonicalDigest, _options.ExtraCertificates) : null,
                layer,
                partial,
                problems);
        }

        private void WalkCmsStreamed(StreamedEntity streamed, int depth, string path, bool partial, bool mainPath, Stream? output, int mimeDepth, StreamedDocument document)
        {
            MimeEntity entity = streamed.Entity;
            string encoding = entity.ContentTransferEncoding;
            if (encoding is not ("base64" or "7bit" or "8bit" or "binary"))
            {
                // Rare (quoted-printable CMS): read whole, as the other overloads do.
                WalkWhole(streamed, depth, path, partial, mainPath);
                return;
            }

            CmsPeek peek = PeekContentType(entity, streamed.Body);
            if (peek.Unreadable is { } unreadable)
            {
                Layers.Add(new EncryptionLayer(depth, path, entity) { IsPartial = partial, Problems = [new(InspectionProblemCodes.ContentUnreadable, "the S/MIME part cannot be decoded: " + unreadable)] });
                return;
            }

            string? declared = entity.GetContentTypeParameter("smime-type")?.ToLowerInvariant();
            // The decoder is disposed on its own: the guard leaves its source open, and the
            // decoder's buffers (plaintext, for signed-data) are cleared when it is disposed.
            using Base64DecodingReadStream? decoder = encoding == "base64" ? new Base64DecodingReadStream(streamed.Body, 0) : null;
            using var guard = new ReadGuardStream((Stream?)decoder ?? streamed.Body);
            if (peek.ContentType == Oids.ContentTypeSignedData)
            {
                WalkOpaqueStreamed(entity, guard, declared, depth, path, partial, mainPath, output);
            }
            else if (peek.ContentType is Oids.EnvelopedData or Oids.AuthEnvelopedData)
            {
                WalkEnvelopedStreamed(entity, guard, declared, peek.ContentType, depth, path, partial, mainPath, output);
            }
            else
            {
                // Not a CMS type SmimeGraph unwraps (compressed-data, garbage): the entity is content.
                Layers.Add(new EncryptionLayer(depth, path, entity)
                {
                    IsPartial = partial,
                    Problems = [new(InspectionProblemCodes.UnsupportedCms, peek.ContentType is null ? "the S/MIME part is not a CMS ContentInfo" : $"the CMS content type {peek.ContentType} is not supported")],
                });
                if (mainPath)
                {
                    WriteStreamedContent(streamed, output, document, depth, path, wholeInput: false, mimeDepth, walkChildren: false);
                }
            }
        }

        // As WalkOpaque, with the eContent hashed under the digestAlgorithms announced before it
        // and walked as it is read; the SignerInfos after it are then checked against the digests.
        private void WalkOpaqueStreamed(MimeEntity entity, ReadGuardStream decoded, string? declared, int depth, string path, bool partial, bool mainPath, Stream? output)
        {
            var layer = new SignatureLayer(depth, path, entity, SignatureForm.Opaque) { IsPartial = partial };
            Layers.Add(layer);
            int innerStart = Layers.Count;
            var problems = new List<InspectionProblem>();
            if (declared is not null and not "signed-data")
            {
                layer.Notes = [$"smime-type says {declared} but the content is signed-data"];
            }

            if (depth >= _options.Limits.MaxLayers)
            {
                layer.Problems = [new(InspectionProblemCodes.LayerLimit, $"more than {_options.Limits.MaxLayers} nested S/MIME layers")];
                return;
            }

            bool walked = false;
            using var ber = new BerStreamReader(decoded);
            ReadGuardStream? contentGuard = null;
            DigestingReadStream? digesting = null;
            try
            {
                BerStreamReader.Header contentInfo = ber.ReadHeader(0x30, "a ContentInfo");
                ber.ReadElement(0x06, "the content type", 256);
                BerStreamReader.Header explicitContent = ber.ReadHeader(0xA0, "the [0] content");
                BerStreamReader.Header signedData = ber.ReadHeader(0x30, "a SignedData");
                byte[] version = ber.ReadElement(0x02, "the version", 64);
                byte[] digestAlgorithms = ber.ReadElement(0x31, "the digestAlgorithms", MaxStreamedStructureBytes);
                BerStreamReader.Header encapsulated = ber.ReadHeader(0x30, "the encapContentInfo");
                byte[] eContentType = ber.ReadElement(0x06, "the eContentType", 256);
                bool hasContent = !ber.AtEnd(encapsulated);
                string? contentProblem = null;
                if (hasContent)
                {
                    BerStreamReader.Header explicitOctets = ber.ReadHeader(0xA0, "the [0] eContent");
                    BerStreamReader.Header octets = ber.ReadHeader();
                    if (octets.Tag is not (0x04 or 0x24))
                    {
                        throw new CmsFormatException($"The eContent is not an OCTET STRING (tag 0x{octets.Tag:X2}).");
                    }

                    contentGuard = new ReadGuardStream(ber.OpenOctetString(octets));
                    digesting = new DigestingReadStream(contentGuard, Digests(digestAlgorithms), canonical: false, _secondCoreAfter, CoreFree);
                    using (var inner = new BufferedReadSource(digesting, Parser.MaxMessageSize, Lookahead(Parser), _cancellationToken))
                    {
                        try
                        {
                            var document = new StreamedDocument(Parser);
                            document.CountEntity(0);
                            MimeEntity content = HeaderBlockReader.Read(inner, Parser, "text/plain", out bool stray);
                            layer.CoveredEntity = content;
                            layer.CoveredPath = string.Empty;
                            walked = true;
                            WalkStreamed(new StreamedEntity(content, stray, inner), depth + 1, string.Empty, partial: false, mainPath, wholeInput: true, output, document, 0);
                        }
                        catch (MimeFormatException ex) when (decoded.Failure is null && contentGuard.Failure is null)
                        {
                            contentProblem = "the signed content is not readable MIME: " + ex.Message;
                        }

                        ReadOnlyStreamBase.Drain(inner);
                    }

                    ber.Close(explicitOctets);
                }

                ber.Close(encapsulated);
                var rest = new List<byte[]>();
                int restLength = 0;
                while (!ber.AtEnd(signedData))
                {
                    byte[] element = ber.ReadElement(MaxStreamedStructureBytes - restLength);
                    restLength += element.Length;
                    rest.Add(element);
                }

                ber.Close(signedData);
                ber.Close(explicitContent);
                ber.Close(contentInfo);
                SignedDataReader reader = SignedDataReader.Decode(SignedDataWithoutContent(version, digestAlgorithms, eContentType, rest), _budget);
                if (digesting is null)
                {
                    problems.Add(new(InspectionProblemCodes.NothingSigned, reader.SignerInfos.Count == 0 ? "the signed-data carries only certificates" : "the signed-data has no encapsulated content"));
                }
                else
                {
                    using (digesting)
                    {
                        IReadOnlyList<SignatureVerdict> verdicts = reader.VerifyOverDigest(digesting.Digest, _options.ExtraCertificates);
                        Complete(verdicts, reader, problems, partial);
                        layer.Signatures = verdicts;
                    }

                    if (contentProblem is not null)
                    {
                        problems.Add(new(InspectionProblemCodes.ContentUnreadable, contentProblem));
                        walked = RollBack(innerStart, layer);
                    }
                }
            }
            catch (Exception ex) when (decoded.Failure is not null && ex is MimeFormatException or CmsFormatException)
            {
                // The whole-message inspector decodes the part before it learns its type: a part
                // that cannot be decoded is an unreadable layer of its own there, not a signature.
                walked = RollBack(innerStart, layer);
                problems.Clear();
                Layers[innerStart - 1] = new EncryptionLayer(depth, path, entity)
                {
                    IsPartial = partial,
                    Problems = [new(InspectionProblemCodes.ContentUnreadable, "the S/MIME part cannot be decoded: " + decoded.Failure.Message)],
                };
            }
            catch (CmsFormatException ex)
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.SignatureUnreadable, "the signed-data is unreadable: " + ex.Message));
            }
            catch (ReaderLimitExceededException ex)
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.LimitExceeded, ex.Message));
            }
            catch (MimeFormatException ex)
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.ContentUnreadable, "the signed content is not readable MIME: " + ex.Message));
            }
            catch (Exception ex) when (IsDecodingFailure(ex))
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.SignatureUnreadable, "the signed-data cannot be decoded: " + ex.Message));
            }
            finally
            {
                // Gives back the chunks of a second core still hashing when the content broke off.
                digesting?.Dispose();
                contentGuard?.Dispose();
            }

            layer.Problems = problems;
            if (!walked && mainPath)
            {
                Content = entity;
                _contentHeld = false;
            }
        }

        // As WalkEnveloped, with the content decrypted as it is read: the RecipientInfos come
        // before it, so the content-encryption key is recovered first. What cannot be decrypted
        // in passing (see InspectStreaming) is read whole and handed to the whole-message path.
        private void WalkEnvelopedStreamed(MimeEntity entity, ReadGuardStream decoded, string? declared, string actual, int depth, string path, bool partial, bool mainPath, Stream? output)
        {
            using var ber = new BerStreamReader(decoded);
            ber.StartRecording(MaxStreamedStructureBytes);
            byte[] version, recipientInfos, contentType, algorithm;
            byte[]? originatorInfo = null;
            BerStreamReader.Header contentInfo, explicitContent, envelopedData, encryptedContentInfo;
            try
            {
                contentInfo = ber.ReadHeader(0x30, "a ContentInfo");
                ber.ReadElement(0x06, "the content type", 256);
                explicitContent = ber.ReadHeader(0xA0, "the [0] content");
                envelopedData = ber.ReadHeader(0x30, "an EnvelopedData");
                version = ber.ReadElement(0x02, "the version", 64);
                if (ber.PeekTag() == 0xA0)
                {
                    originatorInfo = ber.ReadElement(MaxStreamedStructureBytes);
                }

                recipientInfos = ber.ReadElement(0x31, "the recipientInfos", MaxStreamedStructureBytes);
                encryptedContentInfo = ber.ReadHeader(0x30, "the encryptedContentInfo");
                contentType = ber.ReadElement(0x06, "the content type", 256);
                algorithm = ber.ReadElement(0x30, "the contentEncryptionAlgorithm", 4096);
            }
            catch (Exception ex) when (ex is CmsFormatException or MimeFormatException)
            {
                bool undecodable = decoded.Failure is not null;
                Layers.Add(new EncryptionLayer(depth, path, entity)
                {
                    IsPartial = partial,
                    Problems = [undecodable
                        ? new(InspectionProblemCodes.ContentUnreadable, "the S/MIME part cannot be decoded: " + decoded.Failure!.Message)
                        : new(InspectionProblemCodes.EncryptionUnreadable, "the enveloped-data is unreadable: " + ex.Message)],
                });
                if (mainPath)
                {
                    Content = entity;
                    _contentHeld = false;
                }

                return;
            }

            string algorithmOid = ReadAlgorithmOid(algorithm);
            if (actual == Oids.AuthEnvelopedData || algorithmOid is not (Oids.Aes128Cbc or Oids.Aes192Cbc or Oids.Aes256Cbc or Oids.DesEde3Cbc))
            {
                // AES-GCM's tag follows the content, RC2 has no platform cipher: read whole.
                byte[] prefix = ber.StopRecording();
                byte[] encoded;
                try
                {
                    encoded = [.. prefix, .. ber.ReadToEnd(Parser.MaxMessageSize)];
                }
                catch (Exception ex) when (ex is CmsFormatException or MimeFormatException)
                {
                    Layers.Add(new EncryptionLayer(depth, path, entity) { IsPartial = partial, Problems = [new(InspectionProblemCodes.ContentUnreadable, "the S/MIME part cannot be decoded: " + ex.Message)] });
                    return;
                }

                WalkEnveloped(entity, encoded, declared, actual, depth, path, partial, mainPath);
                _contentHeld = mainPath && Content is not null && !ReferenceEquals(Content, entity);
                return;
            }

            ber.StopRecording();
            var layer = new EncryptionLayer(depth, path, entity) { IsPartial = partial };
            Layers.Add(layer);
            if (declared is not null && declared != "enveloped-data")
            {
                layer.Notes = [$"smime-type says {declared} but the content is enveloped-data"];
            }

            if (depth >= _options.Limits.MaxLayers)
            {
                layer.Problems = [new(InspectionProblemCodes.LayerLimit, $"more than {_options.Limits.MaxLayers} nested S/MIME layers")];
                return;
            }

            var problems = new List<InspectionProblem>();
            bool walked = false;
            int innerStart = Layers.Count;
            ReadGuardStream? plaintextGuard = null;
            try
            {
                EnvelopedDataReader reader = EnvelopedDataReader.Decode(EnvelopedDataWithoutContent(version, originatorInfo, recipientInfos, contentType, algorithm), _budget);
                layer.ContentEncryptionAlgorithm = reader.ContentEncryptionAlgorithmName;
                layer.IsAuthenticated = false;
                layer.IsWeak = reader.IsWeak;
                if (reader.IsWeak)
                {
                    problems.Add(new(InspectionProblemCodes.WeakAlgorithm, $"the content encryption {reader.ContentEncryptionAlgorithmName} is weak"));
                }

                // RFC 5652 §6.2: the recipient uses the RecipientInfo it can decrypt. With one
                // addressed secret, its key is the only candidate before the unaddressed ones and
                // the content is decrypted as it streams by. With several, a key of the right
                // length may still be wrong (only the content's padding tells), so the content is
                // read whole and each key tried on it, in the whole-message order; no key
                // operation is made before that, so none is made twice.
                bool severalAddressed = EnvelopeSecrets.CountAddressedAttempts(reader, _options) > 1;
                RecoveredContentKey? key = severalAddressed ? null : EnvelopeSecrets.RecoverAddressedKey(reader, _options);
                if (ber.AtEnd(encryptedContentInfo))
                {
                    ClearKey(key);
                    throw new CmsFormatException("The encrypted content is detached; SmimeGraph reads only enveloped content that is present.");
                }

                BerStreamReader.Header encryptedContent = ber.ReadHeader();
                if (encryptedContent.Tag is not (0x80 or 0xA0))
                {
                    ClearKey(key);
                    throw new CmsFormatException($"The encryptedContent has tag 0x{encryptedContent.Tag:X2}, not [0].");
                }

                if (key is null)
                {
                    // Several addressed secrets, or only a certificate on a RecipientInfo not
                    // addressed to it can open this: each key is tried on the whole content, as
                    // the other overloads do. When the one addressed secret already failed (and
                    // was counted), it is not tried again.
                    ReadOnlyMemory<byte> ciphertext = ReadAll([], ber.OpenOctetString(encryptedContent), Parser.MaxMessageSize);
                    walked = DecryptWhole(reader.WithEncryptedContent(ciphertext), addressedTried: !severalAddressed, layer, depth, partial, mainPath, problems);
                }
                else
                {
                    ICryptoTransform? transform;
                    try
                    {
                        transform = ContentEncryptionReader.CreateCbcDecryptor(reader.ContentEncryptionAlgorithm, key.Key);
                    }
                    catch (CryptographicException)
                    {
                        throw new DecryptionFailedException("The message could not be decrypted with any supplied key.");
                    }
                    finally
                    {
                        ClearKey(key);
                    }

                    using (transform)
                    using (var ciphertext = new ReadGuardStream(ber.OpenOctetString(encryptedContent)))
                    using (var decrypting = new CbcDecryptingReadStream(ciphertext, transform!))
                    {
                        plaintextGuard = new ReadGuardStream(decrypting);
                        layer.IsDecrypted = true;
                        layer.KeyManagementAlgorithm = key.KeyManagementAlgorithm;
                        layer.RecipientCertificate = key.RecipientCertificate;
                        using var inner = new BufferedReadSource(plaintextGuard, Parser.MaxMessageSize, Lookahead(Parser), _cancellationToken);
                        try
                        {
                            var document = new StreamedDocument(Parser);
                            document.CountEntity(0);
                            MimeEntity content = HeaderBlockReader.Read(inner, Parser, "text/plain", out bool stray);
                            layer.DecryptedEntity = content;
                            if (DecryptedEntityDefect(content, stray) is { } defect)
                            {
                                problems.Add(new(InspectionProblemCodes.DecryptedContentMalformed, $"the decrypted content is not a well-formed MIME entity ({defect}): the ciphertext may have been altered"));
                            }

                            walked = true;

                            // Encryption hides but does not vouch: the content keeps the partial flag it had.
                            WalkStreamed(new StreamedEntity(content, stray, inner), depth + 1, string.Empty, partial, mainPath, wholeInput: true, output, document, 0);
                        }
                        catch (MimeFormatException ex) when (decoded.Failure is null && ciphertext.Failure is null && plaintextGuard.Failure is null)
                        {
                            walked = RollBack(innerStart, layer);
                            problems.Add(new(InspectionProblemCodes.DecryptedContentMalformed, "the decrypted content is not readable MIME: " + ex.Message));
                        }
                        catch (Exception) when (plaintextGuard.Failure is CryptographicException)
                        {
                            // Reported below.
                        }

                        try
                        {
                            ReadOnlyStreamBase.Drain(inner);
                        }
                        catch (CryptographicException)
                        {
                            // Reported below: the padding of the last block is wrong.
                        }

                        if (plaintextGuard.Failure is CryptographicException)
                        {
                            layer.IsDecrypted = false;
                            throw new DecryptionFailedException("The message could not be decrypted with any supplied key.");
                        }

                        if ((ciphertext.Failure ?? decoded.Failure) is { } broken)
                        {
                            throw broken is MimeFormatException ? broken : new CmsFormatException(broken.Message);
                        }
                    }
                }

                ber.Close(encryptedContentInfo);
                if (!ber.AtEnd(envelopedData) && ber.PeekTag() == 0xA1)
                {
                    ber.ReadElement(MaxStreamedStructureBytes);
                }

                ber.Close(envelopedData);
                ber.Close(explicitContent);
                ber.Close(contentInfo);
            }
            catch (Exception ex) when (decoded.Failure is not null && ex is MimeFormatException or CmsFormatException)
            {
                walked = RollBack(innerStart, layer);
                layer.ContentEncryptionAlgorithm = null;
                problems.Clear();
                problems.Add(new(InspectionProblemCodes.ContentUnreadable, "the S/MIME part cannot be decoded: " + decoded.Failure.Message));
            }
            catch (CmsFormatException ex)
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.EncryptionUnreadable, "the enveloped-data is unreadable: " + ex.Message));
            }
            catch (ReaderLimitExceededException ex)
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.LimitExceeded, ex.Message));
            }
            catch (DecryptionFailedException ex)
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.DecryptionFailed, ex.Message));
            }
            catch (MimeFormatException ex)
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.DecryptedContentMalformed, "the decrypted content is not readable MIME: " + ex.Message));
            }
            catch (Exception ex) when (IsDecodingFailure(ex))
            {
                walked = RollBack(innerStart, layer);
                problems.Add(new(InspectionProblemCodes.EncryptionUnreadable, "the enveloped-data cannot be decoded: " + ex.Message));
            }
            finally
            {
                plaintextGuard?.Dispose();
            }

            layer.Problems = problems;
            if (!walked && mainPath)
            {
                Content = entity;
                _contentHeld = false;
            }
        }

        // The tail of WalkEnveloped, for an envelope whose content was read whole: with several
        // addressed secrets, every secret is tried as the whole-message inspector tries them;
        // when the one addressed secret gave no key (addressedTried), only the unaddressed
        // certificates are, as the whole-message inspector tries them after it (same key
        // operations in all).
        private bool DecryptWhole(EnvelopedDataReader reader, bool addressedTried, EncryptionLayer layer, int depth, bool partial, bool mainPath, List<InspectionProblem> problems)
        {
            DecryptedContent decrypted = addressedTried ? EnvelopeSecrets.DecryptUnaddressed(reader, _options) : EnvelopeSecrets.Decrypt(reader, _options);
            layer.IsDecrypted = true;
            layer.KeyManagementAlgorithm = decrypted.KeyManagementAlgorithm;
            layer.RecipientCertificate = decrypted.RecipientCertificate;
            MimeEntity inner = MimeParser.Parse(decrypted.Content, Parser);
            layer.DecryptedEntity = inner;
            if (DecryptedEntityDefect(inner) is { } defect)
            {
                problems.Add(new(InspectionProblemCodes.DecryptedContentMalformed, $"the decrypted content is not a well-formed MIME entity ({defect}): the ciphertext may have been altered"));
            }

            Walk(inner, depth + 1, string.Empty, partial, mainPath);
            _contentHeld = mainPath;
            return true;
        }

        // An S/MIME part read whole (in memory) and walked as the other overloads do.
        private void WalkWhole(StreamedEntity streamed, int depth, string path, bool partial, bool mainPath)
        {
            ReadOnlyMemory<byte> whole = ReadAll(streamed.Entity.RawEntity.Span, streamed.Body, Parser.MaxMessageSize);
            MimeEntity entity = new(streamed.Entity.Headers, streamed.Entity.MediaType, whole, whole[streamed.Entity.RawEntity.Length..], streamed.Entity.RawEntity.Length);
            Walk(entity, depth, path, partial, mainPath);
            _contentHeld = mainPath && Content is not null;
        }

        // A layer that failed after its content went by reports what the whole-message inspector
        // does: its own problem, nothing from inside it. Returns false (nothing walked).
        private bool RollBack(int innerStart, InspectionLayer layer)
        {
            Layers.RemoveRange(innerStart, Layers.Count - innerStart);
            switch (layer)
            {
                case EncryptionLayer encryption:
                    encryption.IsDecrypted = false;
                    encryption.DecryptedEntity = null;
                    encryption.KeyManagementAlgorithm = null;
                    encryption.RecipientCertificate = null;
                    break;
                case SignatureLayer signature:
                    signature.CoveredEntity = null;
                    signature.CoveredPath = null;
                    break;
            }

            return false;
        }

        private static void ClearKey(RecoveredContentKey? key)
        {
            if (key is not null)
            {
                CryptographicOperations.ZeroMemory(key.Key);
            }
        }
    }

    private readonly record struct CmsPeek(string? ContentType, string? Unreadable);

    // The contentType of the ContentInfo at the start of the body, from its first bytes, without
    // consuming them: the type decides how the rest is read.
    private static CmsPeek PeekContentType(MimeEntity entity, BufferedReadSource body)
    {
        // Peek returns all that is buffered, often more than asked: only 4 KiB at a time are decoded.
        const int Chunk = 4096;
        ReadOnlySpan<byte> start = body.Peek(Chunk);
        start = start[..Math.Min(start.Length, Chunk)];
        byte[] decoded;
        if (entity.ContentTransferEncoding == "base64")
        {
            // RFC 2045 §6.8: whitespace anywhere in the text, before its first character too,
            // decodes to nothing. Text is decoded a chunk at a time until the start of the
            // ContentInfo is there, looking as far ahead as a header line may reach, so that what
            // the whole-message inspector finds is found whatever the source had buffered.
            const int Needed = 64;
            int limit = Math.Max(Chunk, body.MaxLookahead);
            decoded = new byte[Needed + (Chunk / 4 * 3) + 3];
            var state = default(Base64TransferDecoder.State);
            int written = 0;
            int peeked = 0;
            try
            {
                while (written < Needed && peeked < limit)
                {
                    int end = Math.Min(peeked + Chunk, limit);
                    ReadOnlySpan<byte> text = body.Peek(end);
                    text = text[Math.Min(peeked, text.Length)..Math.Min(end, text.Length)];
                    if (text.IsEmpty)
                    {
                        break;
                    }

                    written += Base64TransferDecoder.DecodeChunk(text, decoded.AsSpan(written), ref state, peeked);
                    peeked += text.Length;
                }
            }
            catch (MimeFormatException ex)
            {
                return new(null, ex.Message);
            }

            decoded = decoded[..written];
        }
        else
        {
            decoded = start.ToArray();
        }

        try
        {
            ReadOnlySpan<byte> data = decoded;
            if (data.Length < 2 || data[0] != 0x30)
            {
                return new(null, null);
            }

            int lengthBytes = data[1] < 0x80 || data[1] == 0x80 ? 1 : 1 + (data[1] & 0x7F);
            ReadOnlySpan<byte> oid = data[(1 + lengthBytes)..];
            return new(AsnDecoder.ReadObjectIdentifier(oid, AsnEncodingRules.BER, out _), null);
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentOutOfRangeException)
        {
            return new(null, null);
        }
    }

    // micalg (RFC 8551 §3.5.3.2) names the digests to hash the content with; SHA-256 always.
    private static List<HashAlgorithmName> MicAlgDigests(string? micAlg)
    {
        List<HashAlgorithmName> digests = [HashAlgorithmName.SHA256];
        foreach (string name in (micAlg ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(4))
        {
            HashAlgorithmName? digest = name.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant() switch
            {
                "sha1" => HashAlgorithmName.SHA1,
                "sha256" => HashAlgorithmName.SHA256,
                "sha384" => HashAlgorithmName.SHA384,
                "sha512" => HashAlgorithmName.SHA512,
                "md5" => HashAlgorithmName.MD5,
                _ => null,
            };
            if (digest is { } known && !digests.Contains(known))
            {
                digests.Add(known);
            }
        }

        return digests;
    }

    // RFC 5652 §5.1: digestAlgorithms ::= SET OF DigestAlgorithmIdentifier, before the content.
    private static List<HashAlgorithmName> Digests(byte[] digestAlgorithms)
    {
        var digests = new List<HashAlgorithmName>();
        try
        {
            AsnReader set = new AsnReader(digestAlgorithms, AsnEncodingRules.BER).ReadSetOf(skipSortOrderValidation: true);
            while (set.HasData && digests.Count < 8)
            {
                AlgorithmIdentifier algorithm = AlgorithmIdentifierReader.Read(set);
                if (AlgorithmIdentifierReader.TryGetHashAlgorithm(algorithm.Oid, out HashAlgorithmName hash) && !digests.Contains(hash))
                {
                    digests.Add(hash);
                }
            }
        }
        catch (AsnContentException ex)
        {
            throw new CmsFormatException("The digestAlgorithms are malformed: " + ex.Message, ex);
        }

        return digests;
    }

    private static string ReadAlgorithmOid(byte[] algorithm)
    {
        try
        {
            return new AsnReader(algorithm, AsnEncodingRules.BER).ReadSequence().ReadObjectIdentifier();
        }
        catch (AsnContentException)
        {
            return string.Empty;
        }
    }

    // ContentInfo(SignedData) with encapContentInfo reduced to its eContentType: what the
    // SignedData reader reads when the content went by as a stream.
    private static byte[] SignedDataWithoutContent(byte[] version, byte[] digestAlgorithms, byte[] eContentType, List<byte[]> rest)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.ContentTypeSignedData);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(version);
                writer.WriteEncodedValue(digestAlgorithms);
                using (writer.PushSequence())
                {
                    writer.WriteEncodedValue(eContentType);
                }

                foreach (byte[] element in rest)
                {
                    writer.WriteEncodedValue(element);
                }
            }
        }

        return writer.Encode();
    }

    // ContentInfo(EnvelopedData) with an empty encryptedContent: the RecipientInfos and the
    // algorithm, read before the content streams by.
    private static byte[] EnvelopedDataWithoutContent(byte[] version, byte[]? originatorInfo, byte[] recipientInfos, byte[] contentType, byte[] algorithm)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.EnvelopedData);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteEncodedValue(version);
                if (originatorInfo is not null)
                {
                    writer.WriteEncodedValue(originatorInfo);
                }

                writer.WriteEncodedValue(recipientInfos);
                using (writer.PushSequence())
                {
                    writer.WriteEncodedValue(contentType);
                    writer.WriteEncodedValue(algorithm);
                    writer.WriteOctetString([], new Asn1Tag(TagClass.ContextSpecific, 0));
                }
            }
        }

        return writer.Encode();
    }

    private static byte[] DashBoundary(MimeEntity entity)
    {
        string? boundary = entity.GetContentTypeParameter("boundary");
        if (string.IsNullOrEmpty(boundary) || boundary.Length > MimeParser.MaxBoundaryLength || !Ascii.IsValid(boundary))
        {
            throw new MimeFormatException($"The {entity.MediaType} entity has no usable boundary parameter (1 to {MimeParser.MaxBoundaryLength} ASCII characters).");
        }

        return Encoding.ASCII.GetBytes("--" + boundary);
    }

    // A body decoded whole: the signature part (bounded by its source).
    private static byte[] DecodeWhole(MimeEntity header, Stream body)
    {
        ReadOnlyMemory<byte> whole = ReadAll(header.RawEntity.Span, body, MaxStreamedStructureBytes);
        return new MimeEntity(header.Headers, header.MediaType, whole, whole[header.RawEntity.Length..], header.RawEntity.Length).DecodeContent();
    }

    // prefix, then the rest of stream (at most limit bytes of it), in one buffer: the
    // MemoryStream's own, not copied out again.
    private static ReadOnlyMemory<byte> ReadAll(ReadOnlySpan<byte> prefix, Stream stream, long limit)
    {
        using var buffer = new MemoryStream();
        buffer.Write(prefix);
        Span<byte> chunk = stackalloc byte[16 * 1024];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length - prefix.Length + read > limit)
            {
                throw new MimeFormatException($"A part is longer than the limit of {limit} bytes.") { Offset = limit };
            }

            buffer.Write(chunk[..read]);
        }

        return buffer.TryGetBuffer(out ArraySegment<byte> written) ? written : buffer.ToArray();
    }
}
