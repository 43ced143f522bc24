namespace SmimeGraph.Smime;

/// <summary>
/// One header field whose outer value (outside every signature, what a legacy reader shows)
/// differs from the protected value inside the signature (RFC 9788 §4.3).
/// </summary>
public sealed class HeaderFieldDifference
{
    internal HeaderFieldDifference(string name, string? outerValue, string? protectedValue, bool makesMessageInvalid, string explanation)
    {
        Name = name;
        OuterValue = outerValue;
        ProtectedValue = protectedValue;
        MakesMessageInvalid = makesMessageInvalid;
        Explanation = explanation;
    }

    /// <summary>The field name ("Subject").</summary>
    public string Name { get; }

    /// <summary>The outer value (decoded); null when the outer section lacks the field.</summary>
    public string? OuterValue { get; }

    /// <summary>The protected value (decoded); null when the payload lacks the field.</summary>
    public string? ProtectedValue { get; }

    /// <summary>
    /// True for From, To, Cc, Reply-To and Subject when the difference is not one the sender
    /// recorded in an HP-Outer field: what the reader sees or answers to was changed in transit.
    /// Other fields (Date, Message-ID, References, ...) are reported only.
    /// </summary>
    public bool MakesMessageInvalid { get; }

    /// <summary>Why the values differ, as far as the message tells.</summary>
    public string Explanation { get; }
}
