using System.CommandLine;

namespace SmimeGraph.Cli;

/// <summary>
/// The three kinds of option the commands use. A single-valued option given twice takes the
/// last value (so a script can override a default it was handed), as it always has here.
/// </summary>
internal static class CliOptions
{
    /// <summary><c>--name VALUE</c>; the last occurrence wins.</summary>
    public static Option<string> Value(string name, string helpName, string description, bool required = false) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Required = required,
        Arity = new ArgumentArity(1, ArgumentArity.ZeroOrMore.MaximumNumberOfValues),
        CustomParser = result => result.Tokens[^1].Value,
    };

    /// <summary><c>--name VALUE</c>, repeatable, every value kept in order.</summary>
    public static Option<string[]> Values(string name, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
    };

    /// <summary><c>--name</c>, a switch.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };
}
