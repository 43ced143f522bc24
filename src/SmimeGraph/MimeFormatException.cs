namespace SmimeGraph;

/// <summary>
/// A MIME message or a value destined for one is malformed or exceeds a parser limit
/// (nesting depth, header count, header or line length).
/// </summary>
public sealed class MimeFormatException : SmimeGraphException
{
    /// <summary>Creates the exception.</summary>
    public MimeFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public MimeFormatException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>The byte offset in the input where the problem was found, when known.</summary>
    public long? Offset { get; init; }
}
