using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using SmimeGraph.Cms;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>
/// Decrypts and verifies a received S/MIME message layer by layer (RFC 8551 §3): enveloped-data,
/// authEnveloped-data, opaque signed-data and multipart/signed, nested in any order (triple
/// wrapping included), and reports what each layer is, whether it holds, and what it covers.
/// </summary>
public static partial class SmimeInspector
{
    private static readonly TimeSpan SigningTimeSkew = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MessageDateSkew = TimeSpan.FromHours(1);

    /// <summary>Reads the message from <paramref name="message"/> and inspects it.</summary>
    /// <exception cref="MimeFormatException">The message itself is not readable MIME or exceeds a parser limit.</exception>
    public static async Task<InspectionResult> InspectAsync(Stream message, SmimeInspectorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        MimeEntity root = await MimeParser.ParseAsync(message, options.ParserOptions, cancellationToken).ConfigureAwait(false);
        return Inspect(root, options);
    }

    /// <summary>Inspects a message held in memory.</summary>
    /// <exception cref="MimeFormatException">The message itself is not readable MIME or exceeds a parser limit.</exception>
    public static InspectionResult Inspect(ReadOnlyMemory<byte> message, SmimeInspectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Inspect(MimeParser.Parse(message, options.ParserOptions), options);
    }

    private static InspectionResult Inspect(MimeEntity root, SmimeInspectorOptions options)
    {
        var session = new Session(options, MessageDate(root.GetHeader("Date")));
        session.Walk(root, depth: 0, path: string.Empty, partial: false, mainPath: true);
        return Judge(root, session.Content ?? root, session.Layers, session.At);
    }

    // RFC 5322 §3.3 date-time, without the optional day name: "26 Jan 2026 14:38:03 +0000".
    // DIGIT is %x30-39 (RFC 5234 B.1): [0-9], not \d, which also matches other scripts' digits
    // that int.Parse then refuses.
    [GeneratedRegex(@"([0-9]{1,2})\s+([A-Za-z]{3})\s+([0-9]{2,4})\s+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*([+-][0-9]{4}|[A-Za-z]+)?")]
    private static partial Regex DateTimeField();

