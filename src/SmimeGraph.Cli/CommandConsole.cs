namespace SmimeGraph.Cli;

/// <summary>Where a command writes its output and its diagnostics.</summary>
internal sealed record CommandConsole(TextWriter Out, TextWriter Error);
