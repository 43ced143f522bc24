using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>
/// RFC 9788 header protection found in a message: the protected header fields the signature
/// covers (on the Cryptographic Payload, marked <c>hp="clear"</c> or <c>hp="cipher"</c>), and every
/// outer header field that differs from them.
/// </summary>
public sealed class HeaderProtectionFinding
{
    internal HeaderProtectionFinding(string mode, IReadOnlyList<MimeHeaderField> protectedFields, IReadOnlyList<MimeHeaderField> outerRecords, IReadOnlyList<HeaderFieldDifference> differences)
    {
        Mode = mode;
        ProtectedFields = protectedFields;
        OuterRecords = outerRecords;
        Differences = differences;
    }

    /// <summary>The <c>hp</c> parameter (RFC 9788 §2.1.1): "clear" for a signed-only message, "cipher" for an encrypted one.</summary>
    public string Mode { get; }

    /// <summary>The protected (non-structural) header fields of the Cryptographic Payload: what the reader should show (§4.2.1).</summary>
    public IReadOnlyList<MimeHeaderField> ProtectedFields { get; }

    /// <summary>The <c>HP-Outer</c> records (§2.2): the outer fields the sender wrote, as the sender's header confidentiality policy left them.</summary>
    public IReadOnlyList<MimeHeaderField> OuterRecords { get; }

    /// <summary>Every outer header field that differs from its protected counterpart, with whether it makes the message not valid.</summary>
    public IReadOnlyList<HeaderFieldDifference> Differences { get; }

    /// <summary>The first protected field named <paramref name="name"/> (decoded), or null.</summary>
    public string? GetProtectedHeader(string name) =>
        ProtectedFields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;
}
