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
        if (at <= 0 || at == address.Length - 1 || address.AsSpan().ContainsAny(" \t<>,;\"()[]\\") || address.Any(c => c > 0x7E || c < 0x21))
        {
            throw new ArgumentException($"'{address}' is not an email address of the form local@domain (ASCII, no spaces or specials).", nameof(address));
        }

        Address = address;
        DisplayName = string.IsNullOrWhiteSpace(name) ? null : name;
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

    /// <summary>Parses <c>Name &lt;addr&gt;</c> or a bare <c>addr</c>.</summary>
    public static MailboxAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        int lt = text.LastIndexOf('<');
        if (lt >= 0 && text.EndsWith('>'))
        {
            string name = text[..lt].Trim().Trim('"').Trim();
            return new MailboxAddress(name.Length == 0 ? null : name, text[(lt + 1)..^1].Trim());
        }

        return new MailboxAddress(text);
    }

    /// <inheritdoc />
    public override string ToString() => DisplayName is null ? Address : $"{DisplayName} <{Address}>";
}
