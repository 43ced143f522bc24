namespace SmimeGraph.Graph;

/// <summary>
/// The mailbox a Graph request addresses: the signed-in user (<c>/me</c>) or a user by object id
/// or user principal name (<c>/users/{id | userPrincipalName}</c>).
/// </summary>
public sealed class GraphMailbox : IEquatable<GraphMailbox>
{
    private GraphMailbox(string? user)
    {
        User = user;
        PathSegment = user is null ? "me" : "users/" + Uri.EscapeDataString(user);
        Key = user is null ? "me" : user.ToUpperInvariant();
    }

    /// <summary>The signed-in user's mailbox, <c>/me</c>.</summary>
    public static GraphMailbox Me { get; } = new(null);

    /// <summary>The user's object id or user principal name; null for <see cref="Me"/>.</summary>
    public string? User { get; }

    /// <summary>True for <see cref="Me"/>.</summary>
    public bool IsMe => User is null;

    /// <summary>The escaped path segment, <c>me</c> or <c>users/{id}</c>.</summary>
    internal string PathSegment { get; }

    /// <summary>Identifies the mailbox for per-mailbox limits (user principal names compare case-insensitively).</summary>
    internal string Key { get; }

    /// <summary>A user's mailbox by object id or user principal name.</summary>
    /// <exception cref="ArgumentException">The value is empty or contains control characters.</exception>
    public static GraphMailbox ForUser(string idOrUserPrincipalName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrUserPrincipalName);
        foreach (char c in idOrUserPrincipalName)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException("A mailbox id or user principal name cannot contain control characters.", nameof(idOrUserPrincipalName));
            }
        }

        return new GraphMailbox(idOrUserPrincipalName.Trim());
    }

    /// <summary><c>me</c> (any case) gives <see cref="Me"/>; anything else a user's mailbox.</summary>
    public static GraphMailbox Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        return value.Trim().Equals("me", StringComparison.OrdinalIgnoreCase) ? Me : ForUser(value);
    }

    /// <inheritdoc/>
    public bool Equals(GraphMailbox? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as GraphMailbox);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    /// <summary><c>me</c> or the user id / principal name.</summary>
    public override string ToString() => User ?? "me";
}
