using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cli;

/// <summary>
/// Loads the certificates and keys that options name, with errors that name the option and the
/// file and never show a password.
/// </summary>
internal static class CertificateFiles
{
    /// <summary>
    /// Splits <c>PATH[:password]</c>: a path that exists as given wins, then the shortest existing
    /// path before a colon (so a password may contain colons). With <paramref name="passwordGivenElsewhere"/>
    /// (--password-env, --password-file) the value is only a file name.
    /// </summary>
    /// <exception cref="UsageException">No file is there; the message shows nothing after the first colon.</exception>
    public static (string Path, string? Password) SplitPkcs12(string option, string value, bool passwordGivenElsewhere)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (File.Exists(value) || (passwordGivenElsewhere && !value.Contains(':', StringComparison.Ordinal)))
        {
            InputFiles.EnsureFile(option, value);
            return (value, null);
        }

        int first = FirstPasswordColon(value);
        for (int colon = first; colon > 0; colon = value.IndexOf(':', colon + 1))
        {
            if (File.Exists(value[..colon]))
            {
                if (passwordGivenElsewhere)
                {
                    throw new UsageException($"{option}: give the password once, either after the file name or with --password-env/--password-file.");
                }

                return (value[..colon], value[(colon + 1)..]);
            }
        }

        // Nothing exists: what follows a colon may be a password, so it is never shown.
        string shown = first > 0 ? value[..first] : value;
        string hidden = first > 0 ? " (what follows a ':' is read as a password and not shown)" : string.Empty;
        throw new UsageException(Directory.Exists(shown)
            ? $"{option}: '{shown}' is a directory, not a file{hidden}."
            : $"{option}: '{shown}' does not exist{hidden}.");
    }

    /// <summary>
    /// Every certificate in a PKCS#12 file. Without a password the file is tried without one,
    /// then <paramref name="prompt"/> (a no-echo terminal prompt) is asked once when there is one.
    /// </summary>
    public static X509Certificate2Collection LoadPkcs12(string option, string path, string? password, Func<string, string?>? prompt, X509KeyStorageFlags flags)
    {
        InputFiles.EnsureFile(option, path);
        try
        {
            return X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password, flags);
        }
        catch (CryptographicException ex) when (password is not null || prompt is null)
        {
            throw new UsageException(password is null
                ? $"{option}: '{path}' could not be opened without a password ({ex.Message}); give it with --password-env NAME or --password-file FILE."
                : $"{option}: '{path}' could not be opened with the password given ({ex.Message}).");
        }
        catch (CryptographicException)
        {
            // Protected, and there is a terminal to ask.
        }

        string? typed = prompt!($"Password for {path}: ") ?? throw new UsageException($"{option}: no password was typed for '{path}'.");
        try
        {
            return X509CertificateLoader.LoadPkcs12CollectionFromFile(path, typed, flags);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"{option}: '{path}' could not be opened with the password typed ({ex.Message}).");
        }
    }

    /// <summary>One certificate from a PEM or DER file.</summary>
    public static X509Certificate2 LoadCertificate(string option, string path)
    {
        InputFiles.EnsureFile(option, path);
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"{option}: '{path}' is not a certificate ({ex.Message}).");
        }
    }

    // "C:\alice.pfx" keeps its drive letter on Windows.
    private static int FirstPasswordColon(string value) =>
        value.IndexOf(':', OperatingSystem.IsWindows() && value.Length > 2 && value[1] == ':' ? 2 : 0);
}
