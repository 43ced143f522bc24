namespace SmimeGraph.Mime;

/// <summary>
/// A message laid out for one pass: the routing header fields, fixed in advance, and the body
/// entity, written on demand in canonical 7-bit form (CRLF, lines of at most 998 octets). The
/// S/MIME stages wrap the body entity and leave the routing fields outside (RFC 8551 §3.1).
/// </summary>
internal interface IMimeMessageSource
{
    /// <summary>The Message-ID written, without angle brackets.</summary>
    string MessageId { get; }

    /// <summary>The exact number of bytes <see cref="WriteRoutingHeaders"/> writes.</summary>
    long RoutingHeadersLength { get; }

    /// <summary>The exact number of bytes <see cref="WriteBodyEntityAsync"/> writes; null when a content length is unknown.</summary>
    long? BodyEntityLength { get; }

    /// <summary>Writes the routing header fields and <c>MIME-Version: 1.0</c>, without the blank line that ends the header.</summary>
    void WriteRoutingHeaders(Stream destination);

    /// <summary>Writes the body entity: its Content-* fields, a blank line and its body.</summary>
    Task WriteBodyEntityAsync(Stream destination, CancellationToken cancellationToken = default);
}
