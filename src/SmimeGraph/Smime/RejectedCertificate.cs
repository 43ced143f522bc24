namespace SmimeGraph.Smime;

/// <summary>
/// A certificate issued to the address looked up but refused, and why; or a file that could
/// not be read (then <see cref="Subject"/> and <see cref="Thumbprint"/> are null).
/// </summary>
/// <param name="Source">Where it was found: a file path or a store (<c>CurrentUser\My</c>).</param>
/// <param name="Subject">The certificate's subject distinguished name.</param>
/// <param name="Thumbprint">The certificate's SHA-1 thumbprint, as Windows shows it.</param>
/// <param name="Reasons">Why it was refused, e.g. "it expired on 2021-12-31 23:59:59Z".</param>
public sealed record RejectedCertificate(string Source, string? Subject, string? Thumbprint, IReadOnlyList<string> Reasons)
{
    /// <inheritdoc />
    public override string ToString() =>
        Subject is null
            ? $"{Source}: {string.Join("; ", Reasons)}"
            : $"{Subject} (thumbprint {Thumbprint}, {Source}): {string.Join("; ", Reasons)}";
}