    internal static DateTimeOffset? MessageDate(string? value)
    {
        if (value is null)
        {
            return null;
        }

        Match m = DateTimeField().Match(value);
        if (!m.Success)
        {
            return null;
        }

        int month = Array.IndexOf(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], m.Groups[2].Value.ToLowerInvariant()) + 1;
        int year = int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
        year += year < 50 ? 2000 : year < 1000 ? 1900 : 0; // RFC 5322 §4.3 obsolete two-digit years
        string zone = m.Groups[7].Value;
        TimeSpan offset = zone.Length == 5 && zone[0] is '+' or '-'
            ? new TimeSpan(int.Parse(zone.AsSpan(1, 2), System.Globalization.CultureInfo.InvariantCulture), int.Parse(zone.AsSpan(3, 2), System.Globalization.CultureInfo.InvariantCulture), 0) * (zone[0] == '-' ? -1 : 1)
            : TimeSpan.Zero;
        try
        {
            return new DateTimeOffset(
                year,
                month,
                int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(m.Groups[5].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups[6].Success ? int.Parse(m.Groups[6].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
                offset);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private sealed partial class Session
    {
        private readonly SmimeInspectorOptions _options;
        private readonly ChainValidationOptions _chainOptions;

        private readonly DateTimeOffset? _messageDate;

        // One count of the CMS work for the whole message (SignerInfos, RecipientInfos, key
        // operations...), and of the CMS objects read.
        private readonly CmsReadBudget _budget;
        private int _pkcs7Parts;

        public Session(SmimeInspectorOptions options, DateTimeOffset? messageDate)
        {
            _options = options;
            _budget = options.Limits.NewBudget();
            _messageDate = messageDate;
            At = options.ValidationTime ?? DateTimeOffset.UtcNow;
            _chainOptions = new ChainValidationOptions { ValidationTime = At };
            foreach (X509Certificate2 anchor in options.TrustAnchors)
            {
                _chainOptions.TrustAnchors.Add(anchor);
            }

            foreach (X509Certificate2 extra in options.ExtraCertificates)
            {
                _chainOptions.ExtraCertificates.Add(extra);
            }

            foreach (byte[] crl in options.CertificateRevocationLists)
            {
                _chainOptions.CertificateRevocationLists.Add(crl);
            }
        }

        public List<InspectionLayer> Layers { get; } = [];

        public DateTimeOffset At { get; }

        public MimeEntity? Content { get; private set; }

        // partial: inside a multipart or message/rfc822 that no signature covers.
        public void Walk(MimeEntity entity, int depth, string path, bool partial, bool mainPath)
        {
            string mediaType = entity.MediaType;
            bool signed = mediaType == "multipart/signed";
            if ((signed || IsCmsEntity(entity)) && !CountPkcs7Part(entity, depth, path, partial))
            {
                if (mainPath)
                {
                    Content = entity;
                }

                return;
            }

            if (signed)
            {
                WalkDetached(entity, depth, path, partial, mainPath);
                return;
            }

            if (IsCmsEntity(entity))
            {
                WalkCms(entity, depth, path, partial, mainPath);
                return;
            }

            if (mainPath)
            {
                Content = entity;
            }

            for (int i = 0; i < entity.Children.Count; i++)
            {
                Walk(entity.Children[i], depth, Child(path, i), partial: true, mainPath: false);
            }
        }

        // False once the message has more CMS objects than the limit: the first one over it is
        // reported as a layer, the rest are left unread and unreported.
        private bool CountPkcs7Part(MimeEntity entity, int depth, string path, bool partial)
        {
            int limit = _options.Limits.MaxPkcs7Parts;
            if (++_pkcs7Parts <= limit)
            {
                return true;
            }

            if (_pkcs7Parts == limit + 1)
            {
                Layers.Add(new EncryptionLayer(depth, path, entity)
                {
                    IsPartial = partial,
                    Problems = [new(InspectionProblemCodes.LimitExceeded, $"More than {limit} pkcs7 parts in one message; this part and the ones after it are not read.")],
                });
            }

            return false;
        }

        // RFC 8551 §3.5.3 / RFC 1847 §2.1: multipart/signed = the content, then the signature.
        private void WalkDetached(MimeEntity entity, int depth, string path, bool partial, bool mainPath)
        {
            var layer = new SignatureLayer(depth, path, entity, SignatureForm.Detached) { IsPartial = partial, MicAlg = entity.GetContentTypeParameter("micalg") };
            Layers.Add(layer);
            var problems = new List<InspectionProblem>();
            if (depth >= _options.Limits.MaxLayers)
            {
                layer.Problems = [new(InspectionProblemCodes.LayerLimit, $"more than {_options.Limits.MaxLayers} nested S/MIME layers")];
                return;
            }

            if (entity.Children.Count != 2)
            {
                problems.Add(new(InspectionProblemCodes.MultipartSignedMalformed, $"a multipart/signed must have exactly two parts; this one has {entity.Children.Count}"));
            }

            if (entity.Children.Count == 0)
            {
                layer.Problems = problems;
                return;
            }

            MimeEntity content = entity.Children[0];
            layer.CoveredEntity = content;
            layer.CoveredPath = Child(path, 0);
            if (entity.Children.Count >= 2)
            {
                MimeEntity signaturePart = entity.Children[1];
                if (signaturePart.MediaType is not ("application/pkcs7-signature" or "application/x-pkcs7-signature"))
                {
                    problems.Add(new(InspectionProblemCodes.MultipartSignedMalformed, $"the signature part is {signaturePart.MediaType}, not application/pkcs7-signature"));
                }

                ReadOnlyMemory<byte> signed = content.RawEntity;
                CheckDetachedSignature(
                    signaturePart.DecodeContent,
                    reader => reader.Verify(signed, _options.ExtraCertificates),
                    reader => HasBareLineFeed(signed.Span) ? reader.Verify(ToCrlf(signed.Span), _options.ExtraCertificates) : null,
                    layer,
                    partial,
                    problems);
            }

            layer.Problems = problems;
            Walk(content, depth + 1, Child(path, 0), partial: false, mainPath);
        }

        // RFC 8551 §3.5.3: the signature part's SignedData checked over the first part, as written
        // or, when that verifies more signers, in its canonical CRLF form (RFC 8551 §3.1.1: a
        // message whose line endings were converted in transit verifies over the CRLF form).
        private void CheckDetachedSignature(Func<byte[]> signature, Func<SignedDataReader, IReadOnlyList<SignatureVerdict>> verify, Func<SignedDataReader, IReadOnlyList<SignatureVerdict>?> verifyCanonical, SignatureLayer layer, bool partial, List<InspectionProblem> problems)
        {
            try
            {
                SignedDataReader reader = SignedDataReader.Decode(signature(), _budget);
                IReadOnlyList<SignatureVerdict> verdicts = verify(reader);
                if (!verdicts.All(v => v.IsSignatureValid) && verifyCanonical(reader) is { } canonical
                    && canonical.Count(v => v.IsSignatureValid) > verdicts.Count(v => v.IsSignatureValid))
                {
                    verdicts = canonical;
                    layer.LineEndingsCanonicalized = true;
                }

                Complete(verdicts, reader, problems, partial);
                layer.Signatures = verdicts;
                CheckMicAlg(layer.MicAlg, verdicts, problems);
            }
            catch (CmsFormatException ex)
            {
                problems.Add(new(InspectionProblemCodes.SignatureUnreadable, "the signature is unreadable: " + ex.Message));
            }
            catch (ReaderLimitExceededException ex)
            {
                problems.Add(new(InspectionProblemCodes.LimitExceeded, ex.Message));
            }
            catch (MimeFormatException ex)
            {
                problems.Add(new(InspectionProblemCodes.SignatureUnreadable, "the signature part cannot be decoded: " + ex.Message));
            }
            catch (Exception ex) when (IsDecodingFailure(ex))
            {
                problems.Add(new(InspectionProblemCodes.SignatureUnreadable, "the signature cannot be decoded: " + ex.Message));
            }
        }

        private void WalkCms(MimeEntity entity, int depth, string path, bool partial, bool mainPath)
        {
            byte[] encoded;
            try
            {
                encoded = entity.DecodeContent();
            }
            catch (MimeFormatException ex)
            {
                var broken = new EncryptionLayer(depth, path, entity) { IsPartial = partial, Problems = [new(InspectionProblemCodes.ContentUnreadable, "the S/MIME part cannot be decoded: " + ex.Message)] };
                Layers.Add(broken);
                return;
            }

            string? declared = entity.GetContentTypeParameter("smime-type")?.ToLowerInvariant();
            string? actual = ContentInfoReader.TryPeekContentType(encoded);
            if (actual == Oids.ContentTypeSignedData)
            {
                WalkOpaque(entity, encoded, declared, depth, path, partial, mainPath);
            }
            else if (actual is Oids.EnvelopedData or Oids.AuthEnvelopedData)
            {
                WalkEnveloped(entity, encoded, declared, actual, depth, path, partial, mainPath);
            }
            else
            {
                // Not a CMS type SmimeGraph unwraps (compressed-data, garbage): the entity is content.
                var unreadable = new EncryptionLayer(depth, path, entity)
                {
                    IsPartial = partial,
                    Problems = [new(InspectionProblemCodes.UnsupportedCms, actual is null ? "the S/MIME part is not a CMS ContentInfo" : $"the CMS content type {actual} is not supported")],
                };
                Layers.Add(unreadable);
                if (mainPath)
                {
                    Content = entity;
                }
            }
        }

        private void WalkOpaque(MimeEntity entity, byte[] encoded, string? declared, int depth, string path, bool partial, bool mainPath)
        {
            var layer = new SignatureLayer(depth, path, entity, SignatureForm.Opaque) { IsPartial = partial };
            Layers.Add(layer);
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

            MimeEntity? inner = null;
            try
            {
                SignedDataReader reader = SignedDataReader.Decode(encoded, _budget);
                if (reader.EncapsulatedContent is not { } eContent)
                {
                    problems.Add(new(InspectionProblemCodes.NothingSigned, reader.SignerInfos.Count == 0 ? "the signed-data carries only certificates" : "the signed-data has no encapsulated content"));
                    layer.Problems = problems;
                    return;
                }

                IReadOnlyList<SignatureVerdict> verdicts = reader.Verify(null, _options.ExtraCertificates);
                Complete(verdicts, reader, problems, partial);
                layer.Signatures = verdicts;
                inner = MimeParser.Parse(eContent, _options.ParserOptions);
                layer.CoveredEntity = inner;
                layer.CoveredPath = string.Empty;
            }
            catch (CmsFormatException ex)
            {
                problems.Add(new(InspectionProblemCodes.SignatureUnreadable, "the signed-data is unreadable: " + ex.Message));
            }
            catch (ReaderLimitExceededException ex)
            {
                problems.Add(new(InspectionProblemCodes.LimitExceeded, ex.Message));
            }
            catch (MimeFormatException ex)
            {
                problems.Add(new(InspectionProblemCodes.ContentUnreadable, "the signed content is not readable MIME: " + ex.Message));
            }
            catch (Exception ex) when (IsDecodingFailure(ex))
            {
                problems.Add(new(InspectionProblemCodes.SignatureUnreadable, "the signed-data cannot be decoded: " + ex.Message));
            }

            layer.Problems = problems;
            if (inner is not null)
            {
                Walk(inner, depth + 1, string.Empty, partial: false, mainPath);
            }
            else if (mainPath)
            {
                Content = entity;
            }
        }

        private void WalkEnveloped(MimeEntity entity, byte[] encoded, string? declared, string actual, int depth, string path, bool partial, bool mainPath)
        {
            var layer = new EncryptionLayer(depth, path, entity) { IsPartial = partial };
            Layers.Add(layer);
            string expected = actual == Oids.AuthEnvelopedData ? "authenveloped-data" : "enveloped-data";
            if (declared is not null && declared != expected)
            {
                layer.Notes = [$"smime-type says {declared} but the content is {expected}"];
            }

            if (depth >= _options.Limits.MaxLayers)
            {
                layer.Problems = [new(InspectionProblemCodes.LayerLimit, $"more than {_options.Limits.MaxLayers} nested S/MIME layers")];
                return;
            }

            var problems = new List<InspectionProblem>();
            MimeEntity? inner = null;
            try
            {
                EnvelopedDataReader reader = EnvelopedDataReader.Decode(encoded, _budget);
                layer.ContentEncryptionAlgorithm = reader.ContentEncryptionAlgorithmName;
                layer.IsAuthenticated = reader.IsAuthenticated;
                layer.IsWeak = reader.IsWeak;
                if (reader.IsWeak)
                {
                    problems.Add(new(InspectionProblemCodes.WeakAlgorithm, $"the content encryption {reader.ContentEncryptionAlgorithmName} is weak"));
                }

                DecryptedContent decrypted = EnvelopeSecrets.Decrypt(reader, _options);
                layer.IsDecrypted = true;
                layer.KeyManagementAlgorithm = decrypted.KeyManagementAlgorithm;
                layer.RecipientCertificate = decrypted.RecipientCertificate;
                inner = MimeParser.Parse(decrypted.Content, _options.ParserOptions);
                layer.DecryptedEntity = inner;
                if (DecryptedEntityDefect(inner) is { } defect)
                {
                    // CBC ciphertext can be altered without detection; a garbled first block shows
                    // as an entity no sender writes (RFC 8551 §3.1: the content is a MIME entity).
                    problems.Add(new(InspectionProblemCodes.DecryptedContentMalformed, $"the decrypted content is not a well-formed MIME entity ({defect}): the ciphertext may have been altered"));
                }
            }
            catch (CmsFormatException ex)
            {
                problems.Add(new(InspectionProblemCodes.EncryptionUnreadable, "the enveloped-data is unreadable: " + ex.Message));
            }
            catch (ReaderLimitExceededException ex)
            {
                problems.Add(new(InspectionProblemCodes.LimitExceeded, ex.Message));
            }
            catch (DecryptionFailedException ex)
            {
                problems.Add(new(InspectionProblemCodes.DecryptionFailed, ex.Message));
            }
            catch (MimeFormatException ex)
            {
                problems.Add(new(InspectionProblemCodes.DecryptedContentMalformed, "the decrypted content is not readable MIME: " + ex.Message));
            }
            catch (Exception ex) when (IsDecodingFailure(ex))
            {
                problems.Add(new(InspectionProblemCodes.EncryptionUnreadable, "the enveloped-data cannot be decoded: " + ex.Message));
            }

            layer.Problems = problems;
            if (inner is not null)
            {
                // Encryption hides but does not vouch: the content keeps the partial flag it had.
                Walk(inner, depth + 1, string.Empty, partial, mainPath);
            }
            else if (mainPath)
            {
                Content = entity;
            }
        }

        // Chain, signing time and sender address for every verdict.
        private void Complete(IReadOnlyList<SignatureVerdict> verdicts, SignedDataReader reader, List<InspectionProblem> problems, bool partial)
        {
            if (verdicts.Count == 0)
            {
                problems.Add(new(InspectionProblemCodes.NothingSigned, "the signed-data has no SignerInfo: nothing is signed"));
            }

            foreach (SignatureVerdict verdict in verdicts)
            {
                SignedDataVerification.CompleteCountersignatures(verdict.Countersignatures, reader.Certificates, _chainOptions);
                if (verdict.SigningTime is { } signingTime && signingTime > At + SigningTimeSkew)
                {
                    verdict.SigningTimeIsInFuture = true;
                }

                // The Date field is outside a multipart/signed signature: a signed body replayed
                // under a new Date shows as a signing time far from it.
                if (!partial && verdict.SigningTime is { } signed && _messageDate is { } date && (date - signed).Duration() > MessageDateSkew)
                {
                    problems.Add(new(InspectionProblemCodes.DateFarFromSigningTime, $"the message Date ({date:u}) is {(date - signed).Duration().TotalHours:0.#} hours away from the signingTime ({signed.UtcDateTime:u})"));
                }

                if (verdict.SignerCertificate is not { } certificate)
                {
                    continue;
                }

                // A certificate is attacker-supplied bytes: one that .NET cannot decode (an
                // extension with an overlong OID, a broken name) is a problem of this signature,
                // never an exception out of the inspector.
                try
                {
                    verdict.Chain = ChainValidator.Validate(certificate, reader.Certificates, _chainOptions, CertificatePurpose.Signing);
                    verdict.SignerAddresses = CertificatePolicy.GetEmailAddresses(certificate);
                }
                catch (Exception ex) when (IsDecodingFailure(ex))
                {
                    // Reported once: as the chain's problem, or as the layer's when the chain was checked.
                    var unreadable = new InspectionProblem(InspectionProblemCodes.CertificateUnreadable, "the signer certificate cannot be decoded: " + ex.Message);
                    if (verdict.Chain is null)
                    {
                        verdict.Chain = new ChainValidationResult(false, [unreadable], [certificate], At);
                    }
                    else if (!verdict.Chain.Problems.Any(p => p.Code == InspectionProblemCodes.CertificateUnreadable))
                    {
                        problems.Add(unreadable);
                    }
                }
            }
        }

        // RFC 8551 §3.5.3.2: micalg names the digest; "sha-256" (and legacy "sha256", "sha1").
        private static void CheckMicAlg(string? micAlg, IReadOnlyList<SignatureVerdict> verdicts, List<InspectionProblem> problems)
        {
            if (micAlg is null || verdicts.Count == 0)
            {
                return;
            }

            var named = micAlg.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(m => m.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant())
                .ToHashSet(StringComparer.Ordinal);
            foreach (SignatureVerdict verdict in verdicts)
            {
                string digest = verdict.DigestAlgorithm.Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
                if (!named.Contains(digest) && !named.Contains("unknown"))
                {
                    problems.Add(new(InspectionProblemCodes.MicAlgMismatch, $"micalg={micAlg} does not name the signer's digest {verdict.DigestAlgorithm}"));
                }
            }
        }

        private static bool IsCmsEntity(MimeEntity entity)
        {
            // A pkcs7-signature outside multipart/signed is still CMS: read it rather than
            // pass it off as unprotected content (it is reported unless it holds content).
            if (entity.MediaType is "application/pkcs7-mime" or "application/x-pkcs7-mime" or "application/pkcs7-signature" or "application/x-pkcs7-signature")
            {
                return true;
            }

            // RFC 8551 §3.2.2: some agents send application/octet-stream with a .p7m file name.
            return entity.MediaType == "application/octet-stream"
                && entity.FileName is { } name
                && name.EndsWith(".p7m", StringComparison.OrdinalIgnoreCase);
        }

        private static string Child(string path, int index) => path.Length == 0 ? (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{path}.{index + 1}";

        private static bool HasBareLineFeed(ReadOnlySpan<byte> data)
        {
            for (int i = 0; i < data.Length; i++)
            {
                if (data[i] == (byte)'\n' && (i == 0 || data[i - 1] != (byte)'\r'))
                {
                    return true;
                }
            }

            return false;
        }

        private static byte[] ToCrlf(ReadOnlySpan<byte> data)
        {
            var output = new List<byte>(data.Length + data.Length / 32);
            for (int i = 0; i < data.Length; i++)
            {
                if (data[i] == (byte)'\n' && (i == 0 || data[i - 1] != (byte)'\r'))
                {
                    output.Add((byte)'\r');
                }

                output.Add(data[i]);
            }

            return [.. output];
        }
    }
}
