namespace SmimeGraph;

/// <summary>
/// A received message asks the reader for more work than one of its limits allows: more
/// SignerInfos, RecipientInfos, attributes, private-key operations or S/MIME parts than the
/// inspector's <c>InspectionLimits</c> permit, or an RSA public exponent wider than allowed. Such
/// input is hostile or broken; the part is left unread rather than processed at any cost.
/// </summary>
public sealed class ReaderLimitExceededException : SmimeGraphException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limitName">The limit that was reached, as <c>InspectionLimits</c> names it ("MaxSignerInfos").</param>
    /// <param name="limit">The limit's value.</param>
    /// <param name="message">What was refused, in words.</param>
    public ReaderLimitExceededException(string limitName, long limit, string message) : base(message)
    {
        LimitName = limitName;
        Limit = limit;
    }

    /// <summary>The limit that was reached, as <c>InspectionLimits</c> names it ("MaxSignerInfos").</summary>
    public string LimitName { get; }

    /// <summary>The limit's value.</summary>
    public long Limit { get; }
}
