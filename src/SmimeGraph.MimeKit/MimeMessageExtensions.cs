using MimeKit;
using MimeHeaderField = SmimeGraph.Mime.MimeHeaderField;
using PreparedMessage = SmimeGraph.Mime.PreparedMessage;

namespace SmimeGraph.MimeKit;

/// <summary>Turns a MimeKit <see cref="MimeMessage"/> into what SmimeGraph signs and encrypts.</summary>
public static class MimeMessageExtensions
{
    /// <summary>
    /// Lays out <paramref name="message"/> for <see cref="Smime.SmimeComposer"/>: its header fields
    /// (From, Sender, To, Cc, Bcc, Reply-To, Subject, Date, Message-ID, In-Reply-To, References and
    /// any other non-Content field) become the routing fields outside the protection, and its
    /// <see cref="MimeMessage.Body"/> becomes the body entity in canonical form (RFC 8551 §3.1.1):
    /// 7-bit, CRLF. Text parts are encoded now; every other part's content is read once, when
    /// the message is written, and base64-encoded as it streams.
    /// </summary>
    /// <remarks>
    /// The message is not changed: an 8-bit or binary part is written with a 7-bit
    /// Content-Transfer-Encoding in place of its own (text as 7bit or quoted-printable, anything
    /// else as base64). A base64 part's length is known before writing when its content is held
    /// decoded in a seekable stream (as <c>BodyBuilder</c> makes it); a part whose content is
    /// still transfer-encoded (a parsed message) is decoded and encoded again as it streams, and
    /// the ceiling then stops the body the moment it would cross it.
    /// </remarks>
    /// <exception cref="ArgumentException">The message has no body.</exception>
    public static PreparedMessage ToPreparedMessage(this MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        MimeEntity body = message.Body ?? throw new ArgumentException("The message has no body.", nameof(message));

        var prepared = new PreparedMessage();
        foreach (Header header in message.Headers)
        {
            if (IsRoutingField(header.Field))
            {
                prepared.Headers.Add(new MimeHeaderField(header.Field, CanonicalEntityWriter.RawValue(header)));
            }
        }

        new CanonicalEntityWriter(prepared).Append(body);
        return prepared;
    }

    // RFC 2045 §3: MIME-Version is written by SmimeGraph; Content-* fields describe the body
    // entity and travel inside it (a MimeMessage keeps them on its Body).
    private static bool IsRoutingField(string name) =>
        !name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        && !name.Equals("MIME-Version", StringComparison.OrdinalIgnoreCase);
}
