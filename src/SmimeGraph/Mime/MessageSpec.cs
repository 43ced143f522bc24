namespace SmimeGraph.Mime;

/// <summary>
/// A mail message to compose: the RFC 5322 header fields, the bodies and the attachments.
/// Nothing is read or encoded until the message is written.
/// </summary>
public sealed class MessageSpec
{
    /// <summary>The author (RFC 5322 §3.6.2). Required.</summary>
    public MailboxAddress? From { get; set; }

    /// <summary>The sender when it differs from <see cref="From"/> (sending on behalf of).</summary>
    public MailboxAddress? Sender { get; set; }

    /// <summary>Primary recipients.</summary>
    public IList<MailboxAddress> To { get; } = new List<MailboxAddress>();

    /// <summary>Carbon-copy recipients.</summary>
    public IList<MailboxAddress> Cc { get; } = new List<MailboxAddress>();

    /// <summary>
    /// Blind-copy recipients. Kept in the MIME: Graph delivers to Bcc recipients of a MIME
    /// message only when the Bcc header is in the submitted MIME, and removes it on delivery.
    /// </summary>
    public IList<MailboxAddress> Bcc { get; } = new List<MailboxAddress>();

    /// <summary>Reply-To addresses.</summary>
    public IList<MailboxAddress> ReplyTo { get; } = new List<MailboxAddress>();

    /// <summary>The subject (any Unicode; RFC 2047-encoded when needed).</summary>
    public string? Subject { get; set; }

    /// <summary>The origination date; the time of writing when null.</summary>
    public DateTimeOffset? Date { get; set; }

    /// <summary>The Message-ID without angle brackets; generated (random, @ the From domain) when null.</summary>
    public string? MessageId { get; set; }

    /// <summary>The Message-ID (without brackets) this message replies to.</summary>
    public string? InReplyTo { get; set; }

    /// <summary>Message-IDs (without brackets) of the thread, oldest first.</summary>
    public IList<string> References { get; } = new List<string>();

    /// <summary>The Importance header.</summary>
    public MessageImportance Importance { get; set; }

    /// <summary>
    /// Custom header fields (Graph's internetMessageHeaders; Graph accepts only names starting
    /// with <c>X-</c> or <c>x-</c> in its JSON API, any name in MIME). Names and values are checked
    /// for CR, LF and NUL.
    /// </summary>
    public IList<KeyValuePair<string, string>> Headers { get; } = new List<KeyValuePair<string, string>>();

    /// <summary>The text/plain body, or null.</summary>
    public string? TextBody { get; set; }

    /// <summary>The text/html body, or null. With <see cref="TextBody"/> the two form multipart/alternative.</summary>
    public string? HtmlBody { get; set; }

    /// <summary>Inline resources referenced from the HTML body by Content-ID (multipart/related).</summary>
    public IList<MimeAttachment> InlineResources { get; } = new List<MimeAttachment>();

    /// <summary>Attachments, including attached messages (multipart/mixed).</summary>
    public IList<MimeAttachment> Attachments { get; } = new List<MimeAttachment>();
}
