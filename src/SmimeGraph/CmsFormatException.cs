namespace SmimeGraph;

/// <summary>
/// CMS (RFC 5652) content is malformed, truncated, or uses a structure SmimeGraph does not read.
/// </summary>
public sealed class CmsFormatException : SmimeGraphException
{
    /// <summary>Creates the exception.</summary>
    public CmsFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public CmsFormatException(string message, Exception? innerException) : base(message, innerException) { }
}
