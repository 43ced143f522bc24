namespace SmimeGraph;

/// <summary>
/// Encrypted content could not be decrypted with any supplied key. The message deliberately
/// does not say why: padding, key-transport and integrity failures look the same to the caller
/// (RFC 3218 §2.3).
/// </summary>
public sealed class DecryptionFailedException : SmimeGraphException
{
    /// <summary>Creates the exception.</summary>
    public DecryptionFailedException(string message) : base(message) { }
}
