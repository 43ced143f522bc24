using System.CommandLine;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Cli;

/// <summary>
/// <c>smimegraph compose</c>: writes the message as an .eml (<c>--out</c>, or standard output)
/// and, with <c>--graph-body</c>, the base64 request body Graph's MIME endpoints take.
/// </summary>
internal static class ComposeCommand
{
    public static CliCommand Create()
    {
        var message = new ComposeOptions();
        var outOption = CliOptions.Value("--out", "FILE.eml", "Write the message (.eml) to this file instead of standard output.");
        var graphBodyOption = CliOptions.Value("--graph-body", "FILE", "Also write Graph's base64 request body to this file, checked against the 4,000,000-byte ceiling.");
        var jsonOption = CliOptions.Flag("--json", "Print one JSON object (Message-ID, protection, sizes against the ceiling, room for one more attachment; or the error and exit code) instead of the text report. Needs --out or --graph-body.");
        var command = new CliCommand(
            "compose",
            "Compose a message, optionally signed and encrypted, as an .eml and as Graph's request body.",
            [
                "# a plain message to standard output",
                "smimegraph compose --from alice@example.com --to bob@example.com --subject Hi --text 'Hello Bob'",
                "# signed and encrypted, with an attachment, the .eml and the Graph body",
                "smimegraph compose --from alice@example.com --to bob@example.com --subject Figures \\",
                "    --text @body.txt --attach figures.pdf --sign alice.pfx \\",
                "    --encrypt-to bob.pem --out figures.eml --graph-body figures.b64",
                "# the PKCS#12 password from the environment, a separate certificate for the sender's copy, JSON out",
                "SMIMEGRAPH_PFX_PASSWORD=... smimegraph compose --from alice@example.com --to bob@example.com --subject Hi \\",
                "    --text Hi --sign alice-sign.pfx --password-env SMIMEGRAPH_PFX_PASSWORD --sender-cert alice-enc.pem \\",
                "    --encrypt-to bob.pem --graph-body hi.b64 --json",
                "# sign and encrypt a message written by another mail client, its routing header fields kept outside",
                "smimegraph compose --mime draft.eml --sign alice.pfx --encrypt-to bob.pem --out draft-smime.eml --graph-body draft.b64",
            ]);
        message.AddTo(command);
        command.Add(outOption);
        command.Add(graphBodyOption);
        command.Add(jsonOption);
        command.JsonErrors = jsonOption;
        command.SetRun((result, console, cancellationToken) => RunAsync(result, message, ComposeOptions.Path(result, outOption), ComposeOptions.Path(result, graphBodyOption), result.GetValue(jsonOption), console, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, ComposeOptions message, string? outPath, string? graphBodyPath, bool json, CommandConsole console, CancellationToken cancellationToken)
    {
        if (json && outPath is null && graphBodyPath is null)
        {
            throw new UsageException("--json needs --out or --graph-body: standard output carries the JSON, not the message.");
        }

        // Before anything is read or opened: no output may be one of the inputs, whatever its name.
        var outputs = new List<(string Option, string Path)>();
        if (outPath is not null)
        {
            outputs.Add(("--out", outPath));
        }

        if (graphBodyPath is not null)
        {
            outputs.Add(("--graph-body", graphBodyPath));
        }

        InputFiles.RefuseOverwriting(message.InputFiles(result), outputs);

        // The message: described by the options, or read from the --mime file (header
        // protection is then laid out as the file is read).
        MessageSpec? spec = message.MimePath(result) is null ? message.BuildSpec(result) : null;
        SmimeOptions smime = message.BuildSmimeOptions(result, console);
        using MimeInput? mime = message.ReadMime(result, smime);

        // The ceiling is Graph's: it applies when a Graph body is asked for, and is then checked
        // from the spec before any attachment byte is read.
        var options = new SmimeOptions
        {
            Signer = smime.Signer,
            OpaqueSignature = smime.OpaqueSignature,
            Encryption = smime.Encryption,
            ProtectHeaders = smime.ProtectHeaders && mime is null,
            Ceiling = graphBodyPath is null ? long.MaxValue : GraphPayload.DefaultCeiling,
        };
        var composer = new SmimeComposer();

        // The sizes against Graph's ceiling, and the room left for one more attachment, whether or
        // not a Graph body was asked for: the .eml may be sent later. For a --mime message this
        // also checks its header fields and body before any output is opened.
        var reportOptions = new SmimeOptions
        {
            Signer = options.Signer,
            OpaqueSignature = options.OpaqueSignature,
            Encryption = options.Encryption,
            Ceiling = GraphPayload.DefaultCeiling,
        };
        PayloadSizePrediction? mimePrediction = mime?.Check(prepared => composer.PredictSize(prepared, reportOptions));
        Task<ComposedMessage> WriteMimeAsync(Stream destination) => mime is null
            ? composer.WriteMimeAsync(spec!, options, destination, cancellationToken)
            : composer.WriteMimeAsync(mime.Prepared, options, destination, cancellationToken);

        if (outPath is null && graphBodyPath is null)
        {
            var text = new MemoryStream();
            await WriteMimeAsync(text).ConfigureAwait(false);
            await console.Out.WriteAsync(System.Text.Encoding.ASCII.GetString(text.GetBuffer(), 0, (int)text.Length)).ConfigureAwait(false);
            return CommandLine.Success;
        }

        // Each output is written beside its target and renamed into place only when everything
        // succeeded: a failure leaves every file that was there as it was.
        string messageId;
        long mimeLength;
        OutputFile? eml = outPath is null ? null : OutputFile.Open("--out", outPath);
        try
        {
            OutputFile? body = graphBodyPath is null ? null : OutputFile.Open("--graph-body", graphBodyPath);
            try
            {
                if (eml is not null)
                {
                    ComposedMessage written = await WriteMimeAsync(eml.Stream).ConfigureAwait(false);
                    messageId = written.MessageId;
                    mimeLength = written.Length;
                    if (body is not null)
                    {
                        await eml.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                        var reread = new FileStream(eml.Stream.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 81920, useAsync: true);
                        await using (reread.ConfigureAwait(false))
                        {
                            using GraphPayload payload = await GraphPayload.FromMimeAsync(reread, options.Ceiling, cancellationToken).ConfigureAwait(false);
                            await payload.WriteToAsync(body.Stream, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
                else
                {
                    using GraphPayload payload = mime is null
                        ? await composer.ComposeAsync(spec!, options, cancellationToken).ConfigureAwait(false)
                        : await composer.ComposeAsync(mime.Prepared, options, cancellationToken).ConfigureAwait(false);
                    messageId = payload.InternetMessageId!;
                    mimeLength = payload.MimeLength;
                    await payload.WriteToAsync(body!.Stream, cancellationToken).ConfigureAwait(false);
                }

                if (eml is not null)
                {
                    await eml.CommitAsync().ConfigureAwait(false);
                }

                if (body is not null)
                {
                    await body.CommitAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                if (body is not null)
                {
                    await body.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (eml is not null)
            {
                await eml.DisposeAsync().ConfigureAwait(false);
            }
        }

        PayloadSizePrediction prediction = mimePrediction ?? composer.PredictSize(spec!, reportOptions);
        var report = new ComposeReport(messageId, mimeLength, options, prediction);
        if (json)
        {
            await console.Out.WriteAsync(CommandJson.Result("compose", report, w =>
            {
                w.WriteString("out", outPath);
                w.WriteString("graphBody", graphBodyPath);
            })).ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteLineAsync($"Message-ID: <{messageId}>").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"Size: {report.SizeLine()}").ConfigureAwait(false);
        }

        return CommandLine.Success;
    }
}
