namespace SmimeGraph.Graph;

/// <summary>
/// What repeating a Graph request would do, which decides whether it may be retried after a
/// dropped connection or a 504 (see <see cref="GraphRequestOptions.Kind"/>).
/// </summary>
public enum GraphRequestKind
{
    /// <summary>GET, PUT <c>$value</c>: repeating it changes nothing (RFC 9110 §9.2.2); retried after any transient failure.</summary>
    Idempotent,

    /// <summary>
    /// Creates an item (create draft, createReply, createReplyAll, createForward): retried after
    /// 429 and 503 only. After a 504 or a dropped connection the transport looks the draft up by
    /// its internetMessageId before it creates it again.
    /// </summary>
    NotIdempotent,

    /// <summary>
    /// Sends mail (send, sendMail, reply, replyAll, forward): retried after 429 and 503 only; a
    /// 504 or a connection lost after writing is a <see cref="GraphAmbiguousSendException"/>.
    /// </summary>
    SendsMail,
}
