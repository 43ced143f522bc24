using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// The pipeline against the baseline, MimeKit, BouncyCastle and the floor, read from
/// BenchmarkDotNet's <see cref="Summary"/> of <see cref="PipelineBenchmarks"/>: per operation and
/// size, each contender's mean time and allocated bytes per operation, and their ratios to the
/// baseline (SignedCms/EnvelopedCms) and to the floor; then the pipeline's ratio to each of the
/// others on one line per case. Markdown, so it pastes into an issue or the README.
/// </summary>
internal static class RatioTable
{
    private static readonly (string Method, string Label)[] s_contenders =
    [
        (nameof(PipelineBenchmarks.Pipeline), "SmimeGraph pipeline"),
        (nameof(PipelineBenchmarks.Baseline), "SignedCms/EnvelopedCms"),
        (nameof(PipelineBenchmarks.MimeKit), "MimeKit 4.18.2"),
        (nameof(PipelineBenchmarks.BouncyCastle), "BouncyCastle 2.7.0"),
        (nameof(PipelineBenchmarks.Floor), "Floor (primitives)"),
    ];

    /// <summary>The table for every <see cref="PipelineBenchmarks"/> case in <paramref name="summaries"/>; null when there are none.</summary>
    public static string? Create(IEnumerable<Summary> summaries)
    {
        var rows = new List<(SmimeOperation Operation, int Size, string Method, double? Mean, long? Allocated)>();
        foreach (Summary summary in summaries)
        {
            foreach (BenchmarkReport report in summary.Reports)
            {
                if (report.BenchmarkCase.Descriptor.Type != typeof(PipelineBenchmarks))
                {
                    continue;
                }

                var parameters = report.BenchmarkCase.Parameters;
                rows.Add((
                    (SmimeOperation)parameters[nameof(PipelineBenchmarks.Operation)],
                    (int)parameters[nameof(PipelineBenchmarks.AttachmentSize)],
                    report.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                    report.ResultStatistics?.Mean,
                    report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)));
            }
        }

        if (rows.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        text.AppendLine("| Operation | Attachment | Contender | Mean | Time vs baseline | Time vs floor | Allocated/op | Alloc vs baseline |");
        text.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => (r.Operation, r.Size)).OrderBy(g => g.Key.Operation).ThenBy(g => g.Key.Size))
        {
            var baseline = group.FirstOrDefault(r => r.Method == nameof(PipelineBenchmarks.Baseline));
            var floor = group.FirstOrDefault(r => r.Method == nameof(PipelineBenchmarks.Floor));
            foreach ((string method, string label) in s_contenders)
            {
                var row = group.FirstOrDefault(r => r.Method == method);
                if (row.Method is null)
                {
                    continue;
                }

                string name = label;
                text.Append(CultureInfo.InvariantCulture,
                    $"| {group.Key.Operation} | {FormatSize(group.Key.Size)} | {name} | {FormatTime(row.Mean)} | {Ratio(row.Mean, baseline.Mean)} | {Ratio(row.Mean, floor.Mean)} | {FormatBytes(row.Allocated)} | {Ratio(row.Allocated, baseline.Allocated)} |");
                text.AppendLine();
            }
        }

        text.AppendLine();
        text.AppendLine("| Operation | Attachment | pipeline / floor | pipeline / SignedCms+EnvelopedCms | pipeline / MimeKit | pipeline / BouncyCastle | pipeline allocated |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => (r.Operation, r.Size)).OrderBy(g => g.Key.Operation).ThenBy(g => g.Key.Size))
        {
            var pipeline = group.FirstOrDefault(r => r.Method == nameof(PipelineBenchmarks.Pipeline));
            if (pipeline.Method is null)
            {
                continue;
            }

            double? Mean(string method) => group.FirstOrDefault(r => r.Method == method).Mean;
            text.Append(CultureInfo.InvariantCulture,
                $"| {group.Key.Operation} | {FormatSize(group.Key.Size)} | {Ratio(pipeline.Mean, Mean(nameof(PipelineBenchmarks.Floor)))} | {Ratio(pipeline.Mean, Mean(nameof(PipelineBenchmarks.Baseline)))} | {Ratio(pipeline.Mean, Mean(nameof(PipelineBenchmarks.MimeKit)))} | {Ratio(pipeline.Mean, Mean(nameof(PipelineBenchmarks.BouncyCastle)))} | {FormatBytes(pipeline.Allocated)} |");
            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>Prints the table and writes it beside BenchmarkDotNet's other results as ratio-table.md.</summary>
    public static void Report(IReadOnlyList<Summary> summaries, TextWriter output)
    {
        string? table = Create(summaries);
        if (table is null)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("## SmimeGraph pipeline vs SignedCms/EnvelopedCms vs MimeKit vs BouncyCastle vs floor");
        output.WriteLine();
        output.Write(table);
        string? folder = summaries.Select(s => s.ResultsDirectoryPath).FirstOrDefault(p => !string.IsNullOrEmpty(p));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, "ratio-table.md");
            File.WriteAllText(path, table);
            output.WriteLine();
            output.WriteLine($"Written to {path}");
        }
    }

    internal static string Ratio(double? value, double? reference) =>
        value is null || reference is not > 0 ? "n/a" : (value.Value / reference.Value).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static string Ratio(long? value, long? reference) =>
        value is null || reference is not > 0 ? "n/a" : ((double)value.Value / reference.Value).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private static string FormatTime(double? nanoseconds) => nanoseconds switch
    {
        null => "n/a",
        >= 1e6 => (nanoseconds.Value / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " ms",
        >= 1e3 => (nanoseconds.Value / 1e3).ToString("F1", CultureInfo.InvariantCulture) + " µs",
        _ => nanoseconds.Value.ToString("F0", CultureInfo.InvariantCulture) + " ns",
    };

    internal static string FormatBytes(long? bytes) => bytes switch
    {
        null => "n/a",
        >= 1 << 20 => (bytes.Value / 1048576.0).ToString("F2", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes.Value / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.Value.ToString(CultureInfo.InvariantCulture) + " B",
    };

    internal static string FormatSize(int bytes) => bytes >= 1 << 20
        ? (bytes / 1048576.0).ToString("0.##", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024.0).ToString("0.##", CultureInfo.InvariantCulture) + " KiB";
}
