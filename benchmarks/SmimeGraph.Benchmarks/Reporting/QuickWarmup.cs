using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// Brings every contender's code to tier-1 before the quick run measures it. The quick job runs in
/// process with few invocations, so a contender whose call takes tens of milliseconds (BouncyCastle's
/// own RSA) would otherwise be timed partly in tier-0 code: tiered compilation promotes a method
/// after 30 calls once 100 ms pass without new tier-0 methods. Calls every contender 40 times on the
/// small message, pauses for the promotion, and again, as a long-running service would have.
/// </summary>
internal static class QuickWarmup
{
    private const int Calls = 40;

    public static void Run(TextWriter output)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        MessageFixture fixture = MessageFixture.For(MessageFixture.Small);
        for (int round = 0; round < 2; round++)
        {
            foreach (SmimeOperation operation in Enum.GetValues<SmimeOperation>())
            {
                using var floor = new Floor.PrimitiveFloor(fixture, operation);
                for (int i = 0; i < Calls; i++)
                {
                    _ = SystemPkcsComposer.ComposeGraphBody(fixture, operation);
                    _ = BouncyCastleComposer.ComposeGraphBody(fixture, fixture.BouncyCastle, operation);
                    _ = MimeKitComposer.ComposeGraphBody(fixture, fixture.MimeKit, operation);
                    _ = floor.Run();
                    using Graph.GraphPayload payload = LibraryPipeline.ComposeAsync(fixture, operation).GetAwaiter().GetResult();
                }
            }

            Thread.Sleep(500);
        }

        output.WriteLine($"// Quick warm-up: {Calls * 2} calls of each contender and operation in {started.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>The same for the reading contenders, on the small message.</summary>
    public static void RunReading(TextWriter output)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var benchmarks = new ReadingBenchmarks { AttachmentSize = MessageFixture.Small };
        benchmarks.Setup();
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < Calls; i++)
            {
                _ = benchmarks.Baseline();
                _ = benchmarks.MimeKit();
                _ = benchmarks.Floor();
                _ = benchmarks.Inspector();
                _ = benchmarks.StreamingInspector();
            }

            Thread.Sleep(500);
        }

        benchmarks.Cleanup();
        output.WriteLine($"// Quick warm-up: {Calls * 2} calls of each reading contender in {started.Elapsed.TotalSeconds:F1} s");
    }
}
