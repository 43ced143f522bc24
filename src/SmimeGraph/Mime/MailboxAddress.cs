namespace SmimeGraph.Mime;

/// <summary>
/// An RFC 5322 mailbox: an addr-spec with an optional display name.
/// </summary>
public sealed record MailboxAddress
{
    /// <summary>Creates a mailbox with a display name: the arguments come in the order MimeKit's
    /// <c>MailboxAddress(name, address)</c> takes them. The address is validated; CR, LF and NUL are
    /// refused in both parts.</summary>
    /// <param name="name">The display name (RFC 5322 §3.4 display-name), or null for none.</param>
    /// <param name="address">The addr-spec, <c>local@domain</c>.</param>
    /// <exception cref="HeaderInjectionException">The address or display name contains CR, LF or NUL.</exception>
    /// <exception cref="ArgumentException">The address is not an addr-spec (local@domain).</exception>
    public MailboxAddress(string? name, string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        HeaderValueGuard.ThrowIfUnsafe(nameof(address), address);
        if (name is not null)
        {
            HeaderValueGuard.ThrowIfUnsafe(nameof(name), name);
        }

        int at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1 || address.AsSpan().ContainsAny(" \t<>,;\"()[]\\") || address.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            throw new ArgumentException($"'{address}' is not an email address of the form local@domain (ASCII, no spaces or specials).", nameof(address));
        }

        Address = address;
        DisplayName = string.IsNullOrWhiteSpace(name) ? null : name;
    }

    // A mailbox read by the address grammar: its address is an RFC 5322 addr-spec, which may be
    // outside the conservative form the public constructor accepts; neither part holds CR, LF or NUL.
    private MailboxAddress(ParsedMailbox parsed)
    {
        Address = parsed.Address;
        DisplayName = parsed.DisplayName;
    }

    /// <summary>Creates a mailbox with no display name.</summary>
    /// <param name="address">The addr-spec, <c>local@domain</c>.</param>
    /// <exception cref="HeaderInjectionException">The address contains CR, LF or NUL.</exception>
    /// <exception cref="ArgumentException">The address is not an addr-spec (local@domain).</exception>
    public MailboxAddress(string address)
        : this(null, address)
    {
    }

    /// <summary>The addr-spec, e.g. <c>alice@example.com</c>.</summary>
    public string Address { get; }

    /// <summary>The display name, or null.</summary>
    public string? DisplayName { get; }

    /// <summary>
    /// Parses one RFC 5322 mailbox (§3.4): <c>Name &lt;addr&gt;</c>, <c>"Last, First" &lt;addr&gt;</c>,
    /// a bare <c>addr</c>, with comments, quoted strings and RFC 2047 encoded-words in the display
    /// name. The address must be one SmimeGraph can send: an ASCII <c>local@domain</c> without
    /// quotes, spaces or specials.
    /// </summary>
    /// <exception cref="HeaderInjectionException">The text contains CR, LF or NUL.</exception>
    /// <exception cref="ArgumentException">The text is not exactly one mailbox, or its address is not one SmimeGraph sends to.</exception>
    public static MailboxAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        HeaderValueGuard.ThrowIfUnsafe(nameof(text), text);
        ParsedMailbox mailbox = AddressParser.ParseMailbox(text, out string? error)
            ?? throw new ArgumentException($"'{text}' is not a mailbox (RFC 5322 §3.4): {error}.", nameof(text));
        return new MailboxAddress(mailbox.DisplayName, mailbox.Address);
    }

    /// <summary>Parses one mailbox as <see cref="Parse"/> does; false instead of an exception.</summary>
    public static bool TryParse([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MailboxAddress? mailbox)
    {
        mailbox = null;
        if (text is null || text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 || AddressParser.ParseMailbox(text, out _) is not { } parsed)
        {
            return false;
        }

        try
        {
            mailbox = new MailboxAddress(parsed.DisplayName, parsed.Address);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads every mailbox of an address-list field value as received (RFC 5322 §3.4: From, To, Cc,
    /// Bcc, Reply-To), group members included, folds and RFC 2047 encoded-words handled. Elements
    /// that are not a mailbox are skipped. The addresses are as written, so they may be outside
    /// what SmimeGraph sends (quoted local parts, domain literals, UTF-8 per RFC 6532).
    /// </summary>
    /// <param name="value">The field value after the colon, as in <see cref="MimeHeaderField.RawValue"/>.</param>
    public static IReadOnlyList<MailboxAddress> ParseList(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return AddressParser.ParseAddressList(value).Mailboxes
            .Where(m => !m.Address.Contains('\0', StringComparison.Ordinal))
            .Select(m => new MailboxAddress(m))
            .ToList();
    }

    /// <inheritdoc />
    public override string ToString() => DisplayName is null ? Address : $"{DisplayName} <{Address}>";
}
