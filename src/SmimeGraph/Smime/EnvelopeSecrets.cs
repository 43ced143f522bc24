using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
    public static DecryptedContent Decrypt(EnvelopedDataReader reader, SmimeInspectorOptions options) =>
        WithSecrets(options, reader.Decrypt);

    /// <summary>
    /// Decrypts <paramref name="reader"/> after <see cref="RecoverAddressedKey"/> returned null for
    /// it, without trying the addressed secrets again (see <see cref="EnvelopedDataReader.DecryptUnaddressed"/>).
    /// </summary>
    public static DecryptedContent DecryptUnaddressed(EnvelopedDataReader reader, SmimeInspectorOptions options) =>
        WithSecrets(options, reader.DecryptUnaddressed);

    /// <summary>The tries <see cref="RecoverAddressedKey"/> has with the secrets of <paramref name="options"/>, without any key operation (see <see cref="EnvelopedDataReader.CountAddressedAttempts"/>).</summary>
    public static int CountAddressedAttempts(EnvelopedDataReader reader, SmimeInspectorOptions options) =>
        WithSecrets(options, reader.CountAddressedAttempts);

    /// <summary>Recovers the content-encryption key with the addressed secrets of <paramref name="options"/> (see <see cref="EnvelopedDataReader.RecoverAddressedKey"/>).</summary>
    public static RecoveredContentKey? RecoverAddressedKey(EnvelopedDataReader reader, SmimeInspectorOptions options) =>
        WithSecrets(options, reader.RecoverAddressedKey);

    private static T WithSecrets<T>(SmimeInspectorOptions options, Func<IEnumerable<X509Certificate2>, IReadOnlyList<SharedKeyEncryptionKey>?, IReadOnlyList<ReadOnlyMemory<byte>>?, T> use)
    {
        SharedKeyEncryptionKey[] keyEncryptionKeys = [.. options.KeyEncryptionKeys.Select(k => new SharedKeyEncryptionKey(k.KeyIdentifier, k.Key))];
        byte[][] passwords = [.. options.DecryptionPasswords.Select(Encoding.UTF8.GetBytes)];
        try
        {
            return use(options.DecryptionCertificates, keyEncryptionKeys, [.. passwords.Select(p => (ReadOnlyMemory<byte>)p)]);
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
