using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>The outcome of building and checking a signer's certificate chain.</summary>
public sealed class ChainValidationResult
{
    internal ChainValidationResult(bool isTrusted, IReadOnlyList<InspectionProblem> problems, IReadOnlyList<X509Certificate2> chain, DateTimeOffset validationTime)
    {
        IsTrusted = isTrusted;
        Problems = problems;
        Chain = chain;
        ValidationTime = validationTime;
    }

    /// <summary>True when the chain ends at a trust anchor, every element is valid at <see cref="ValidationTime"/>, nothing is revoked and the end certificate meets the S/MIME certificate policy.</summary>
    public bool IsTrusted { get; }

    /// <summary>
    /// Every problem found (no trust anchor, validity, revocation, the rest of RFC 5280 path
    /// validation, certificate policy), each with its <see cref="InspectionProblemCodes"/> code;
    /// empty when trusted.
    /// </summary>
    public IReadOnlyList<InspectionProblem> Problems { get; }

    /// <summary>The chain as built, end certificate first.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>The time the chain was validated at.</summary>
    public DateTimeOffset ValidationTime { get; }
}
