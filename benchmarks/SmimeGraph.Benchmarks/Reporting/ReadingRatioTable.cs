using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// The inspector against the baseline, MimeKit and the floor, read from the summary of
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
        text.AppendLine("| Attachment | inspector / floor | inspector / SignedCms+EnvelopedCms | inspector / MimeKit | inspector allocated | SignedCms+EnvelopedCms allocated | MimeKit allocated |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => r.Size).OrderBy(g => g.Key))
        {
            var row = (string method) => group.FirstOrDefault(r => r.Method == method);
            var inspector = row(nameof(ReadingBenchmarks.Inspector));
            text.Append(CultureInfo.InvariantCulture,
                $"| {(group.Key >= 1 << 20 ? (group.Key / 1048576.0).ToString("0.##", CultureInfo.InvariantCulture) + " MiB" : (group.Key / 1024.0).ToString("0.##", CultureInfo.InvariantCulture) + " KiB")} " +
                $"| {Ratio(inspector.Mean, row(nameof(ReadingBenchmarks.Floor)).Mean)} " +
                $"| {Ratio(inspector.Mean, row(nameof(ReadingBenchmarks.Baseline)).Mean)} " +
                $"| {Ratio(inspector.Mean, row(nameof(ReadingBenchmarks.MimeKit)).Mean)} " +
                $"| {Bytes(inspector.Allocated)} | {Bytes(row(nameof(ReadingBenchmarks.Baseline)).Allocated)} | {Bytes(row(nameof(ReadingBenchmarks.MimeKit)).Allocated)} |");
            text.AppendLine();
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

    private static string Ratio(double? value, double? reference) =>
        value is null || reference is not > 0 ? "n/a" : (value.Value / reference.Value).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "n/a",
        >= 1 << 20 => (bytes.Value / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes.Value / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.Value.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
