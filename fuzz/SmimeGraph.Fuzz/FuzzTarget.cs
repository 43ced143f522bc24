namespace SmimeGraph.Fuzz;

/// <summary>One fuzzing target: a name for <c>--target</c> and the code one input runs through.</summary>
/// <param name="Name">The name given to <c>--target</c> and to fuzz/run.sh.</param>
/// <param name="Description">What the target calls, for <c>--list</c>.</param>
/// <param name="Run">
/// Runs one input. It may throw the library's own <see cref="SmimeGraphException"/> family (an
/// expected, typed rejection); anything else, and a broken invariant, is a crash.
/// </param>
internal sealed record FuzzTarget(string Name, string Description, Action<byte[]> Run);
