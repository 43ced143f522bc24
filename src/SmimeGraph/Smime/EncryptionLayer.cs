using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>An enveloped-data or authEnveloped-data layer and whether it opened.</summary>
public sealed class EncryptionLayer : InspectionLayer
{
    internal EncryptionLayer(int depth, string path, MimeEntity entity)
        : base(depth, path, entity)
    {
    }

    /// <summary>The content-encryption algorithm ("AES-256-GCM", "3DES-CBC"); null when unreadable.</summary>
    public string? ContentEncryptionAlgorithm { get; internal set; }

    /// <summary>The key management of the RecipientInfo that opened it ("RSAES-OAEP (SHA-256, MGF1 SHA-256)"); null when none did.</summary>
    public string? KeyManagementAlgorithm { get; internal set; }

    /// <summary>True for AuthEnvelopedData (RFC 5083): tampering with the ciphertext is detected. CBC content is not authenticated.</summary>
    public bool IsAuthenticated { get; internal set; }

    /// <summary>True when the content encryption is no longer recommended (3DES, RC2).</summary>
    public bool IsWeak { get; internal set; }

    /// <summary>Whether a supplied key opened it.</summary>
    public bool IsDecrypted { get; internal set; }

    /// <summary>The certificate whose key opened it.</summary>
    public X509Certificate2? RecipientCertificate { get; internal set; }

    /// <summary>The entity parsed from the plaintext; null when not decrypted.</summary>
    public MimeEntity? DecryptedEntity { get; internal set; }

    /// <inheritdoc />
    public override bool Succeeded => IsDecrypted && Problems.Count == 0;
}
