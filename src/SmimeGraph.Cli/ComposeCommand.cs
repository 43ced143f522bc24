using SmimeGraph.Graph;
using SmimeGraph.Mime;

namespace SmimeGraph.Cli;

/// <summary>
/// <c>smimegraph compose</c>: writes the message as an .eml (<c>--out</c>, or standard output)
/// and, with <c>--graph-body</c>, the base64 request body Graph's MIME endpoints take.
/// </summary>
internal static class ComposeCommand
{
    /// <summary>The options that describe the message; <c>send</c> takes the same.</summary>
    public static readonly string[] MessageOptions = ["--from", "--to", "--cc", "--bcc", "--subject", "--text", "--html", "--attach", "--header"];

    /// <summary>The S/MIME options that take a value.</summary>
    public static readonly string[] SmimeValueOptions = ["--sign", "--encrypt-to"];

    /// <summary>The S/MIME switches.</summary>
    public static readonly string[] SmimeFlagOptions = ["--opaque", "--oaep", "--pss", "--aes-gcm"];

    private static readonly string[] OutputOptions = ["--out", "--graph-body"];

    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        var reader = new ArgumentReader(args, [.. MessageOptions, .. SmimeValueOptions, .. OutputOptions], SmimeFlagOptions);
        if (reader.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{reader.Positional[0]}'.");
        }

        if (SmimeValueOptions.Any(o => reader.All(o).Count > 0) || SmimeFlagOptions.Any(reader.Has))
        {
            await console.Error.WriteLineAsync("smimegraph compose: signing and encryption (--sign, --encrypt-to, --opaque, --oaep, --pss, --aes-gcm) are not available in this build.").ConfigureAwait(false);
            return CommandLine.Usage;
        }

        MessageSpec spec = BuildSpec(reader);
        var writer = MimeMessageWriter.Create(spec);
        string? outPath = reader.Optional("--out");
        string? graphBodyPath = reader.Optional("--graph-body");

        if (graphBodyPath is not null && writer.MessageLength is long predicted)
        {
            // Refuse before reading a byte of any attachment (Graph counts the base64 body).
            long bodyLength = (predicted + 2) / 3 * 4;
            if (bodyLength > GraphPayload.DefaultCeiling)
            {
                throw new PayloadTooLargeException(bodyLength, GraphPayload.DefaultCeiling);
            }
        }

        if (outPath is not null)
        {
            await WriteFileAsync(writer, outPath, cancellationToken).ConfigureAwait(false);
            if (graphBodyPath is not null)
            {
                var eml = new FileStream(outPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
                await using (eml.ConfigureAwait(false))
                {
                    await WriteGraphBodyAsync(eml, graphBodyPath, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else if (graphBodyPath is not null)
        {
            // The body is capped by the ceiling, so holding the MIME in memory is bounded too.
            var mime = new MemoryStream();
            await writer.WriteMessageAsync(mime, cancellationToken).ConfigureAwait(false);
            mime.Position = 0;
            await WriteGraphBodyAsync(mime, graphBodyPath, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var mime = new MemoryStream();
            await writer.WriteMessageAsync(mime, cancellationToken).ConfigureAwait(false);
            await console.Out.WriteAsync(System.Text.Encoding.ASCII.GetString(mime.GetBuffer(), 0, (int)mime.Length)).ConfigureAwait(false);
            return CommandLine.Success;
        }

        await console.Out.WriteLineAsync($"Message-ID: <{writer.MessageId}>").ConfigureAwait(false);
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
            spec.TextBody = ArgumentReader.TextOrFile(text);
        }

        if (reader.Optional("--html") is string html)
        {
            spec.HtmlBody = ArgumentReader.TextOrFile(html);
        }

        foreach (string path in reader.All("--attach"))
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

    private static Task WriteFileAsync(MimeMessageWriter writer, string path, CancellationToken cancellationToken) =>
        WriteOrDeleteAsync(path, file => writer.WriteMessageAsync(file, cancellationToken));

    private static async Task WriteGraphBodyAsync(Stream mime, string path, CancellationToken cancellationToken)
    {
        using GraphPayload payload = await GraphPayload.FromMimeAsync(mime, GraphPayload.DefaultCeiling, cancellationToken).ConfigureAwait(false);
        await WriteOrDeleteAsync(path, file => payload.WriteToAsync(file, cancellationToken)).ConfigureAwait(false);
    }

    // A failure part-way (an attachment that is not what it claimed to be) leaves no half-written file.
    private static async Task WriteOrDeleteAsync(string path, Func<Stream, Task> write)
    {
        try
        {
            var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
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
