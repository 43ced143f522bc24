namespace SmimeGraph.Fuzz;

/// <summary>
/// What counts as a crash. A target may end in the library's own exception family
/// (<see cref="SmimeGraphException"/>: a typed, expected rejection of bad input), which is
/// fine. Everything else escapes to SharpFuzz, which reports it to afl-fuzz as a crash:
/// an exception outside the family, a broken invariant, and an allocation beyond
/// <see cref="AllocationBound"/>. Hangs are afl-fuzz's timeout (<c>-t</c>).
/// </summary>
internal static class Harness
{
    /// <summary>Fixed headroom of the allocation bound: static initialisation, certificates, a few MIME trees.</summary>
    public const long AllocationHeadroom = 64L * 1024 * 1024;

    /// <summary>Bytes the bound allows per input byte: each layer decodes, decrypts and parses a copy.</summary>
    public const long AllocationPerInputByte = 64;

    /// <summary>
    /// The most bytes one input may make the library allocate on this thread
    /// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, a cheap counter): linear in the
    /// input, far above what a legitimate message needs, and far below what the super-linear
    /// cases (re-encoding duplicated attributes, decrypting once per RecipientInfo) reach.
    /// </summary>
    public static long AllocationBound(int inputLength) => AllocationHeadroom + (AllocationPerInputByte * inputLength);

    /// <summary>
    /// Runs one input; returns normally when the library accepted it (null) or rejected it with
    /// a typed error (returned).
    /// </summary>
    /// <exception cref="FuzzInvariantException">An invariant or the allocation bound was broken.</exception>
    public static SmimeGraphException? Execute(FuzzTarget target, byte[] input)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        SmimeGraphException? rejection = null;
        try
        {
            target.Run(input);
        }
        catch (SmimeGraphException ex)
        {
            // Expected: bad input gets a clear, typed error.
            rejection = ex;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long bound = AllocationBound(input.Length);
        if (allocated > bound)
        {
            throw new FuzzInvariantException($"{target.Name}: {input.Length} input bytes allocated {allocated:N0} bytes, over the bound of {bound:N0}.");
        }

        return rejection;
    }

    /// <summary>Throws <see cref="FuzzInvariantException"/> when <paramref name="condition"/> is false.</summary>
    public static void Check(bool condition, string promise)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(promise);
        }
    }
}
