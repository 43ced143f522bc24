using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// <see cref="ThreadingDiagnoser"/>'s columns (completed thread-pool work items and lock
/// contentions per operation) without its runtime check: BenchmarkDotNet 0.14 does not know .NET 10
/// as ".NET Core 3.0+", so its validator refuses the diagnoser and aborts the whole run. The engine
/// counts both on every run anyway; this only turns the counts into columns. Drop it for
/// <c>[ThreadingDiagnoser]</c> once BenchmarkDotNet knows the runtime.
/// </summary>
internal sealed class ThreadingCountersDiagnoser : IDiagnoser
{
    public static readonly ThreadingCountersDiagnoser Default = new();

    private static readonly IDiagnoser s_threading = ThreadingDiagnoser.Default;

    private ThreadingCountersDiagnoser()
    {
    }

    public IEnumerable<string> Ids => [nameof(ThreadingCountersDiagnoser)];

    public IEnumerable<IExporter> Exporters => [];

    public IEnumerable<IAnalyser> Analysers => [];

    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => s_threading.GetRunMode(benchmarkCase);

    public bool RequiresBlockingAcknowledgments(BenchmarkCase benchmarkCase) => false;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
    }

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results) => s_threading.ProcessResults(results);

    public void DisplayResults(ILogger logger)
    {
    }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) => [];
}
