using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cli;

/// <summary>Loads the certificates and keys that options name, with errors that name the option and the file.</summary>
internal static class CertificateFiles
{
    /// <summary>
    /// Splits <c>PATH[:password]</c>; a path that exists as given wins over a split, and the
    /// shortest existing path before a colon wins next, so a password may contain colons.
    /// </summary>
    public static (string Path, string? Password) PathAndPassword(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (File.Exists(value))
        {
            return (value, null);
        }

        for (int colon = value.IndexOf(':', StringComparison.Ordinal); colon > 0; colon = value.IndexOf(':', colon + 1))
        {
            if (File.Exists(value[..colon]))
            {
                return (value[..colon], value[(colon + 1)..]);
            }
        }

        int last = value.LastIndexOf(':');
        return last > 0 ? (value[..last], value[(last + 1)..]) : (value, null);
    }

    /// <summary>Every certificate in a PKCS#12 file; keys stay in memory only.</summary>
    public static X509Certificate2Collection LoadPkcs12(string option, string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{option}: '{path}' does not exist.");
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"{option}: '{path}' could not be opened ({ex.Message}); is the password right? Give it as PFX:password.");
        }
    }

    /// <summary>One certificate from a PEM or DER file.</summary>
    public static X509Certificate2 LoadCertificate(string option, string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{option}: '{path}' does not exist.");
        }

        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"{option}: '{path}' is not a certificate ({ex.Message}).");
        }
    }
}
