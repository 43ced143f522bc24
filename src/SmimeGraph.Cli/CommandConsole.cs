namespace SmimeGraph.Cli;

/// <summary>
/// Where a command writes its output and its diagnostics, and how it asks for a password: a
/// no-echo terminal prompt, or null when no terminal is attached (nothing is asked then).
/// </summary>
internal sealed record CommandConsole(TextWriter Out, TextWriter Error, Func<string, string?>? ReadPassword = null);
