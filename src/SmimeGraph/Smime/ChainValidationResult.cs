using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Smime;

/// <summary>The outcome of building and checking a signer's certificate chain.</summary>
public sealed class ChainValidationResult
{
    internal ChainValidationResult(bool isTrusted, IReadOnlyList<string> problems, IReadOnlyList<X509Certificate2> chain, DateTimeOffset validationTime)
    {
        IsTrusted = isTrusted;
        Problems = problems;
        Chain = chain;
        ValidationTime = validationTime;
    }

    /// <summary>True when the chain ends at a trust anchor, every element is valid at <see cref="ValidationTime"/>, nothing is revoked and the end certificate meets the S/MIME certificate policy.</summary>
    public bool IsTrusted { get; }

    /// <summary>Every problem found (chain status, revocation, certificate policy); empty when trusted.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The chain as built, end certificate first.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>The time the chain was validated at.</summary>
    public DateTimeOffset ValidationTime { get; }
}
