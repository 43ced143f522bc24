namespace SmimeGraph.Graph;

/// <summary>
/// A request that sends mail (send, sendMail, reply, replyAll, forward) was written to Graph but
/// the connection failed or timed out before a response arrived, or Graph's gateway answered
/// 504 (it timed out waiting for the mailbox server). The message may or may not
/// have been sent; SmimeGraph did not send it again. Check the recipient's or the Sent Items
/// folder before resending (<see cref="IGraphMimeTransport.FindByInternetMessageIdAsync"/>).
/// </summary>
/// <remarks>
/// Also thrown for a create (create draft, createReply, createReplyAll, createForward) whose
/// outcome stayed unknown: the payload had no Message-ID to look the draft up by, or the lookup
/// itself failed, or no attempt was left. The draft may then exist.
/// </remarks>
public sealed class GraphAmbiguousSendException : SmimeGraphException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The Graph action, e.g. <c>sendMail</c>.</param>
    /// <param name="mailbox">The mailbox addressed.</param>
    /// <param name="clientRequestId">The <c>client-request-id</c> the request carried.</param>
    /// <param name="innerException">The network failure, or the 504 <see cref="GraphRequestException"/>.</param>
    public GraphAmbiguousSendException(string operation, string mailbox, string clientRequestId, Exception? innerException)
        : base(Describe(operation, mailbox, clientRequestId), innerException)
    {
        Operation = operation;
        Mailbox = mailbox;
        ClientRequestId = clientRequestId;
    }

    /// <summary>The Graph action, e.g. <c>sendMail</c>, <c>send</c>, <c>reply</c>.</summary>
    public string Operation { get; }

    /// <summary>The mailbox addressed (<c>me</c> or a user id / principal name).</summary>
    public string Mailbox { get; }

    /// <summary>The <c>client-request-id</c> the request carried, for Microsoft support.</summary>
    public string ClientRequestId { get; }

    private static string Describe(string operation, string mailbox, string clientRequestId) =>
        operation.StartsWith("create", StringComparison.OrdinalIgnoreCase)
            ? $"The {operation} request for mailbox '{mailbox}' was sent to Graph but no answer arrived; the draft may have been created. It was not created again automatically; look for it by its internetMessageId before creating it again (client-request-id {clientRequestId})."
            : $"The {operation} request for mailbox '{mailbox}' was sent to Graph but no response arrived; the message may have been sent. It was not sent again automatically; check Sent Items before resending (client-request-id {clientRequestId}).";
}
