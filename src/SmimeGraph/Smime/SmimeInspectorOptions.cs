using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Buffers;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>What <see cref="SmimeInspector"/> decrypts with, trusts, and when it validates.</summary>
public sealed class SmimeInspectorOptions
{
    /// <summary>Certificates with private keys to decrypt with; every one is tried.</summary>
    public IList<X509Certificate2> DecryptionCertificates { get; } = new List<X509Certificate2>();

    /// <summary>Symmetric key-encryption keys shared with senders, for KEKRecipientInfos (RFC 5652 §6.2.3).</summary>
    public IList<KeyEncryptionKey> KeyEncryptionKeys { get; } = new List<KeyEncryptionKey>();

    /// <summary>
    /// Passwords for PasswordRecipientInfos (RFC 5652 §6.2.4, RFC 3211; <c>openssl cms -encrypt
    /// -pwri_password</c>), used as their UTF-8 octets. Each password tried costs one key operation
    /// of <see cref="InspectionLimits.MaxPrivateKeyOperations"/>.
    /// </summary>
    public IList<string> DecryptionPasswords { get; } = new List<string>();

    /// <summary>The trust anchors for signer certificates; when empty, the system root store.</summary>
    public IList<X509Certificate2> TrustAnchors { get; } = new List<X509Certificate2>();

    /// <summary>Further certificates to find signers and build chains with (the message's own are always used).</summary>
    public IList<X509Certificate2> ExtraCertificates { get; } = new List<X509Certificate2>();

    /// <summary>Encoded CRLs checked offline; none by default (no revocation checking).</summary>
    public IList<byte[]> CertificateRevocationLists { get; } = new List<byte[]>();

    /// <summary>
    /// The time certificates are validated at; null means now. A signingTime attribute never
    /// changes it; a signingTime after it makes the signature untrustworthy.
    /// </summary>
    public DateTimeOffset? ValidationTime { get; set; }

    /// <summary>When the streaming inspector hashes signed content on a second core (tests force it on or off).</summary>
    internal SecondCore SecondCore { get; set; }

    /// <summary>Limits for parsing the message and every decrypted or unwrapped layer.</summary>
    public MimeParserOptions? ParserOptions { get; set; }

    /// <summary>How much work one message may ask for: layers, parts, SignerInfos, attributes, RecipientInfos, certificates, key operations.</summary>
    public InspectionLimits Limits { get; set; } = new();
}
