using SharpFuzz;

namespace SmimeGraph.Fuzz;

/// <summary>
/// The fuzzing entry point. <c>--target NAME</c> serves afl-fuzz through SharpFuzz's
/// out-of-process fork server (each input arrives on standard input); <c>--replay PATH...</c>
/// runs files or folders of inputs once each and says what happened to every one, which is
/// how crashes and hangs are triaged and turned into regression tests.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: SmimeGraph.Fuzz --target NAME                          (under afl-fuzz: input on stdin)
               SmimeGraph.Fuzz --target NAME --replay PATH... [--timeout-ms N]
               SmimeGraph.Fuzz --list
        """;

    private static int Main(string[] args)
    {
        string? name = null;
        var replay = new List<string>();
        int timeoutMs = 2000;
        bool replaying = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--list":
                    foreach (FuzzTarget t in FuzzTargets.All)
                    {
                        Console.WriteLine($"{t.Name,-16}{t.Description}");
                    }

                    return 0;
                case "--target" when i + 1 < args.Length:
                    name = args[++i];
                    break;
                case "--timeout-ms" when i + 1 < args.Length && int.TryParse(args[i + 1], out int ms) && ms > 0:
                    timeoutMs = ms;
                    i++;
                    break;
                case "--replay":
                    replaying = true;
                    break;
                default:
                    if (!replaying || args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        Console.Error.WriteLine(Usage);
                        return 2;
                    }

                    replay.Add(args[i]);
                    break;
            }
        }

        FuzzTarget? target = FuzzTargets.All.FirstOrDefault(t => t.Name == name);
        if (target is null)
        {
            Console.Error.WriteLine(name is null ? Usage : $"unknown target '{name}'; --list shows them");
            return 2;
        }

        if (replaying)
        {
            return Replay.Run(target, replay, TimeSpan.FromMilliseconds(timeoutMs), Console.Out);
        }

        // Out of process: a hang killed by afl-fuzz's timeout or a stack overflow ends only the
        // child process, which the fork server restarts, instead of the whole fuzzing run.
        Fuzzer.OutOfProcess.Run(stream => _ = Harness.Execute(target, ReadToEnd(stream)));
        return 0;
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
