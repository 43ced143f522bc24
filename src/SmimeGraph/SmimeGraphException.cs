namespace SmimeGraph;

/// <summary>
/// The base of every exception SmimeGraph throws for an expected failure: malformed input,
/// a refused certificate, a payload over the ceiling, a Graph error.
/// </summary>
public class SmimeGraphException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public SmimeGraphException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public SmimeGraphException(string message, Exception? innerException) : base(message, innerException) { }
}
