namespace SmimeGraph.Graph;

/// <summary>
/// Microsoft Graph's MIME mail operations. Request bodies are <see cref="GraphPayload"/>s (the
/// base64 of a whole MIME message, <c>Content-Type: text/plain</c>). Operations that send mail
/// are never repeated after a network failure; they throw <see cref="GraphAmbiguousSendException"/>.
/// </summary>
public interface IGraphMimeTransport
{
    /// <summary>
    /// Creates a draft from MIME: <c>POST /{mailbox}/messages</c>, or
    /// <c>POST /{mailbox}/mailFolders/{folderId}/messages</c> when <paramref name="folderId"/> is given.
    /// </summary>
    /// <returns>The draft as Graph created it (<c>201 Created</c>).</returns>
    Task<GraphMessage> CreateDraftAsync(GraphMailbox mailbox, GraphPayload payload, string? folderId = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces a draft's MIME content: <c>PUT /{mailbox}/messages/{id}/$value</c>.</summary>
    Task UpdateDraftAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Sends a draft: <c>POST /{mailbox}/messages/{id}/send</c>.</summary>
    Task SendDraftAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken = default);

    /// <summary>Sends a MIME message in one step: <c>POST /{mailbox}/sendMail</c>.</summary>
    Task SendMailAsync(GraphMailbox mailbox, GraphPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Replies with a MIME message: <c>POST /{mailbox}/messages/{id}/reply</c>.</summary>
    Task ReplyAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Replies to all with a MIME message: <c>POST /{mailbox}/messages/{id}/replyAll</c>.</summary>
    Task ReplyAllAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Forwards with a MIME message: <c>POST /{mailbox}/messages/{id}/forward</c>.</summary>
    Task ForwardAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Creates a reply draft from MIME: <c>POST /{mailbox}/messages/{id}/createReply</c>.</summary>
    Task<GraphMessage> CreateReplyAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Creates a reply-all draft from MIME: <c>POST /{mailbox}/messages/{id}/createReplyAll</c>.</summary>
    Task<GraphMessage> CreateReplyAllAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Creates a forward draft from MIME: <c>POST /{mailbox}/messages/{id}/createForward</c>.</summary>
    Task<GraphMessage> CreateForwardAsync(GraphMailbox mailbox, string messageId, GraphPayload payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams a message's MIME content: <c>GET /{mailbox}/messages/{id}/$value</c>. Dispose the
    /// stream: until then it holds one of the mailbox's concurrent request slots.
    /// </summary>
    Task<Stream> GetMimeAsync(GraphMailbox mailbox, string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds a message by its Message-ID in a folder, polling until it appears or
    /// <paramref name="wait"/> has passed: <c>GET /{mailbox}/mailFolders/{folder}/messages?$filter=internetMessageId eq '…'</c>.
    /// After a send, Graph moves the message to Sent Items under a new id, after a delay; this is
    /// how to find the sent copy.
    /// </summary>
    /// <param name="mailbox">The mailbox.</param>
    /// <param name="folder">A folder id or well-known name: <c>sentitems</c>, <c>drafts</c>, <c>inbox</c>.</param>
    /// <param name="internetMessageId">The Message-ID, with or without angle brackets (<see cref="GraphPayload.InternetMessageId"/>).</param>
    /// <param name="wait">How long to keep looking; <see cref="TimeSpan.Zero"/> looks once.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The message, or null when it did not appear within <paramref name="wait"/>.</returns>
    Task<GraphMessage?> FindByInternetMessageIdAsync(GraphMailbox mailbox, string folder, string internetMessageId, TimeSpan wait, CancellationToken cancellationToken = default);
}
