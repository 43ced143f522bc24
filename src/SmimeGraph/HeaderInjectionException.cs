namespace SmimeGraph;

/// <summary>
/// A user-supplied value (header value, address, display name, file name, header name)
/// contains CR, LF, NUL or another character that could not be encoded safely into a header line.
/// </summary>
public sealed class HeaderInjectionException : SmimeGraphException
{
    /// <summary>Creates the exception naming the field that carried the bad value.</summary>
    public HeaderInjectionException(string field, string message) : base(message) => Field = field;

    /// <summary>The name of the field or parameter that held the rejected value.</summary>
    public string Field { get; }
}
