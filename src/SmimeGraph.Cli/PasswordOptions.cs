using System.CommandLine;
using System.Text;

namespace SmimeGraph.Cli;

/// <summary>
/// <c>--password-env NAME | --password-file FILE</c>: the PKCS#12 password kept off the command
/// line (where <c>ps</c> shows it), for <c>--sign</c> and <c>--key</c>. Without either, and
/// without <c>PFX:password</c>, a protected file is asked for on the terminal, without echo.
/// </summary>
internal sealed class PasswordOptions
{
    /// <summary>The most a password file may hold; it is read whole.</summary>
    public const int MaxPasswordFileLength = 64 * 1024;

    public Option<string> Environment { get; } = CliOptions.Value("--password-env", "NAME", "Read the PKCS#12 password from this environment variable.");

    public Option<string> File { get; } = CliOptions.Value("--password-file", "FILE", "Read the PKCS#12 password from the first line of this file.");

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Environment);
        command.Add(File);
    }

    /// <summary>The password file as an input that no output may overwrite, or null.</summary>
    public string? FilePath(ParseResult result) => ComposeOptions.Path(result, File);

    /// <summary>The password from the environment or the file, or null when neither option is given.</summary>
    /// <exception cref="UsageException">Both are given, the variable is not set, or the file cannot be read.</exception>
    public string? Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string? name = result.GetValue(Environment);
        string? path = FilePath(result);
        if (name is not null && path is not null)
        {
            throw new UsageException("--password-env and --password-file: give one of them.");
        }

        if (name is not null)
        {
            // An empty value is an empty password; an unset variable is a mistake.
            return System.Environment.GetEnvironmentVariable(name)
                ?? throw new UsageException($"--password-env: the environment variable '{name}' is not set.");
        }

        if (path is null)
        {
            return null;
        }

        byte[] bytes = BoundedFile.ReadAllBytes(File.Name, path, MaxPasswordFileLength);
        try
        {
            // The first line, without its line end; a UTF-8 byte-order mark is not part of it.
            ReadOnlySpan<byte> text = bytes.AsSpan();
            if (text.StartsWith("\uFEFF"u8))
            {
                text = text[3..];
            }

            int end = text.IndexOfAny((byte)'\r', (byte)'\n');
            return Encoding.UTF8.GetString(end < 0 ? text : text[..end]);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
