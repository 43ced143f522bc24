namespace SmimeGraph.Smime;

/// <summary>The symmetric algorithm that encrypts the message content.</summary>
public enum ContentEncryptionAlgorithm
{
    /// <summary>
    /// AES-256 in CBC mode with a random IV (RFC 3565), in CMS EnvelopedData. The default: every
    /// S/MIME client, Outlook included, reads it.
    /// </summary>
    Aes256Cbc,

    /// <summary>AES-128 in CBC mode with a random IV (RFC 3565), in CMS EnvelopedData.</summary>
    Aes128Cbc,

    /// <summary>
    /// AES-256 in GCM mode (RFC 5084) with a 12-byte nonce and a 16-byte tag, in CMS
    /// AuthEnvelopedData (RFC 5083, <c>smime-type=authEnveloped-data</c>, S/MIME 4.0). Outlook may
    /// not read it. The plaintext is held in pooled memory until the message is complete, because
    /// the platform's AES-GCM encrypts in one call.
    /// </summary>
    Aes256Gcm,

    /// <summary>AES-128 in GCM mode; otherwise as <see cref="Aes256Gcm"/>.</summary>
    Aes128Gcm,
}
