using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;

namespace SmimeGraph.Cli;

/// <summary>
/// Turns <c>--sign PFX[:password] --encrypt-to CERT... --opaque --oaep --pss --aes-gcm</c> into
/// <see cref="SmimeOptions"/>; <c>compose</c> and <c>send</c> share it.
/// </summary>
internal static class SmimeOptionsReader
{
    public static readonly string[] ValueOptions = ["--sign", "--encrypt-to"];

    public static readonly string[] FlagOptions = ["--opaque", "--oaep", "--pss", "--aes-gcm"];

    public static SmimeOptions Build(ArgumentReader reader)
    {
        SmimeSigner? signer = null;
        if (reader.Optional("--sign") is string sign)
        {
            (string path, string? password) = ArgumentReader.PathAndPassword(sign);
            X509Certificate2Collection bundle = LoadPfx(path, password);
            X509Certificate2 certificate = bundle.FirstOrDefault(c => c.HasPrivateKey)
                ?? throw new UsageException($"--sign: '{path}' holds no certificate with a private key.");
            signer = new SmimeSigner(certificate) { UseRsaPss = reader.Has("--pss") };
            foreach (X509Certificate2 other in bundle)
            {
                if (!other.HasPrivateKey)
                {
                    signer.Chain.Add(other);
                }
            }
        }
        else if (reader.Has("--pss") || reader.Has("--opaque"))
        {
            throw new UsageException("--pss and --opaque need --sign.");
        }

        SmimeEncryptionOptions? encryption = null;
        IReadOnlyList<string> recipients = reader.All("--encrypt-to");
        if (recipients.Count > 0)
        {
            encryption = new SmimeEncryptionOptions
            {
                UseRsaOaep = reader.Has("--oaep"),
                Algorithm = reader.Has("--aes-gcm") ? ContentEncryptionAlgorithm.Aes256Gcm : ContentEncryptionAlgorithm.Aes256Cbc,
            };
            foreach (string path in recipients)
            {
                encryption.Recipients.Add(LoadCertificate(path));
            }
        }
        else if (reader.Has("--oaep") || reader.Has("--aes-gcm"))
        {
            throw new UsageException("--oaep and --aes-gcm need --encrypt-to.");
        }

        return new SmimeOptions { Signer = signer, OpaqueSignature = reader.Has("--opaque"), Encryption = encryption };
    }

    private static X509Certificate2Collection LoadPfx(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--sign: '{path}' does not exist.");
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"--sign: '{path}' could not be opened ({ex.Message}); is the password right? Give it as PFX:password.");
        }
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--encrypt-to: '{path}' does not exist.");
        }

        try
        {
            // PEM or DER.
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"--encrypt-to: '{path}' is not a certificate ({ex.Message}).");
        }
    }
}
