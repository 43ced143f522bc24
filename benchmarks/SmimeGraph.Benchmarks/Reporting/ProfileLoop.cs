using System.Diagnostics;
using SmimeGraph.Benchmarks.Floor;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// <c>--loop CONTENDER OPERATION SIZE SECONDS</c>: composes one message over and over for a while
/// and prints the count, for a sampling profiler to watch (for example
/// <c>DOTNET_PerfMapEnabled=1 perf record -e cpu-clock -g</c>): the share of samples in each
/// function does not depend on how busy the machine is, the wall time does. CONTENDER is
/// pipeline, baseline, mimekit, bouncycastle or floor, or for the reading side
/// (OPERATION ignored) read-streaming, read-whole, read-baseline, read-mimekit or read-floor; SIZE is the attachment in bytes.
/// </summary>
internal static class ProfileLoop
{
    public static int Run(string[] arguments, TextWriter output)
    {
        if (arguments.Length < 4
            || !Enum.TryParse(arguments[1], ignoreCase: true, out SmimeOperation operation)
            || !int.TryParse(arguments[2], out int size)
            || !double.TryParse(arguments[3], System.Globalization.CultureInfo.InvariantCulture, out double seconds))
        {
            output.WriteLine("usage: --loop pipeline|baseline|mimekit|bouncycastle|floor|read-streaming|read-whole|read-baseline|read-mimekit|read-floor Sign|Encrypt|SignAndEncrypt SIZE SECONDS");
            return 2;
        }

        MessageFixture fixture = MessageFixture.For(size);
        using var floor = new PrimitiveFloor(fixture, operation);
        ReadingBenchmarks? reading = null;
        ReadingFloor? readingFloor = null;
        if (arguments[0].StartsWith("read-", StringComparison.OrdinalIgnoreCase))
        {
            reading = new ReadingBenchmarks { AttachmentSize = size };
            reading.Setup();
            readingFloor = new ReadingFloor(ReadingFixture.For(size).Message);
        }

        if (arguments[0].StartsWith("fixed-", StringComparison.OrdinalIgnoreCase))
        {
            // One step of FixedCostBenchmarks (by method name), the fixture at SIZE ignored.
            var steps = new FixedCostBenchmarks();
            steps.Setup();
            System.Reflection.MethodInfo step = typeof(FixedCostBenchmarks).GetMethod(arguments[0]["fixed-".Length..])
                ?? throw new ArgumentException($"No step '{arguments[0]}'.");
            Func<long> run = () =>
            {
                object? result = step.Invoke(steps, null);
                if (result is Task task)
                {
                    task.GetAwaiter().GetResult();
                }

                return 1;
            };
            return Loop(arguments[0], operation, size, seconds, run, output);
        }

        Func<long> compose = arguments[0].ToLowerInvariant() switch
        {
            "read-streaming" => () => reading!.StreamingInspector(),
            "read-whole" => () => reading!.Inspector(),
            "read-baseline" => () => reading!.Baseline(),
            "read-mimekit" => () => reading!.MimeKit(),
            "read-floor" => () => readingFloor!.Run(),
            "pipeline" => () => Pipeline(fixture, operation),
            "baseline" => () => SystemPkcsComposer.ComposeGraphBody(fixture, operation).Length,
            "mimekit" => () => MimeKitComposer.ComposeGraphBody(fixture, fixture.MimeKit, operation).Length,
            "bouncycastle" => () => BouncyCastleComposer.ComposeGraphBody(fixture, fixture.BouncyCastle, operation).Length,
            "floor" => () => floor.Run(),
            _ => throw new ArgumentException($"Unknown contender '{arguments[0]}'."),
        };

        return Loop(arguments[0], operation, size, seconds, compose, output);
    }

    private static int Loop(string contender, SmimeOperation operation, int size, double seconds, Func<long> compose, TextWriter output)
    {
        // Warm up past tiered compilation, then loop.
        for (int i = 0; i < 50; i++)
        {
            compose();
        }

        Thread.Sleep(300);
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuStart = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long messages = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            compose();
            messages++;
        }

        process.Refresh();
        double cpuPerMessage = (process.TotalProcessorTime - cpuStart).TotalMicroseconds / messages;
        output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{contender} {operation} {size}: {messages} messages in {clock.Elapsed.TotalSeconds:F1} s wall, {cpuPerMessage:F0} µs process CPU each"));
        return 0;
    }

    private static long Pipeline(MessageFixture fixture, SmimeOperation operation)
    {
        using Graph.GraphPayload payload = LibraryPipeline.ComposeAsync(fixture, operation).GetAwaiter().GetResult();
        return payload.Length;
    }
}
