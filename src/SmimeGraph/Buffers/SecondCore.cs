namespace SmimeGraph.Buffers;

/// <summary>Whether one message's work may be split over a second core.</summary>
internal enum SecondCore
{
    /// <summary>When the message is large enough for the overlap to pay and <see cref="SecondCores.Free"/> says a core is spare.</summary>
    Auto,

    /// <summary>Never: one thread does everything.</summary>
    Never,

    /// <summary>Whenever the work can be split (tests).</summary>
    Always,
}

/// <summary>
/// Counts the messages this process is writing or reading now, so that one message takes a
/// second core only while the others leave one spare: two messages at once on two cores already
/// use both, and a helper thread per message would only add hand-overs.
/// </summary>
internal static class SecondCores
{
    private static int s_busy;

    /// <summary>Counts a message in; returns how many are in progress, this one included.</summary>
    public static int Enter() => Interlocked.Increment(ref s_busy);

    /// <summary>Counts a message out.</summary>
    public static void Leave() => Interlocked.Decrement(ref s_busy);

    /// <summary>True when <paramref name="busy"/> messages in progress (from <see cref="Enter"/>) leave a core for a helper.</summary>
    public static bool Free(int busy) => Environment.ProcessorCount >= 2 && busy * 2 <= Environment.ProcessorCount;

    /// <summary>
    /// True while the messages in progress now (the caller's among them) still leave a core for
    /// a helper: a message that took a second core asks again as it goes, and gives the core
    /// back while others run.
    /// </summary>
    public static bool FreeNow() => Free(Volatile.Read(ref s_busy));
}
