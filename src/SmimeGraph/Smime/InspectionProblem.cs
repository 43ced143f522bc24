namespace SmimeGraph.Smime;

/// <summary>
/// One reason a message is not valid: a stable machine-readable <see cref="Code"/> (one of
/// <see cref="InspectionProblemCodes"/>) and a sentence for people. Layers, chains and the result
/// carry them; <see cref="InspectionResult.Problems"/> lists every one.
/// </summary>
public sealed class InspectionProblem
{
    internal InspectionProblem(string code, string message)
    {
        Code = code;
        Message = message;
    }

    /// <summary>The kind of problem, in kebab-case ("encrypted-not-signed"); stable across versions.</summary>
    public string Code { get; }

    /// <summary>What went wrong, in words.</summary>
    public string Message { get; }

    /// <summary>
    /// Where it was found: empty for the message as a whole, otherwise the layer ("layer 2,
    /// part 1.2") it belongs to.
    /// </summary>
    public string Location { get; internal init; } = string.Empty;

    /// <summary>The message, prefixed by the location when there is one.</summary>
    public override string ToString() => Location.Length == 0 ? Message : $"{Location}: {Message}";
}
