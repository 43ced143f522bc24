namespace SmimeGraph.Mime;

/// <summary>
/// What <see cref="AddressParser"/> read from one address field: every mailbox (group members
/// included, in order), the groups, and every defect. An element that is neither a mailbox nor a
/// group (a display name with no address, a stray word) is counted in
/// <see cref="InvalidElements"/> and described in <see cref="Defects"/>; the parse goes on at
/// the next comma.
/// </summary>
internal sealed class ParsedAddressList
{
    public List<ParsedMailbox> Mailboxes { get; } = [];

    /// <summary>The display names of the groups (RFC 5322 §3.4 group), in order; empty groups included.</summary>
    public List<string> Groups { get; } = [];

    /// <summary>Elements that could not be read as a mailbox or a group.</summary>
    public int InvalidElements { get; set; }

    /// <summary>Every departure from the RFC 5322 grammar, obsolete forms (§4.4) included.</summary>
    public List<string> Defects { get; } = [];

    /// <summary>True when obsolete syntax (RFC 5322 §4) was accepted; not an error, but not what a conforming sender writes.</summary>
    public bool UsedObsoleteSyntax { get; set; }
}
