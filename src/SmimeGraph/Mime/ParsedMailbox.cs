namespace SmimeGraph.Mime;

/// <summary>
/// One mailbox read from a header field by <see cref="AddressParser"/> (RFC 5322 §3.4): the
/// display name with RFC 2047 encoded-words decoded, the addr-spec's local part and domain as
/// their semantic values (quotes, comments and folding whitespace removed), and the group it was
/// listed in, if any.
/// </summary>
internal sealed record ParsedMailbox(string? DisplayName, string LocalPart, string Domain, string? Group)
{
    /// <summary>
    /// The addr-spec <c>local-part@domain</c>; the local part is quoted (RFC 5322 §3.2.4) only
    /// when it is not a dot-atom, so <c>"alice"@example.com</c> reads as <c>alice@example.com</c>.
    /// </summary>
    public string Address { get; } = AddressParser.FormatLocalPart(LocalPart) + "@" + Domain;
}
