namespace SmimeGraph.Mime;

/// <summary>
/// Limits the <see cref="MimeParser"/> enforces so that hostile input fails with a
/// <see cref="MimeFormatException"/> instead of exhausting the stack, memory or time.
/// </summary>
public sealed class MimeParserOptions
{
    /// <summary>The largest <see cref="MaxDepth"/> accepted; the parser recurses once per level.</summary>
    public const int DepthCeiling = 256;

    /// <summary>
    /// The default <see cref="MaxHeaderCount"/>. The writer refuses an entity with more fields, so
    /// that nothing SmimeGraph composes is refused when it is read back.
    /// </summary>
    public const int DefaultMaxHeaderCount = 1000;

    /// <summary>
    /// The default <see cref="MaxHeaderFieldLength"/> (64 KiB). The writer refuses a longer field
    /// (a huge Subject, a custom header, a very long recipient list), for the same reason.
    /// </summary>
    public const int DefaultMaxHeaderFieldLength = 64 * 1024;

    /// <summary>The default <see cref="MaxMessageSize"/> (64 MiB).</summary>
    public const long DefaultMaxMessageSize = 64L * 1024 * 1024;

    private int _maxDepth = 32;
    private int _maxHeaderCount = DefaultMaxHeaderCount;
    private int _maxHeaderFieldLength = DefaultMaxHeaderFieldLength;
    private long _maxMessageSize = DefaultMaxMessageSize;
    private int _maxPartCount = 10_000;

    /// <summary>The shared default limits.</summary>
    internal static MimeParserOptions Default { get; } = new();

    /// <summary>
    /// The deepest nesting of entities below the top-level message (each multipart part and each
    /// message/rfc822 body adds one level). Default 32, at most <see cref="DepthCeiling"/>.
    /// </summary>
    public int MaxDepth
    {
        get => _maxDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, DepthCeiling);
            _maxDepth = value;
        }
    }

    /// <summary>The most header fields one entity may have. Default 1000.</summary>
    public int MaxHeaderCount
    {
        get => _maxHeaderCount;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxHeaderCount = value;
        }
    }

    /// <summary>
    /// The longest header field in bytes, counted from the first byte of its name to the end of
    /// its last folded line including the line ends. Default 65,536 (64 KiB).
    /// </summary>
    public int MaxHeaderFieldLength
    {
        get => _maxHeaderFieldLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 80);
            _maxHeaderFieldLength = value;
        }
    }

    /// <summary>The largest message in bytes. Default 67,108,864 (64 MiB).</summary>
    public long MaxMessageSize
    {
        get => _maxMessageSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (long)Array.MaxLength - 1);
            _maxMessageSize = value;
        }
    }

    /// <summary>The most entities in the whole tree, the top-level message included. Default 10,000.</summary>
    public int MaxPartCount
    {
        get => _maxPartCount;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxPartCount = value;
        }
    }
}
