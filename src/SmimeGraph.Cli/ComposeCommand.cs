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
            ]);
        message.AddTo(command);
        command.Add(outOption);
        command.Add(graphBodyOption);
        command.SetRun((result, console, cancellationToken) => RunAsync(result, message, ComposeOptions.Path(result, outOption), ComposeOptions.Path(result, graphBodyOption), console, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, ComposeOptions message, string? outPath, string? graphBodyPath, CommandConsole console, CancellationToken cancellationToken)
    {
        MessageSpec spec = message.BuildSpec(result);
        SmimeOptions smime = message.BuildSmimeOptions(result);
        RefuseOverwritingInputs(ComposeOptions.Paths(result, message.Attach), outPath, graphBodyPath);

        // The ceiling is Graph's: it applies when a Graph body is asked for, and is then checked
        // from the spec before any attachment byte is read.
        var options = new SmimeOptions
        {
            Signer = smime.Signer,
            OpaqueSignature = smime.OpaqueSignature,
            Encryption = smime.Encryption,
            Ceiling = graphBodyPath is null ? long.MaxValue : GraphPayload.DefaultCeiling,
        };
        var composer = new SmimeComposer();
        string messageId;
        if (outPath is not null)
        {
            ComposedMessage written = null!;
            await WriteOrDeleteAsync(outPath, async file => written = await composer.WriteMimeAsync(spec, options, file, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            messageId = written.MessageId;
            if (graphBodyPath is not null)
            {
                var eml = new FileStream(outPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
                await using (eml.ConfigureAwait(false))
                {
                    using GraphPayload payload = await GraphPayload.FromMimeAsync(eml, options.Ceiling, cancellationToken).ConfigureAwait(false);
                    await WriteOrDeleteAsync(graphBodyPath, file => payload.WriteToAsync(file, cancellationToken)).ConfigureAwait(false);
                }
            }
        }
        else if (graphBodyPath is not null)
        {
            using GraphPayload payload = await composer.ComposeAsync(spec, options, cancellationToken).ConfigureAwait(false);
            messageId = payload.InternetMessageId!;
            await WriteOrDeleteAsync(graphBodyPath, file => payload.WriteToAsync(file, cancellationToken)).ConfigureAwait(false);
        }
        else
        {
            var mime = new MemoryStream();
            await composer.WriteMimeAsync(spec, options, mime, cancellationToken).ConfigureAwait(false);
            await console.Out.WriteAsync(System.Text.Encoding.ASCII.GetString(mime.GetBuffer(), 0, (int)mime.Length)).ConfigureAwait(false);
            return CommandLine.Success;
        }

        await console.Out.WriteLineAsync($"Message-ID: <{messageId}>").ConfigureAwait(false);
        return CommandLine.Success;
    }

    // An output opened for writing truncates the file, and a failure then deletes it: an output
    // that is also an attachment (or the other output) would destroy the input.
    private static void RefuseOverwritingInputs(IReadOnlyList<string> attachments, string? outPath, string? graphBodyPath)
    {
        StringComparison comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        string? outFull = outPath is null ? null : Path.GetFullPath(outPath);
        string? graphBodyFull = graphBodyPath is null ? null : Path.GetFullPath(graphBodyPath);
        if (outFull is not null && string.Equals(outFull, graphBodyFull, comparison))
        {
            throw new UsageException("--out and --graph-body name the same file.");
        }

        foreach (string attachment in attachments)
        {
            string full = Path.GetFullPath(attachment);
            string? clash = string.Equals(full, outFull, comparison) ? "--out" : string.Equals(full, graphBodyFull, comparison) ? "--graph-body" : null;
            if (clash is not null)
            {
                throw new UsageException($"{clash} would overwrite the attachment '{attachment}'.");
            }
        }
    }

    // A failure part-way (an attachment that is not what it claimed to be) leaves no half-written
    // file. A file that could not be opened is not ours to delete: it stays as it was.
    private static async Task WriteOrDeleteAsync(string path, Func<Stream, Task> write)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        try
        {
            await using (file.ConfigureAwait(false))
            {
                await write(file).ConfigureAwait(false);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }
}
