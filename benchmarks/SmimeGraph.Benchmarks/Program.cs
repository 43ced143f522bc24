using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SmimeGraph.Benchmarks.Reading;
using SmimeGraph.Benchmarks.Reporting;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/SmimeGraph.Benchmarks -- [options] [BenchmarkDotNet arguments]</c>
/// <list type="bullet">
/// <item><c>--quick</c>: the head-to-head at 4 KiB and the largest size, short job, then the ratio table (under 3 minutes on 2 cores).</item>
/// <item><c>--dry</c>: the same cases once each, to check they run (seconds).</item>
/// <item><c>--reading</c> (with <c>--quick</c> or <c>--dry</c>): the reading side instead, <see cref="ReadingBenchmarks"/> (decrypt, verify, chain).</item>
/// <item><c>--sizes</c>: the fixture's layer sizes and the largest attachment under the ceiling; measures nothing.</item>
/// <item><c>--hostile [NAME]...</c>: inspects each hostile input once (or only those named) and prints time, allocation and the problem reported.</item>
/// <item><c>--emit DIR</c>: writes the 4 KiB message as each reference contender composes it, and the certificates, for a peer to check.</item>
/// <item><c>--loop CONTENDER OPERATION SIZE SECONDS</c>: composes one message over and over, for a sampling profiler (see <see cref="ProfileLoop"/>).</item>
/// <item><c>--cpu [CLASS]</c>: process CPU time per call of each benchmark of CLASS (default FixedCostBenchmarks), for a busy machine (see <see cref="CpuTimeBreakdown"/>).</item>
/// <item><c>--calls CLASS METHOD COUNT</c>: one benchmark method called 50 + COUNT times, for an instruction counter (see <see cref="CpuTimeBreakdown.Calls"/>).</item>
/// <item><c>--json</c>: also export BenchmarkDotNet's full JSON (markdown is always written).</item>
/// <item>anything else goes to BenchmarkSwitcher (e.g. <c>--filter *Pipeline*</c>); the ratio table follows any run that includes PipelineBenchmarks.</item>
/// </list>
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        bool dry = args.Contains("--dry");
        bool reading = args.Contains("--reading");
        bool json = args.Contains("--json");
        if (args.Contains("--sizes"))
        {
            SizeReport.Print(Console.Out);
            return 0;
        }

        int loop = Array.IndexOf(args, "--loop");
        if (loop >= 0)
        {
            return ProfileLoop.Run(args[(loop + 1)..], Console.Out);
        }

        int cpu = Array.IndexOf(args, "--cpu");
        if (cpu >= 0)
        {
            return CpuTimeBreakdown.Run(cpu + 1 < args.Length ? args[cpu + 1] : nameof(FixedCostBenchmarks), Console.Out);
        }

        int calls = Array.IndexOf(args, "--calls");
        if (calls >= 0 && calls + 3 < args.Length)
        {
            return CpuTimeBreakdown.Calls(args[calls + 1], args[calls + 2], int.Parse(args[calls + 3], System.Globalization.CultureInfo.InvariantCulture), Console.Out);
        }

        int hostile = Array.IndexOf(args, "--hostile");
        if (hostile >= 0)
        {
            HostileInputReport.Run(Console.Out, args.Skip(hostile + 1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList());
            return 0;
        }

        int emit = Array.IndexOf(args, "--emit");
        if (emit >= 0)
        {
            MessageEmitter.Emit(emit + 1 < args.Length ? args[emit + 1] : "smime-messages", Console.Out);
            return 0;
        }

        List<Summary> summaries;
        if (quick || dry)
        {
            if (quick)
            {
                if (reading)
                {
                    QuickWarmup.RunReading(Console.Out);
                }
                else
                {
                    QuickWarmup.Run(Console.Out);
                }
            }

            summaries = reading
                ? [BenchmarkRunner.Run<ReadingBenchmarks>(BenchmarkConfigs.Quick(dry, json))]
                : [BenchmarkRunner.Run<PipelineBenchmarks>(BenchmarkConfigs.Quick(dry, json))];
        }
        else
        {
            string[] rest = args.Where(a => a is not "--json" and not "--reading").ToArray();
            summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, BenchmarkConfigs.Full(json)).ToList();
        }

        Console.WriteLine();
        Console.WriteLine($"Certificates: {TestCertificates.Shared.Source}");
        RatioTable.Report(summaries, Console.Out);
        ReadingRatioTable.Report(summaries, Console.Out);
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}
