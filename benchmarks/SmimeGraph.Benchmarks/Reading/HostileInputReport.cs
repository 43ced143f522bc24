using System.Diagnostics;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Support;

namespace SmimeGraph.Benchmarks.Reading;

/// <summary>
/// <c>--hostile</c>: inspects each hostile message of <see cref="HostileMessages"/> once and prints
/// its size, the wall time, the bytes allocated and the first problem reported. A single cold run
/// after one benign message has warmed the JIT (the slow cases took seconds to minutes before the
/// reader's limits): a before/after measure,
/// not a statistical one.
/// </summary>
internal static class HostileInputReport
{
    public static void Run(TextWriter output, IReadOnlyCollection<string> only)
    {
        // One benign signed message first, so that no case pays for the JIT and the chain engine's start.
        SmimeInspector.Inspect(HostileMessages.ManySignerInfos(1), HostileCase.All[0].Options());

        output.WriteLine("| input | message bytes | time | allocated | first problem |");
        output.WriteLine("| --- | ---: | ---: | ---: | --- |");
        foreach (HostileCase hostile in HostileCase.All)
        {
            if (only.Count > 0 && !only.Contains(hostile.Name))
            {
                continue;
            }

            byte[] message = hostile.Build();
            SmimeInspectorOptions options = hostile.Options();
            GC.Collect();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            string outcome;
            try
            {
                InspectionResult result = SmimeInspector.Inspect(message, options);
                outcome = result.Layers.SelectMany(l => l.Problems.Select(p => p.Message).Concat(l is SignatureLayer s ? s.Signatures.Select(v => v.Failure).OfType<string>() : [])).FirstOrDefault() ?? "(none)";
            }
            catch (SmimeGraphException ex)
            {
                outcome = ex.GetType().Name + ": " + ex.Message;
            }

            clock.Stop();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            string problem = outcome.Length > 90 ? outcome[..90] + "…" : outcome;
            output.WriteLine($"| {hostile.Name} | {message.Length:N0} | {clock.Elapsed.TotalMilliseconds:N0} ms | {allocated / 1048576.0:N1} MiB | {problem.Replace('|', '/')} |");
        }
    }
}
