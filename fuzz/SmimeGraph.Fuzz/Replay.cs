using System.Diagnostics;
using System.Reflection;

namespace SmimeGraph.Fuzz;

/// <summary>
/// Runs saved inputs through a target outside afl-fuzz, one line per input: <c>ok</c>,
/// <c>rejected TYPE</c> (a typed error of the library's family), <c>CRASH</c> with the exception
/// and where it was thrown, or <c>HANG</c> when it took longer than the timeout. Ends with one
/// line per distinct crash (exception type and throwing method), which is what a regression
/// test is written for. Exit code 1 when any input crashed or hung. Inputs are run in one
/// process: a stack overflow ends the replay, and an endless loop holds it up.
/// </summary>
internal static class Replay
{
    /// <summary>The size of AFL's coverage bitmap, which SharpFuzz's instrumentation writes to.</summary>
    private const int TraceMapSize = 1 << 16;

    public static int Run(FuzzTarget target, IReadOnlyList<string> paths, TimeSpan timeout, TextWriter output)
    {
        UsePrivateTraceMap();
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.GetFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != "SOURCE.txt").Order(StringComparer.Ordinal));
            }
            else
            {
                files.Add(path);
            }
        }

        // The first run of a target pays for JIT compilation, static initialisation and key
        // loading (seconds, not a hang): run the first input once, untimed, before timing any.
        if (files.Count > 0)
        {
            try
            {
                Harness.Execute(target, File.ReadAllBytes(files[0]));
            }
            catch (Exception)
            {
                // Reported when the input is replayed below.
            }
        }

        var distinct = new SortedDictionary<string, (int Count, string Example)>(StringComparer.Ordinal);
        int bad = 0;
        foreach (string file in files)
        {
            byte[] input = File.ReadAllBytes(file);
            string outcome;
            var clock = Stopwatch.StartNew();
            Exception? crash = null;
            try
            {
                SmimeGraphException? rejection = Harness.Execute(target, input);
                outcome = rejection is null ? "ok" : $"rejected {rejection.GetType().Name}: {OneLine(rejection.Message)}";
            }
            catch (Exception ex)
            {
                crash = ex;
                outcome = string.Empty;
            }

            clock.Stop();

            string signature;
            if (crash is not null)
            {
                signature = $"{crash.GetType().FullName} at {ThrowingMethod(crash)}";
                outcome = $"CRASH {signature}: {OneLine(crash.Message)}";
            }
            else if (clock.Elapsed > timeout)
            {
                signature = $"HANG over {timeout.TotalMilliseconds:0} ms";
                outcome = $"HANG {clock.Elapsed.TotalMilliseconds:0} ms";
            }
            else
            {
                output.WriteLine($"{file}: {outcome} ({clock.Elapsed.TotalMilliseconds:0} ms)");
                continue;
            }

            bad++;
            output.WriteLine($"{file}: {outcome} ({clock.Elapsed.TotalMilliseconds:0} ms)");
            distinct[signature] = distinct.TryGetValue(signature, out var seen) ? (seen.Count + 1, seen.Example) : (1, file);
        }

        output.WriteLine($"{files.Count} inputs, {bad} crashed or hung, {distinct.Count} distinct");
        foreach ((string signature, (int count, string example)) in distinct)
        {
            output.WriteLine($"  {count,5} x {signature}  e.g. {example}");
        }

        return bad == 0 ? 0 : 1;
    }

    /// <summary>
    /// An instrumented SmimeGraph.dll records every branch in SharpFuzz's trace bitmap, which only
    /// the fork server maps (to afl-fuzz's shared memory); outside it the pointer is null and the
    /// first branch would write through it. Replay gives it a private bitmap, never freed.
    /// </summary>
    private static unsafe void UsePrivateTraceMap()
    {
        if (SharpFuzz.Common.Trace.SharedMem == null)
        {
            SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(TraceMapSize);
        }
    }

    /// <summary>The innermost library method on the throwing stack, else the first frame.</summary>
    private static string ThrowingMethod(Exception ex)
    {
        var trace = new StackTrace(ex, fNeedFileInfo: false);
        MethodBase? first = null;
        foreach (StackFrame frame in trace.GetFrames())
        {
            MethodBase? method = frame.GetMethod();
            if (method is null)
            {
                continue;
            }

            first ??= method;
            string type = method.DeclaringType?.FullName ?? string.Empty;
            if (type.StartsWith("SmimeGraph.", StringComparison.Ordinal) && !type.StartsWith("SmimeGraph.Fuzz.", StringComparison.Ordinal))
            {
                return $"{type}.{method.Name}";
            }
        }

        return first is null ? "?" : $"{first.DeclaringType?.FullName}.{first.Name}";
    }

    private static string OneLine(string text)
    {
        string line = text.ReplaceLineEndings(" ");
        return line.Length <= 200 ? line : line[..200] + "...";
    }
}
