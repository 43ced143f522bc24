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
    /// <summary>The options that describe the message; <c>send</c> takes the same.</summary>
    public static readonly string[] MessageOptions = ["--from", "--to", "--cc", "--bcc", "--subject", "--text", "--html", "--attach", "--header"];

    private static readonly string[] OutputOptions = ["--out", "--graph-body"];

    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        var reader = new ArgumentReader(args, [.. MessageOptions, .. SmimeOptionsReader.ValueOptions, .. OutputOptions], SmimeOptionsReader.FlagOptions);
        if (reader.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{reader.Positional[0]}'.");
        }

        MessageSpec spec = BuildSpec(reader);
        SmimeOptions smime = SmimeOptionsReader.Build(reader);
        string? outPath = reader.OptionalPath("--out");
        string? graphBodyPath = reader.OptionalPath("--graph-body");
        RefuseOverwritingInputs(reader, outPath, graphBodyPath);

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

    /// <summary>
    /// Builds the message from <c>--from --to --cc --bcc --subject --text --html --attach --header</c>.
    /// <c>--text</c> and <c>--html</c> take the text or <c>@file</c>; <c>--header</c> takes <c>"Name: value"</c>.
    /// </summary>
    /// <exception cref="UsageException">An option is missing or malformed.</exception>
    internal static MessageSpec BuildSpec(ArgumentReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var spec = new MessageSpec
        {
            From = Mailbox("--from", reader.Required("--from")),
            Subject = reader.Required("--subject"),
        };

        AddMailboxes(spec.To, "--to", reader.All("--to"));
        AddMailboxes(spec.Cc, "--cc", reader.All("--cc"));
        AddMailboxes(spec.Bcc, "--bcc", reader.All("--bcc"));
        if (spec.To.Count + spec.Cc.Count + spec.Bcc.Count == 0)
        {
            throw new UsageException("--to is required (at least one recipient).");
        }

        if (reader.Optional("--text") is string text)
        {
            spec.TextBody = ArgumentReader.TextOrFile("--text", text);
        }

        if (reader.Optional("--html") is string html)
        {
            spec.HtmlBody = ArgumentReader.TextOrFile("--html", html);
        }

        foreach (string path in reader.AllPaths("--attach"))
        {
            spec.Attachments.Add(MimeAttachment.FromFile(path));
        }

        foreach (string header in reader.All("--header"))
        {
            int colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new UsageException($"--header takes \"Name: value\", not '{header}'.");
            }

            spec.Headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].TrimStart()));
        }

        return spec;
    }

    // An output opened for writing truncates the file, and a failure then deletes it: an output
    // that is also an attachment (or the other output) would destroy the input.
    private static void RefuseOverwritingInputs(ArgumentReader reader, string? outPath, string? graphBodyPath)
    {
        StringComparison comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        string? outFull = outPath is null ? null : Path.GetFullPath(outPath);
        string? graphBodyFull = graphBodyPath is null ? null : Path.GetFullPath(graphBodyPath);
        if (outFull is not null && string.Equals(outFull, graphBodyFull, comparison))
        {
            throw new UsageException("--out and --graph-body name the same file.");
        }

        foreach (string attachment in reader.All("--attach"))
        {
            string full = Path.GetFullPath(attachment);
            string? clash = string.Equals(full, outFull, comparison) ? "--out" : string.Equals(full, graphBodyFull, comparison) ? "--graph-body" : null;
            if (clash is not null)
            {
                throw new UsageException($"{clash} would overwrite the attachment '{attachment}'.");
            }
        }
    }

    private static void AddMailboxes(IList<MailboxAddress> list, string option, IReadOnlyList<string> values)
    {
        foreach (string value in values)
        {
            list.Add(Mailbox(option, value));
        }
    }

    private static MailboxAddress Mailbox(string option, string value)
    {
        try
        {
            return MailboxAddress.Parse(value);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"{option}: {ex.Message}");
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
