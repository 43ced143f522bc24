using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// The inspectors (whole message and streaming) against the baseline, MimeKit and the floor, read from the summary of
/// <see cref="ReadingBenchmarks"/>: per size, the inspector's time ratio to each of the others
/// and its allocated bytes per message. Markdown, like <see cref="RatioTable"/>.
/// </summary>
internal static class ReadingRatioTable
{
    public static string? Create(IEnumerable<Summary> summaries)
    {
        var rows = summaries.SelectMany(s => s.Reports)
            .Where(r => r.BenchmarkCase.Descriptor.Type == typeof(ReadingBenchmarks))
            .Select(r => (
                Size: (int)r.BenchmarkCase.Parameters[nameof(ReadingBenchmarks.AttachmentSize)],
                Method: r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                Mean: r.ResultStatistics?.Mean,
                Allocated: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)))
            .ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        text.AppendLine("| Attachment | inspector | / floor | / SignedCms+EnvelopedCms | / MimeKit | allocated | SignedCms+EnvelopedCms allocated | MimeKit allocated |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => r.Size).OrderBy(g => g.Key))
        {
            var row = (string method) => group.FirstOrDefault(r => r.Method == method);
            foreach ((string method, string name) in new[] { (nameof(ReadingBenchmarks.Inspector), "whole message"), (nameof(ReadingBenchmarks.StreamingInspector), "streaming") })
            {
                var inspector = row(method);
                if (inspector.Method is null)
                {
                    continue;
                }

                text.Append(CultureInfo.InvariantCulture,
                    $"| {RatioTable.FormatSize(group.Key)} | {name} " +
                    $"| {RatioTable.Ratio(inspector.Mean, row(nameof(ReadingBenchmarks.Floor)).Mean)} " +
                    $"| {RatioTable.Ratio(inspector.Mean, row(nameof(ReadingBenchmarks.Baseline)).Mean)} " +
                    $"| {RatioTable.Ratio(inspector.Mean, row(nameof(ReadingBenchmarks.MimeKit)).Mean)} " +
                    $"| {RatioTable.FormatBytes(inspector.Allocated)} | {RatioTable.FormatBytes(row(nameof(ReadingBenchmarks.Baseline)).Allocated)} | {RatioTable.FormatBytes(row(nameof(ReadingBenchmarks.MimeKit)).Allocated)} |");
                text.AppendLine();
            }
        }

        return text.ToString();
    }

    public static void Report(IReadOnlyList<Summary> summaries, TextWriter output)
    {
        string? table = Create(summaries);
        if (table is null)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("## SmimeGraph inspector vs SignedCms/EnvelopedCms vs MimeKit vs floor (read sign+encrypt)");
        output.WriteLine();
        output.Write(table);
    }
}
