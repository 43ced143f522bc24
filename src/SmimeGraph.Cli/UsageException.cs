namespace SmimeGraph.Cli;

/// <summary>The command line was wrong: exit code 2 with the message.</summary>
internal sealed class UsageException(string message) : Exception(message);
