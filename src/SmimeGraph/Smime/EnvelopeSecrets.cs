using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// Hands the inspector's secrets to the EnvelopedData reader: the certificates with private keys,
/// the shared key-encryption keys (RFC 5652 §6.2.3) and the passwords (RFC 5652 §6.2.4), the
/// latter as UTF-8 octets that are cleared once the envelope is opened or given up.
/// </summary>
internal static class EnvelopeSecrets
{
    /// <summary>Decrypts <paramref name="reader"/> with every secret of <paramref name="options"/> (see <see cref="EnvelopedDataReader.Decrypt"/>).</summary>
    public static DecryptedContent Decrypt(EnvelopedDataReader reader, SmimeInspectorOptions options)
    {
        SharedKeyEncryptionKey[] keyEncryptionKeys = [.. options.KeyEncryptionKeys.Select(k => new SharedKeyEncryptionKey(k.KeyIdentifier, k.Key))];
        byte[][] passwords = [.. options.DecryptionPasswords.Select(Encoding.UTF8.GetBytes)];
        try
        {
            return reader.Decrypt(options.DecryptionCertificates, keyEncryptionKeys, [.. passwords.Select(p => (ReadOnlyMemory<byte>)p)]);
        }
        finally
        {
            foreach (byte[] password in passwords)
            {
                CryptographicOperations.ZeroMemory(password);
            }
        }
    }

    /// <summary>Recovers the content-encryption key with the addressed secrets of <paramref name="options"/> (see <see cref="EnvelopedDataReader.RecoverAddressedKey"/>).</summary>
    public static RecoveredContentKey? RecoverAddressedKey(EnvelopedDataReader reader, SmimeInspectorOptions options)
    {
        SharedKeyEncryptionKey[] keyEncryptionKeys = [.. options.KeyEncryptionKeys.Select(k => new SharedKeyEncryptionKey(k.KeyIdentifier, k.Key))];
        byte[][] passwords = [.. options.DecryptionPasswords.Select(Encoding.UTF8.GetBytes)];
        try
        {
            return reader.RecoverAddressedKey(options.DecryptionCertificates, keyEncryptionKeys, [.. passwords.Select(p => (ReadOnlyMemory<byte>)p)]);
        }
        finally
        {
            foreach (byte[] password in passwords)
            {
                CryptographicOperations.ZeroMemory(password);
            }
        }
    }
}
