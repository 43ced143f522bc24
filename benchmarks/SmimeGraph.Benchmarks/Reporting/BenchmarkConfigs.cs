using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>The suite's BenchmarkDotNet configurations.</summary>
internal static class BenchmarkConfigs
{
    /// <summary>
    /// The full run: BenchmarkDotNet's defaults (a separate process per benchmark, its own
    /// iteration counts), plus JSON when asked.
    /// </summary>
    public static IConfig Full(bool json)
    {
        ManualConfig config = ManualConfig.Create(DefaultConfig.Instance);
        if (json)
        {
            config.AddExporter(JsonExporter.Full);
        }

        return config;
    }

    /// <summary>
    /// The quick run (a ShortRun-like job, under 3 minutes on 2 cores): in process (no per-run
    /// build), one launch, 3 warm-up and 7 measured iterations of about 100 ms, no unrolling
    /// (the largest cases take tens of milliseconds), only the 4 KiB and the largest attachment.
    /// Program runs <see cref="QuickWarmup"/> first so no contender is timed in tier-0 code.
    /// <paramref name="dry"/> runs each case once instead, to check that everything runs.
    /// </summary>
    public static IConfig Quick(bool dry, bool json)
    {
        Job job = dry
            ? Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Dry")
            : Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(7)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
                .WithUnrollFactor(1)
                .WithId("Quick");
        ManualConfig config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray())
            .AddLogger(DefaultConfig.Instance.GetLoggers().ToArray())
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .AddExporter(MarkdownExporter.GitHub)
            .AddFilter(new SimpleFilter(benchmark =>
                benchmark.Parameters[nameof(PipelineBenchmarks.AttachmentSize)] is MessageFixture.Small or MessageFixture.Largest));
        if (json)
        {
            config.AddExporter(JsonExporter.Full);
        }

        return config;
    }
}
