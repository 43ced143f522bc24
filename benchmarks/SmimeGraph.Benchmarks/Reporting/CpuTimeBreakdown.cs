using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// <c>--cpu CLASS</c>: runs each [Benchmark] method of a benchmark class in a loop and prints the
/// process CPU time per call (not wall time), for a first breakdown on a machine too busy for
/// BenchmarkDotNet's wall-clock figures: CPU time is only mildly affected by other processes. Not a
/// replacement for BenchmarkDotNet; async methods are waited for synchronously.
/// </summary>
internal static class CpuTimeBreakdown
{
    public static int Run(string className, TextWriter output, double secondsPerMethod = 1.0)
    {
        Type type = typeof(Program).Assembly.GetTypes().SingleOrDefault(t => t.Name == className)
            ?? throw new ArgumentException($"No benchmark class '{className}'.");
        object instance = Activator.CreateInstance(type)!;
        Invoke(type, instance, typeof(GlobalSetupAttribute));
        output.WriteLine($"| {className} | CPU µs/call | calls |");
        output.WriteLine("|---|---:|---:|");
        foreach (MethodInfo method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
        {
            string name = method.GetCustomAttribute<BenchmarkAttribute>()!.Description ?? method.Name;
            Action call = () =>
            {
                object? result = method.Invoke(instance, null);
                if (result is Task task)
                {
                    task.GetAwaiter().GetResult();
                }
            };
            for (int i = 0; i < 200; i++)
            {
                call();
            }

            using var process = Process.GetCurrentProcess();
            TimeSpan start = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            long calls = 0;
            while (wall.Elapsed.TotalSeconds < secondsPerMethod || calls < 20)
            {
                call();
                calls++;
            }

            process.Refresh();
            double microseconds = (process.TotalProcessorTime - start).TotalMicroseconds / calls;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {microseconds:F1} | {calls} |"));
        }

        Invoke(type, instance, typeof(GlobalCleanupAttribute));
        return 0;
    }

    /// <summary>
    /// <c>--calls CLASS METHOD COUNT</c>: 50 warm-up calls of one benchmark method, then COUNT more,
    /// nothing printed but the count: for an instruction counter such as
    /// <c>valgrind --tool=callgrind</c>, where the difference between two counts is the cost of
    /// the extra calls, repeatable on a busy machine.
    /// </summary>
    public static int Calls(string className, string methodName, int count, TextWriter output)
    {
        Type type = typeof(Program).Assembly.GetTypes().SingleOrDefault(t => t.Name == className)
            ?? throw new ArgumentException($"No benchmark class '{className}'.");
        MethodInfo method = type.GetMethod(methodName) ?? throw new ArgumentException($"No method '{methodName}' in {className}.");
        object instance = Activator.CreateInstance(type)!;
        Invoke(type, instance, typeof(GlobalSetupAttribute));
        for (int i = 0; i < 50 + count; i++)
        {
            object? result = method.Invoke(instance, null);
            if (result is Task task)
            {
                task.GetAwaiter().GetResult();
            }
        }

        Invoke(type, instance, typeof(GlobalCleanupAttribute));
        output.WriteLine($"{className}.{methodName}: {count} calls after 50");
        return 0;
    }

    private static void Invoke(Type type, object instance, Type attribute)
    {
        foreach (MethodInfo method in type.GetMethods().Where(m => m.GetCustomAttribute(attribute) is not null))
        {
            method.Invoke(instance, null);
        }
    }
}
