using System.CommandLine;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Cli;

/// <summary>
/// <c>smimegraph send &lt;compose options&gt; [--graph URL] [--mailbox me|UPN] [--draft]</c>:
/// composes the message, checks it against the ceiling before anything is uploaded, and sends
/// it with <c>sendMail</c> (or, with <c>--draft</c>, creates a draft and prints its id). The
/// bearer token comes from the <c>SMIMEGRAPH_TOKEN</c> environment variable.
/// </summary>
internal static class SendCommand
{
    internal const string TokenVariable = "SMIMEGRAPH_TOKEN";

    public static CliCommand Create()
    {
        var message = new ComposeOptions();
        var graphOption = CliOptions.Value("--graph", "URL", "Graph's base address (default https://graph.microsoft.com/v1.0), or the emulator's.");
        var mailboxOption = CliOptions.Value("--mailbox", "me|UPN", "The mailbox to send from: me (default) or a user id or principal name.");
        var draftOption = CliOptions.Flag("--draft", "Create a draft and print its id instead of sending.");
        var jsonOption = CliOptions.Flag("--json", "Print one JSON object (Message-ID, draft id, protection, sizes against the ceiling; or the error, Graph's status and code, and the exit code) instead of the text report.");
        var command = new CliCommand(
            "send",
            $"Compose a message like compose, check it against the ceiling before anything is uploaded, and send it through Graph (sendMail) or create a draft. The bearer token comes from {TokenVariable}.",
            [
                "# through the local emulator (any token works there)",
                $"{TokenVariable}=x smimegraph send --graph http://127.0.0.1:5080/v1.0 --from alice@example.com --to bob@example.com \\",
                "    --subject Hi --text 'Hello Bob' --sign alice.pfx --encrypt-to bob.pem",
                "# a draft in a shared mailbox",
                $"{TokenVariable}=$(az account get-access-token --resource-type ms-graph --query accessToken -o tsv) \\",
                "    smimegraph send --mailbox shared@contoso.com --draft --from shared@contoso.com --to bob@example.com --subject Hi --text Hello",
                "# signed and encrypted (the sender's copy included), the password from a file, JSON out",
                $"{TokenVariable}=x smimegraph send --graph http://127.0.0.1:5080/v1.0 --from alice@example.com --to bob@example.com \\",
                "    --subject Hi --text Hi --sign alice.pfx --password-file ~/.alice-pfx-password --encrypt-to bob.pem --json",
                "# a message written by another mail client, signed and encrypted, its routing header fields kept outside",
                $"{TokenVariable}=x smimegraph send --graph http://127.0.0.1:5080/v1.0 --mime draft.eml --sign alice.pfx --encrypt-to bob.pem",
            ]);
        message.AddTo(command);
        command.Add(graphOption);
        command.Add(mailboxOption);
        command.Add(draftOption);
        command.Add(jsonOption);
        command.JsonErrors = jsonOption;
        command.SetRun((result, console, cancellationToken) => RunAsync(result, message, result.GetValue(graphOption), result.GetValue(mailboxOption), result.GetValue(draftOption), result.GetValue(jsonOption), console, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, ComposeOptions message, string? graphAddress, string? mailboxName, bool createDraft, bool json, CommandConsole console, CancellationToken cancellationToken)
    {
        string? token = Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrEmpty(token))
        {
            throw new UsageException($"set {TokenVariable} to a bearer token for Graph (Mail.Send); any non-empty value works with the emulator.");
        }

        Uri graph = Uri.TryCreate(graphAddress ?? GraphMimeTransportOptions.GlobalBaseAddress.ToString(), UriKind.Absolute, out Uri? uri)
            ? uri
            : throw new UsageException("--graph takes an absolute URL, e.g. https://graph.microsoft.com/v1.0.");
        GraphMailbox mailbox = ParseMailbox(mailboxName ?? "me");

        // The transport checks the address (http or https, no query): a bad one is a usage error
        // found before any attachment is read.
        using var http = new HttpClient();
        GraphMimeTransport transport;
        try
        {
            transport = new GraphMimeTransport(http, _ => ValueTask.FromResult(token), new GraphMimeTransportOptions { BaseAddress = graph });
        }
        catch (ArgumentException)
        {
            throw new UsageException("--graph takes an absolute http(s) URL without a query, e.g. https://graph.microsoft.com/v1.0.");
        }

        // The message: described by the options, or read from the --mime file (its header fields
        // and body checked before anything is uploaded).
        MessageSpec? spec = message.MimePath(result) is null ? message.BuildSpec(result) : null;
        SmimeOptions smime = message.BuildSmimeOptions(result, console);
        using MimeInput? mime = message.ReadMime(result, smime);
        SmimeOptions options = mime is null ? smime : new SmimeOptions { Signer = smime.Signer, OpaqueSignature = smime.OpaqueSignature, Encryption = smime.Encryption };
        var composer = new SmimeComposer();
        PayloadSizePrediction prediction = mime is null ? composer.PredictSize(spec!, options) : mime.Check(prepared => composer.PredictSize(prepared, options));
        using GraphPayload payload = mime is null
            ? await composer.ComposeAsync(spec!, options, cancellationToken).ConfigureAwait(false)
            : await composer.ComposeAsync(mime.Prepared, options, cancellationToken).ConfigureAwait(false);
        var report = new ComposeReport(payload.InternetMessageId!, payload.MimeLength, options, prediction);
        string? draftId = null;
        if (createDraft)
        {
            GraphMessage draft = await transport.CreateDraftAsync(mailbox, payload, cancellationToken: cancellationToken).ConfigureAwait(false);
            draftId = draft.Id;
        }
        else
        {
            await transport.SendMailAsync(mailbox, payload, cancellationToken).ConfigureAwait(false);
        }

        if (json)
        {
            await console.Out.WriteAsync(CommandJson.Result("send", report, w =>
            {
                w.WriteString("action", createDraft ? "draft" : "sent");
                w.WriteString("draftId", draftId);
                w.WriteString("mailbox", mailboxName ?? "me");
                w.WriteString("graph", graph.ToString());
            })).ConfigureAwait(false);
        }
        else if (draftId is not null)
        {
            await console.Out.WriteLineAsync($"draft created: {draftId} ({report.SizeLine()})").ConfigureAwait(false);
        }
        else
        {
            await console.Out.WriteLineAsync($"sent ({report.SizeLine()})").ConfigureAwait(false);
        }

        return CommandLine.Success;
    }

    private static GraphMailbox ParseMailbox(string value)
    {
        try
        {
            return GraphMailbox.Parse(value);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--mailbox takes me or a user id or principal name: {ex.Message}");
        }
    }
}
