using System.Net.Http.Headers;
using SmimeGraph.Emulator;
using SmimeGraph.Smime;

namespace SmimeGraph.Testing;

/// <summary>One mailbox of a <see cref="GraphMailEmulator"/>, as a test looks at it.</summary>
public sealed class GraphMailboxView
{
    private readonly GraphMailEmulator _emulator;
    private readonly string _mailbox;
    private readonly string _path;

    internal GraphMailboxView(GraphMailEmulator emulator, string mailbox, string path)
    {
        _emulator = emulator;
        _mailbox = mailbox;
        _path = path;
    }

    /// <summary>
    /// What was sent from this mailbox: every message in Sent Items (mail still on its way there
    /// is delivered first), oldest first, each fetched as Graph returns it and decrypted and
    /// verified with the emulator's keys and trust anchors.
    /// </summary>
    /// <param name="cancellationToken">Cancels the fetches.</param>
    public async Task<IReadOnlyList<SentMessage>> GetSentAsync(CancellationToken cancellationToken = default)
    {
        EmulatorHost host = _emulator.Host;
        host.DeliverSentItemsNow();
        var sent = new List<SentMessage>();
        foreach (EmulatorMessage message in host.GetMessages(_mailbox, "sentitems"))
        {
            byte[] mime = await GetMimeAsync(message.Id, cancellationToken).ConfigureAwait(false);
            sent.Add(new SentMessage(message.Id, mime, SmimeInspector.Inspect(mime, _emulator.InspectorOptions())));
        }

        return sent;
    }

    /// <summary>The one message sent with this Message-ID (with or without angle brackets), or null.</summary>
    public async Task<SentMessage?> FindSentAsync(string internetMessageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(internetMessageId);
        string wanted = internetMessageId.Trim().TrimStart('<').TrimEnd('>');
        return (await GetSentAsync(cancellationToken).ConfigureAwait(false))
            .SingleOrDefault(m => string.Equals(m.InternetMessageId?.Trim().TrimStart('<').TrimEnd('>'), wanted, StringComparison.Ordinal));
    }

    private async Task<byte[]> GetMimeAsync(string id, CancellationToken cancellationToken)
    {
        // GET /messages/{id}/$value: the MIME Graph gives back (outlook-get-mime-message.md).
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_emulator.BaseAddress.AbsoluteUri.TrimEnd('/')}/{_path}/messages/{Uri.EscapeDataString(id)}/$value");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _emulator.Token);
        using HttpResponseMessage response = await _emulator.Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }
}
