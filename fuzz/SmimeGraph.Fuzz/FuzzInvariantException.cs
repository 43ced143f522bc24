namespace SmimeGraph.Fuzz;

/// <summary>
/// Thrown by a target when the library returned normally but broke one of its documented
/// promises (an offset outside the input, a raw range longer than the message, an allocation
/// beyond the bound). It is outside the <see cref="SmimeGraphException"/> family, so it counts
/// as a crash.
/// </summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
