using System.Globalization;
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

    public static async Task<int> RunAsync(string[] args, CommandConsole console, CancellationToken cancellationToken)
    {
        var reader = new ArgumentReader(
            args,
            [.. ComposeCommand.MessageOptions, .. SmimeOptionsReader.ValueOptions, "--graph", "--mailbox"],
            [.. SmimeOptionsReader.FlagOptions, "--draft"]);
        if (reader.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{reader.Positional[0]}'.");
        }

        string? token = Environment.GetEnvironmentVariable(TokenVariable);
        if (string.IsNullOrEmpty(token))
        {
            throw new UsageException($"set {TokenVariable} to a bearer token for Graph (Mail.Send); any non-empty value works with the emulator.");
        }

        Uri graph = Uri.TryCreate(reader.Optional("--graph") ?? GraphMimeTransportOptions.GlobalBaseAddress.ToString(), UriKind.Absolute, out Uri? uri)
            ? uri
            : throw new UsageException("--graph takes an absolute URL, e.g. https://graph.microsoft.com/v1.0.");
        GraphMailbox mailbox = ParseMailbox(reader.Optional("--mailbox") ?? "me");

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

        MessageSpec spec = ComposeCommand.BuildSpec(reader);
        SmimeOptions options = SmimeOptionsReader.Build(reader);
        using GraphPayload payload = await new SmimeComposer().ComposeAsync(spec, options, cancellationToken).ConfigureAwait(false);

        string sizes = string.Create(CultureInfo.InvariantCulture, $"{payload.Length:N0} bytes of request body, {payload.Headroom:N0} under the ceiling");
        if (reader.Has("--draft"))
        {
            GraphMessage draft = await transport.CreateDraftAsync(mailbox, payload, cancellationToken: cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"draft created: {draft.Id} ({sizes})").ConfigureAwait(false);
        }
        else
        {
            await transport.SendMailAsync(mailbox, payload, cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"sent ({sizes})").ConfigureAwait(false);
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
