using System.Security.Cryptography;
using SmimeGraph.Mime;
using SmimeGraph.MimeKit;

namespace SmimeGraph.Cli;

/// <summary>
/// The message of <c>--mime FILE.eml</c>, written by any client: read whole (at most
/// <see cref="MimeParserOptions.DefaultMaxMessageSize"/> bytes), checked against the limits the
/// library's own reader applies (nesting, parts, header fields: what inspect would refuse is
/// refused here), parsed by MimeKit and laid out as a <see cref="PreparedMessage"/>: its routing
/// header fields outside, its body entity canonical inside (RFC 8551 §3.1.1). The parts' contents
/// stay in the bytes read and are encoded once, while the message is written; the bytes are
/// cleared on <see cref="Dispose"/>.
/// </summary>
internal sealed class MimeInput : IDisposable
{
    private readonly byte[] _bytes;
    private readonly global::MimeKit.MimeMessage _message;

    private MimeInput(string option, string path, byte[] bytes, global::MimeKit.MimeMessage message, PreparedMessage prepared)
    {
        Option = option;
        Path = path;
        _bytes = bytes;
        _message = message;
        Prepared = prepared;
    }

    /// <summary>The option that named the file.</summary>
    public string Option { get; }

    /// <summary>The file's name as given.</summary>
    public string Path { get; }

    /// <summary>The message laid out for the composer.</summary>
    public PreparedMessage Prepared { get; }

    /// <summary>Reads and checks the message; every failure is a one-line usage error naming <paramref name="option"/> and the file.</summary>
    /// <exception cref="UsageException">The file is missing, too long, or not a message that can be signed as it is.</exception>
    public static MimeInput Read(string option, string path)
    {
        byte[] bytes = BoundedFile.ReadAllBytes(option, path, MimeParserOptions.DefaultMaxMessageSize);
        try
        {
            if (bytes.Length == 0)
            {
                throw new UsageException($"{option}: '{path}' is empty, not a message.");
            }

            try
            {
                // The library's reader first: it bounds depth, parts and header fields before
                // MimeKit builds a tree of its own.
                MimeParser.Parse(bytes);
            }
            catch (MimeFormatException ex)
            {
                throw NotMime(option, path, ex.Message);
            }

            global::MimeKit.MimeMessage message;
            try
            {
                // Persistent: the parts' contents are read from the bytes when they are written.
                message = global::MimeKit.MimeMessage.Load(new MemoryStream(bytes, writable: false), persistent: true);
            }
            catch (FormatException ex)
            {
                throw NotMime(option, path, ex.Message);
            }

            try
            {
                return new MimeInput(option, path, bytes, message, message.ToPreparedMessage());
            }
            catch (ArgumentException ex)
            {
                message.Dispose();
                throw NotAMessage(option, path, ex.Message);
            }
        }
        catch
        {
            CryptographicOperations.ZeroMemory(bytes);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="check"/> (a size prediction, which lays the message out as the
    /// composer will) and turns a format error in the message into a usage error naming the file.
    /// </summary>
    public T Check<T>(Func<PreparedMessage, T> check)
    {
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            return check(Prepared);
        }
        catch (Exception ex) when (ex is MimeFormatException or HeaderInjectionException)
        {
            throw NotAMessage(Option, Path, ex.Message);
        }
    }

    public void Dispose()
    {
        _message.Dispose();
        CryptographicOperations.ZeroMemory(_bytes);
    }

    private static UsageException NotMime(string option, string path, string reason) =>
        new($"{option}: '{path}' is not a MIME message: {OneLine(reason)}");

    private static UsageException NotAMessage(string option, string path, string reason) =>
        new($"{option}: '{path}' cannot be signed or encrypted as it is: {OneLine(reason)}");

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
