using System.Security.Cryptography;

namespace SmimeGraph.Smime;

/// <summary>
/// A symmetric key-encryption key agreed in advance with a sender, and the key identifier the
/// sender names it by (RFC 5652 §6.2.3, KEKRecipientInfo; OpenSSL writes one with
/// <c>openssl cms -encrypt -secretkey HEX -secretkeyid HEX</c>). AES keys (16, 24 or 32 bytes,
/// RFC 3394 key wrap) and Triple-DES keys (24 bytes, RFC 3217 key wrap) are read. Dispose it to
/// clear the key.
/// </summary>
public sealed class KeyEncryptionKey : IDisposable
{
    private readonly byte[] _key;

    /// <summary>Creates the key from its identifier and its octets (both copied).</summary>
    /// <exception cref="ArgumentException">The key is not 16, 24 or 32 bytes, or the identifier is empty.</exception>
    public KeyEncryptionKey(ReadOnlySpan<byte> keyIdentifier, ReadOnlySpan<byte> key)
    {
        if (keyIdentifier.IsEmpty)
        {
            throw new ArgumentException("The key identifier is empty.", nameof(keyIdentifier));
        }

        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("A key-encryption key has 16, 24 or 32 bytes.", nameof(key));
        }

        KeyIdentifier = keyIdentifier.ToArray();
        _key = GC.AllocateArray<byte>(key.Length, pinned: true);
        key.CopyTo(_key);
    }

    /// <summary>The KEKIdentifier keyIdentifier the sender names this key by.</summary>
    public ReadOnlyMemory<byte> KeyIdentifier { get; }

    internal ReadOnlyMemory<byte> Key => _key;

    /// <summary>Clears the key.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
