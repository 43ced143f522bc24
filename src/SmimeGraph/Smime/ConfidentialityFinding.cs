namespace SmimeGraph.Smime;

/// <summary>
/// Whether the message was hidden from everyone but its recipients (RFC 5652 §6, RFC 5083), and
/// whether tampering with the ciphertext would have been detected. Confidentiality says nothing
/// about who wrote the message: see <see cref="AuthenticityFinding"/>.
/// </summary>
public sealed class ConfidentialityFinding
{
    internal ConfidentialityFinding(bool isEncrypted, bool isDecrypted, bool isIntegrityProtected, IReadOnlyList<string> contentEncryptionAlgorithms, string summary)
    {
        IsEncrypted = isEncrypted;
        IsDecrypted = isDecrypted;
        IsIntegrityProtected = isIntegrityProtected;
        ContentEncryptionAlgorithms = contentEncryptionAlgorithms;
        Summary = summary;
    }

    /// <summary>True when an encryption layer covers the whole message.</summary>
    public bool IsEncrypted { get; }

    /// <summary>True when every encryption layer covering the message was opened.</summary>
    public bool IsDecrypted { get; }

    /// <summary>
    /// True when every such layer is AuthEnvelopedData (AES-GCM, RFC 5083): altered ciphertext
    /// fails. AES-CBC enveloped-data is not integrity protected: only a signature inside it
    /// detects tampering.
    /// </summary>
    public bool IsIntegrityProtected { get; }

    /// <summary>The content-encryption algorithms of those layers, outermost first.</summary>
    public IReadOnlyList<string> ContentEncryptionAlgorithms { get; }

    /// <summary>One line for people: "encrypted (AES-256-CBC, not integrity protected)", "not encrypted".</summary>
    public string Summary { get; }
}
