using System.Security.Cryptography;
using System.Text;
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
/// cleared on <see cref="Dispose"/>. With header protection (RFC 9788) the protected entity
/// starts with a copy of the routing fields, as the composer lays out a message described by
/// the options.
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
    /// <param name="option">The option that named the file.</param>
    /// <param name="path">The file.</param>
    /// <param name="headerProtection">The RFC 9788 <c>hp</c> value: <c>"clear"</c> (signed), <c>"cipher"</c> (encrypted), or null for none.</param>
    /// <exception cref="UsageException">The file is missing, too long, or not a message that can be signed as it is.</exception>
    public static MimeInput Read(string option, string path, string? headerProtection)
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
                if (headerProtection is not null)
                {
                    ProtectHeaders(message, headerProtection);
                }

                return new MimeInput(option, path, bytes, message, message.ToPreparedMessage());
            }
            catch (ArgumentException ex)
            {
                message.Dispose();
                throw NotAMessage(option, path, ex.Message);
            }
            catch
            {
                message.Dispose();
                throw;
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

    /// <summary>
    /// RFC 9788 header protection on the parsed message, as the composer applies it to a message
    /// described by the options: the body entity (the Cryptographic Payload) starts with a copy
    /// of every routing field but Bcc, and its Content-Type carries <c>hp</c> (§2.1). With
    /// <c>"cipher"</c> the outer header follows hcp_baseline (§3.2.1: Subject becomes
    /// <c>[...]</c>) and the payload records each outer field in an <c>HP-Outer</c> field (§2.2).
    /// Bcc is neither copied nor recorded: every recipient reads the payload (§10.2).
    /// </summary>
    private static void ProtectHeaders(global::MimeKit.MimeMessage message, string headerProtection)
    {
        global::MimeKit.MimeEntity body = message.Body ?? throw new ArgumentException("The message has no body.", nameof(message));

        // The Date and Message-ID the composer would add are added here, so that they are protected too
        // (RFC 5322 §3.6.1, §3.6.4).
        if (!message.Headers.Contains(global::MimeKit.HeaderId.Date))
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            message.Date = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        }

        if (!message.Headers.Contains(global::MimeKit.HeaderId.MessageId) && message.From.Mailboxes.FirstOrDefault() is { } author)
        {
            message.MessageId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "@" + (author.Domain.Length > 0 ? author.Domain : "localhost");
        }

        global::MimeKit.Header[] routing = [.. message.Headers.Where(h => IsRoutingField(h.Field) && !h.Field.Equals("Bcc", StringComparison.OrdinalIgnoreCase))];
        bool cipher = headerProtection == "cipher";
        int count = (routing.Length * (cipher ? 2 : 1)) + body.Headers.Count + 1;
        if (count > MimeParserOptions.DefaultMaxHeaderCount)
        {
            throw new ArgumentException($"With header protection the protected entity would have {count} header fields; a reader accepts {MimeParserOptions.DefaultMaxHeaderCount}.", nameof(message));
        }

        int index = 0;
        foreach (global::MimeKit.Header field in routing)
        {
            body.Headers.Insert(index++, field.Clone());
        }

        if (cipher)
        {
            foreach (global::MimeKit.Header field in routing)
            {
                // The field as it goes out: a Subject obscured, anything else as written.
                string outer = field.Id == global::MimeKit.HeaderId.Subject ? " [...]" : RawText(field);
                var record = new global::MimeKit.Header("HP-Outer", "-");
                record.SetRawValue(Encoding.ASCII.GetBytes(" " + field.Field + ":" + outer + "\r\n"));
                body.Headers.Insert(index++, record);
            }

            if (message.Headers.Contains(global::MimeKit.HeaderId.Subject))
            {
                message.Subject = "[...]";
            }
        }

        body.ContentType.Parameters["hp"] = headerProtection;
    }

    // A field's value as a 7-bit line (with its folds): 8-bit text (RFC 6532) as RFC 2047 encoded-words.
    private static string RawText(global::MimeKit.Header field)
    {
        byte[] raw = field.RawValue;
        if (raw.Any(b => b > 0x7F))
        {
            raw = new global::MimeKit.Header(Encoding.UTF8, field.Field, field.Value).RawValue;
        }

        return Encoding.ASCII.GetString(raw).TrimEnd('\r', '\n');
    }

    // RFC 2045 §3: MIME-Version and the Content-* fields are not routing fields.
    private static bool IsRoutingField(string name) =>
        !name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        && !name.Equals("MIME-Version", StringComparison.OrdinalIgnoreCase);

    private static UsageException NotMime(string option, string path, string reason) =>
        new($"{option}: '{path}' is not a MIME message: {OneLine(reason)}");

    private static UsageException NotAMessage(string option, string path, string reason) =>
        new($"{option}: '{path}' cannot be signed or encrypted as it is: {OneLine(reason)}");

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
