using System.CommandLine;
using System.Text;

namespace SmimeGraph.Cli.Tests;

/// <summary>
/// Every command's <c>--help</c> shows examples, and each example is a command line the tool
/// accepts. The commands are enumerated from the root command, so a command added without
/// examples fails here; each example is parsed, so an example that names a removed or renamed
/// option, or leaves out a required one, fails too.
/// </summary>
public sealed class HelpExamplesTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (string path in CommandPaths(CommandLine.CreateRootCommand(), string.Empty))
        {
            data.Add(path);
        }

        return data;
    }

    [Fact]
    public void The_enumeration_finds_the_root_and_every_command_of_the_contract()
    {
        string[] found = [.. CommandPaths(CommandLine.CreateRootCommand(), string.Empty)];
        Assert.Superset(new HashSet<string>(["", "compose", "inspect", "send", "emulator", "certs", "demo"], StringComparer.Ordinal), new HashSet<string>(found, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_shows_at_least_one_example_of_the_command(string path)
    {
        (int code, string stdout, string stderr) = await CliRunner.RunAsync([.. Words(path), "--help"]);

        Assert.True(code == CommandLine.Success, stderr);
        string[] examples = Examples(stdout);
        string invocation = path.Length == 0 ? "smimegraph " : $"smimegraph {path}";
        Assert.True(
            examples.Any(example => example.Contains(invocation, StringComparison.Ordinal)),
            $"'{invocation.Trim()} --help' shows no example running it:\n{stdout}");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_example_in_the_help_parses_without_an_error(string path)
    {
        (_, string stdout, _) = await CliRunner.RunAsync([.. Words(path), "--help"]);

        foreach (string example in Examples(stdout))
        {
            string[] words = ShellWords(example);
            int tool = Array.IndexOf(words, "smimegraph");
            Assert.True(tool >= 0, $"not a smimegraph command line: {example}");
            ParseResult result = CommandLine.CreateRootCommand().Parse(words[(tool + 1)..], new ParserConfiguration { ResponseFileTokenReplacer = null });

            // An example that asks for help is answered with help whatever else it lacks, as the tool does.
            Assert.True(result.Errors.Count == 0 || result.Action is ExamplesHelpAction, $"{example}\n  {string.Join("\n  ", result.Errors.Select(e => e.Message))}");
            if (path.Length > 0)
            {
                Assert.Equal(path, CommandPath(result.CommandResult.Command));
            }
        }
    }

    // Every command below the root, as the words that name it ("" for the root itself).
    private static IEnumerable<string> CommandPaths(Command command, string path)
    {
        yield return path;
        foreach (Command subcommand in command.Subcommands.Where(c => !c.Hidden))
        {
            foreach (string below in CommandPaths(subcommand, (path + " " + subcommand.Name).Trim()))
            {
                yield return below;
            }
        }
    }

    // The words that name a parsed command, from below the root down to it.
    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null && c.Name != CommandLine.ToolName; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names);
    }

    private static string[] Words(string path) => path.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // The examples section of a help text: its command lines (comment lines dropped, lines
    // continued with a trailing backslash joined).
    private static string[] Examples(string help)
    {
        int start = help.IndexOf("\nExamples:\n", StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        var examples = new List<string>();
        var current = new StringBuilder();
        foreach (string line in help[(start + "\nExamples:\n".Length)..].Split('\n'))
        {
            if (!line.StartsWith("  ", StringComparison.Ordinal))
            {
                break;
            }

            string text = line.Trim();
            if (text.StartsWith('#'))
            {
                continue;
            }

            current.Append(text.TrimEnd('\\').TrimEnd()).Append(' ');
            if (!text.EndsWith('\\'))
            {
                examples.Add(current.ToString().Trim());
                current.Clear();
            }
        }

        return [.. examples];
    }

    // A command line split as a POSIX shell splits it: white space separates words, single and
    // double quotes group them.
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in line)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        Assert.True(quote == '\0', $"unbalanced quote in: {line}");
        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
