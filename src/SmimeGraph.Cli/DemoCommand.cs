using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Emulator;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Testing;

namespace SmimeGraph.Cli;

/// <summary>
/// <c>smimegraph demo</c>: the whole job end to end on the embedded emulator. It makes a fresh
/// test PKI, starts the emulator on a free loopback port with a temporary store, composes a
/// signed and encrypted message with an attachment, checks it against the ceiling, creates a
/// draft, updates it, sends it, finds the sent copy in Sent Items by its internetMessageId (Graph
/// gives it a new id), fetches its MIME, decrypts and verifies it, checks that its text, HTML and
/// attachment equal what was composed, and prints a report. Exit 0 only when every step
/// succeeded, the sent copy verified and its content matched.
/// </summary>
internal static class DemoCommand
{
    private const int AttachmentLength = 512 * 1024;

    /// <summary>How long to look for the sent copy in Sent Items (Graph files it after a delay).</summary>
    private static readonly TimeSpan SentCopyWait = TimeSpan.FromSeconds(30);

    public static CliCommand Create()
    {
        var sizeOption = CliOptions.Value("--attachment-size", "BYTES", $"The attachment's length in bytes (default {AttachmentLength:N0}).");
        var keepOption = CliOptions.Flag("--keep", "Keep the temporary folder (test PKI, emulator store) and print its path.");
        var command = new CliCommand(
            "demo",
            "The main job end to end on the embedded emulator: test PKI, compose, sign, encrypt, ceiling check, draft, update, send, fetch, decrypt, verify.",
            [
                "# the whole job with a 512 KiB attachment",
                "smimegraph demo",
                "# with a 1.5 MB attachment, keeping the files",
                "smimegraph demo --attachment-size 1500000 --keep",
            ]);
        command.Add(sizeOption);
        command.Add(keepOption);
        command.SetRun((result, console, cancellationToken) => RunAsync(result.GetValue(sizeOption), result.GetValue(keepOption), console, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? size, bool keep, CommandConsole console, CancellationToken cancellationToken)
    {
        int attachmentLength = AttachmentLength;
        if (size is not null && !int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out attachmentLength))
        {
            throw new UsageException($"--attachment-size takes a number of bytes, not '{size}'.");
        }

        TextWriter output = console.Out;
        string work = Path.Combine(Path.GetTempPath(), "smimegraph-demo-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        var timings = new List<(string Step, TimeSpan Elapsed)>();
        var clock = Stopwatch.StartNew();
        void Mark(string step)
        {
            timings.Add((step, clock.Elapsed));
            clock.Restart();
        }

        try
        {
            string certs = Path.Combine(work, "certs");
            TestPkiGenerator.Write(certs);
            X509Certificate2 signerCertificate = LoadPfx(certs, "signer-rsa2048");
            X509Certificate2 senderEncryption = LoadPfx(certs, "sender-rsa2048-enc");
            X509Certificate2 recipient = LoadPfx(certs, "recipient-rsa2048");
            X509Certificate2 root = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certs, TestPkiGenerator.RootName + ".pem"));
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(Path.Combine(certs, TestPkiGenerator.ChainFileName));
            Mark("test PKI generated");

            // The emulator as Graph behaves: the sent copy under a new id after a delay, $value
            // regenerated the way Exchange writes it, only this token accepted.
            const string Token = "demo-token";
            await using EmulatorHost host = await EmulatorHost.StartAsync(new EmulatorOptions { StoreDirectory = Path.Combine(work, "store"), Token = Token }, cancellationToken).ConfigureAwait(false);
            using var http = new HttpClient();
            var transport = new GraphMimeTransport(http, _ => ValueTask.FromResult(Token), new GraphMimeTransportOptions { BaseAddress = host.BaseAddress });
            Mark("emulator started");

            var signer = new SmimeSigner(signerCertificate) { EncryptionCertificate = senderEncryption };
            foreach (X509Certificate2 certificate in chain)
            {
                signer.Chain.Add(certificate);
            }

            var encryption = new SmimeEncryptionOptions { SenderCertificate = senderEncryption };
            encryption.Recipients.Add(X509CertificateLoader.LoadCertificate(recipient.RawData));
            var options = new SmimeOptions { Signer = signer, Encryption = encryption };
            byte[] attachment = RandomNumberGenerator.GetBytes(attachmentLength);
            MessageSpec Spec(string subject)
            {
                var spec = new MessageSpec
                {
                    From = new MailboxAddress("Alice Example", "alice@example.com"),
                    Subject = subject,
                    TextBody = "Hello Bob,\r\n\r\nthe quarterly figures are attached, signed and encrypted.\r\n\r\nAlice\r\n",
                    HtmlBody = "<p>Hello Bob,</p><p>the quarterly figures are attached, <b>signed and encrypted</b>.</p><p>Alice</p>",
                };
                spec.To.Add(new MailboxAddress("Bob Example", "bob@example.com"));
                spec.Bcc.Add(new MailboxAddress("audit@example.com"));
                spec.Attachments.Add(MimeAttachment.FromStream("figures.bin", new MemoryStream(attachment, writable: false)));
                return spec;
            }

            var composer = new SmimeComposer();
            PayloadSizePrediction prediction = composer.PredictSize(Spec("Quarterly figures"), options);
            Mark("size predicted (no attachment byte read)");
            using GraphPayload draftPayload = await composer.ComposeAsync(Spec("Quarterly figures (draft)"), options, cancellationToken).ConfigureAwait(false);
            Mark("draft composed (sign + encrypt + base64)");
            GraphMessage draft = await transport.CreateDraftAsync(GraphMailbox.Me, draftPayload, cancellationToken: cancellationToken).ConfigureAwait(false);
            Mark("draft created (POST /me/messages)");
            using GraphPayload finalPayload = await composer.ComposeAsync(Spec("Quarterly figures"), options, cancellationToken).ConfigureAwait(false);
            await transport.UpdateDraftAsync(GraphMailbox.Me, draft.Id, finalPayload, cancellationToken).ConfigureAwait(false);
            Mark("draft updated (PUT /me/messages/{id}/$value)");
            await transport.SendDraftAsync(GraphMailbox.Me, draft.Id, cancellationToken).ConfigureAwait(false);
            Mark("draft sent (POST /me/messages/{id}/send)");

            // Graph moves the sent message to Sent Items under a new id, after a delay: find it by
            // its Message-ID (https://learn.microsoft.com/graph/api/message-send).
            string messageId = finalPayload.InternetMessageId ?? throw new InvalidOperationException("The composer gave the message no Message-ID.");
            GraphMessage? sentCopy = await transport.FindByInternetMessageIdAsync(GraphMailbox.Me, "sentitems", messageId, SentCopyWait, cancellationToken).ConfigureAwait(false);
            Mark("sent copy found in Sent Items by internetMessageId");
            if (sentCopy is null)
            {
                await console.Error.WriteLineAsync(FormattableString.Invariant($"smimegraph demo: the sent copy <{messageId}> did not appear in Sent Items within {SentCopyWait.TotalSeconds:F0} s.")).ConfigureAwait(false);
                return CommandLine.Invalid;
            }

            var sent = new MemoryStream();
            await using (Stream mime = await transport.GetMimeAsync(GraphMailbox.Me, sentCopy.Id, cancellationToken).ConfigureAwait(false))
            {
                await mime.CopyToAsync(sent, cancellationToken).ConfigureAwait(false);
            }

            Mark("sent copy fetched (GET /me/messages/{id}/$value)");
            var inspection = new SmimeInspectorOptions();
            inspection.DecryptionCertificates.Add(senderEncryption);
            inspection.TrustAnchors.Add(root);
            ReadOnlyMemory<byte> sentBytes = sent.GetBuffer().AsMemory(0, (int)sent.Length);
            InspectionResult result = SmimeInspector.Inspect(sentBytes, inspection);
            Mark("sent copy decrypted and verified");

            // Graph regenerates $value (headers added, folding changed): compare the meaning, not the bytes.
            MessageSpec composed = Spec("Quarterly figures");
            ContentComparison content = ContentComparison.Compare(result.Content, composed.TextBody!, composed.HtmlBody!, "figures.bin", attachment);
            await output.WriteLineAsync("SmimeGraph demo — signed and encrypted mail through the Graph MIME endpoints (local emulator)").ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  emulator            {host.BaseAddress}")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  message             Alice -> Bob (+Bcc), text + HTML, attachment {attachmentLength:N0} bytes")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  MIME                {finalPayload.MimeLength:N0} bytes (predicted {prediction.MimeLength:N0})")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  Graph request body  {finalPayload.Length:N0} bytes of base64 (predicted {prediction.BodyLength:N0})")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  ceiling             {finalPayload.Ceiling:N0} bytes; headroom {finalPayload.Headroom:N0} bytes ({100.0 * finalPayload.Headroom / finalPayload.Ceiling:F1}%)")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  draft id            {draft.Id}")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  internetMessageId   <{messageId}>")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  sent copy id        {sentCopy.Id}{(sentCopy.Id == draft.Id ? " (the draft's id)" : " (a new id in Sent Items)")}")).ConfigureAwait(false);
            await output.WriteLineAsync(FormattableString.Invariant($"  sent copy           {sent.Length:N0} bytes of MIME as Graph returns it")).ConfigureAwait(false);
            await output.WriteLineAsync("  content             " + content.Describe()).ConfigureAwait(false);
            await output.WriteLineAsync("  steps").ConfigureAwait(false);
            foreach ((string step, TimeSpan elapsed) in timings)
            {
                await output.WriteLineAsync(FormattableString.Invariant($"    {elapsed.TotalMilliseconds,8:F1} ms  {step}")).ConfigureAwait(false);
            }

            await output.WriteLineAsync("  layers").ConfigureAwait(false);
            foreach (InspectionLayer layer in result.Layers)
            {
                await output.WriteLineAsync("    " + Describe(layer)).ConfigureAwait(false);
            }

            bool ok = result.IsValid && result.IsEncrypted && result.IsSigned && content.AllEqual;
            await output.WriteLineAsync("  verdict             " + (ok ? "VALID: decrypted, signature valid and trusted, signer matches From, content as composed" : "INVALID")).ConfigureAwait(false);
            return ok ? CommandLine.Success : CommandLine.Invalid;
        }
        finally
        {
            if (!keep)
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException)
                {
                    // A temporary folder left behind is not a failure of the demo.
                }
            }
            else
            {
                await output.WriteLineAsync("  kept                " + work).ConfigureAwait(false);
            }
        }
    }

    private static string Describe(InspectionLayer layer) => layer switch
    {
        EncryptionLayer e => $"{Where(layer)}: encrypted, {e.ContentEncryptionAlgorithm} with {e.KeyManagementAlgorithm}, {(e.IsDecrypted ? "decrypted" : "NOT decrypted")}, {(e.IsAuthenticated ? "authenticated" : "unauthenticated (CBC)")}{Problems(layer)}",
        SignatureLayer s => $"{Where(layer)}: signed ({s.Form}, micalg {s.MicAlg}), " + string.Join("; ", s.Signatures.Select(v => $"{v.SignerCertificate?.GetNameInfo(X509NameType.EmailName, false)}: {(v.IsValidAndTrusted ? "valid and trusted" : "NOT valid")}")) + Problems(layer),
        _ => Where(layer) + Problems(layer),
    };

    private static string Where(InspectionLayer layer) => layer.Path.Length == 0 ? "message" : "part " + layer.Path;

    private static string Problems(InspectionLayer layer) => layer.Problems.Count == 0 ? string.Empty : " — " + string.Join("; ", layer.Problems.Select(p => p.Message));

    private static X509Certificate2 LoadPfx(string directory, string name) =>
        X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(directory, name + ".pfx"), TestPkiGenerator.PfxPassword);
}
