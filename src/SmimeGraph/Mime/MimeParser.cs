using System.Buffers;
using System.Security.Cryptography;
using SmimeGraph.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// Reads an RFC 5322 / MIME message into a tree of <see cref="MimeEntity"/> objects whose raw
/// byte ranges are slices of the input (no copies), so that signed content can be hashed exactly.
/// </summary>
/// <remarks>
/// <para>
/// Line ends are recognised line by line: CRLF or a bare LF. Header fields are kept as written;
/// multipart bodies are split at delimiter lines (RFC 2046 §5.1.1), the preamble and epilogue are
/// ignored, and a multipart whose close-delimiter is missing ends its last part at the end of the
/// enclosing body. A multipart whose boundary never appears has no parts. A message/rfc822 (or
/// message/global) body in 7bit, 8bit or binary is parsed as a child message.
/// </para>
/// <para>
/// The parser is linear in the input size times the nesting depth, which <see cref="MimeParserOptions.MaxDepth"/>
/// bounds; it recurses once per level and checks the depth first. Every limit in
/// <see cref="MimeParserOptions"/> is enforced with a <see cref="MimeFormatException"/> whose
/// <see cref="MimeFormatException.Offset"/> says where in the input it was exceeded.
/// </para>
/// </remarks>
public static partial class MimeParser
{
    private const int InitialReadBufferSize = 16 * 1024;

    /// <summary>Parses a message held in memory. The returned tree's raw ranges point into <paramref name="message"/>.</summary>
    /// <exception cref="MimeFormatException">The message is malformed beyond repair or exceeds a limit.</exception>
    public static MimeEntity Parse(ReadOnlyMemory<byte> message, MimeParserOptions? options = null)
    {
        options ??= MimeParserOptions.Default;
        if (message.Length > options.MaxMessageSize)
        {
            throw new MimeFormatException($"The message is {message.Length} bytes; the limit is {options.MaxMessageSize}.") { Offset = options.MaxMessageSize };
        }

        return new Session(message, options).ParseMessage();
    }

    /// <summary>
    /// An entity made of a header block alone (the stream reader's: the body stays in the
    /// stream). Its <see cref="MimeEntity.RawEntity"/> is the header block, its body empty, and it
    /// has no children.
    /// </summary>
    internal static MimeEntity ParseHeaderBlock(ReadOnlyMemory<byte> header, string defaultMediaType, MimeParserOptions options) =>
        new Session(header, options).ParseHeaderOnly(defaultMediaType);

    /// <summary>
    /// Reads <paramref name="stream"/> to its end (refusing more than
    /// <see cref="MimeParserOptions.MaxMessageSize"/> bytes) and parses it.
    /// </summary>
    /// <exception cref="MimeFormatException">The message is malformed beyond repair or exceeds a limit.</exception>
    public static async Task<MimeEntity> ParseAsync(Stream stream, MimeParserOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= MimeParserOptions.Default;
        byte[] message = await ReadBoundedAsync(stream, options.MaxMessageSize, cancellationToken).ConfigureAwait(false);
        return Parse(message, options);
    }

    /// <summary>
    /// Reads the stream into pooled buffers that double in size up to one byte past the limit,
    /// then copies the bytes once into an array of the exact length the tree will refer to.
    /// Pooled buffers are cleared (the message may be decrypted plaintext) and returned.
    /// </summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream stream, long maxMessageSize, CancellationToken cancellationToken)
    {
        int ceiling = (int)Math.Min(maxMessageSize + 1, Array.MaxLength);
        byte[] buffer = CryptoPool.Rent(Math.Min(InitialReadBufferSize, ceiling));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    int size = (int)Math.Min((long)buffer.Length * 2, ceiling);
                    byte[] larger = CryptoPool.Rent(size);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    CryptoPool.Return(buffer, length);
                    buffer = larger;
                }

                int room = Math.Min(buffer.Length, ceiling) - length;
                int read = await stream.ReadAsync(buffer.AsMemory(length, room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxMessageSize)
                {
                    throw new MimeFormatException($"The message is longer than the limit of {maxMessageSize} bytes.") { Offset = maxMessageSize };
                }
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            CryptoPool.Return(buffer, length);
        }
    }
}
