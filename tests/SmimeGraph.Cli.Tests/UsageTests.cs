namespace SmimeGraph.Cli.Tests;

public class UsageTests
{
    private static readonly string[] CommandNames = ["compose", "inspect", "send", "emulator", "certs", "demo"];

    public static TheoryData<string> Commands => new(CommandNames);

    [Fact]
    public async Task Unknown_command_exits_with_usage_code()
    {
        (int code, _, string stderr) = await RunAsync("frobnicate");
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("unknown command 'frobnicate'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_command_prints_the_overview_on_standard_error_and_exits_2()
    {
        (int code, string stdout, string stderr) = await RunAsync();
        Assert.Equal(CommandLine.Usage, code);
        Assert.Empty(stdout);
        foreach (string command in CommandNames)
        {
            Assert.Contains(command, stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_has_help_with_its_options_examples_and_exit_codes(string command)
    {
        (int code, string stdout, string stderr) = await RunAsync(command, "--help");
        Assert.True(code == CommandLine.Success, stderr);
        Assert.Contains($"smimegraph {command}", stdout, StringComparison.Ordinal);
        Assert.Contains("Options:", stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:", stdout, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^  .*smimegraph {command}\b", stdout[stdout.IndexOf("Examples:", StringComparison.Ordinal)..]);
        Assert.Contains("Exit codes:", stdout, StringComparison.Ordinal);
        Assert.Contains("3  rejected", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("inspect", "-h")]
    [InlineData("compose", "-h")]
    [InlineData("help", "send")]
    public async Task Short_help_and_the_help_command_print_help_not_an_error(string first, string second)
    {
        (int code, string stdout, string stderr) = await RunAsync(first, second);
        Assert.True(code == CommandLine.Success, stderr);
        Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task Compose_help_describes_each_compose_option()
    {
        (_, string stdout, _) = await RunAsync("compose", "--help");
        foreach (string option in new[] { "--from", "--to", "--cc", "--bcc", "--subject", "--text", "--html", "--attach", "--header", "--sign", "--encrypt-to", "--opaque", "--oaep", "--pss", "--aes-gcm", "--out", "--graph-body" })
        {
            Assert.Matches($@"(?m)^\s+{option}\b.*\S", stdout);
        }
    }

    [Fact]
    public async Task Version_prints_the_assembly_version()
    {
        (int code, string stdout, _) = await RunAsync("--version");
        Assert.Equal(CommandLine.Success, code);
        string expected = typeof(CommandLine).Assembly.GetName().Version!.ToString(3);
        Assert.StartsWith(expected, stdout.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("compose", "--frob", "--frob")]
    [InlineData("inspect", "--frob", "--frob")]
    [InlineData("send", "--frob", "--frob")]
    [InlineData("compose", "--out", "--out")]
    public async Task Parse_errors_name_the_option_and_exit_2(string command, string option, string named)
    {
        (int code, string stdout, string stderr) = await RunAsync(command, "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", option);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"smimegraph {command}: ", stderr, StringComparison.Ordinal);
        Assert.Contains($"'{named}'", stderr, StringComparison.Ordinal);
        Assert.Contains($"smimegraph {command} --help", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_valued_option_given_twice_takes_the_last_value()
    {
        (int code, string stdout, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "first", "--subject", "second");
        Assert.True(code == CommandLine.Success, stderr);
        Assert.Contains("\r\nSubject: second\r\n", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("first", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stray_argument_is_a_usage_error()
    {
        (int code, _, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "extra");
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("'extra'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_at_sign_value_is_a_body_file_not_a_response_file()
    {
        string file = Path.Combine(Path.GetTempPath(), "smimegraph-usage-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(file, "--to evil@example.com\n");
        try
        {
            (int code, string stdout, string stderr) = await RunAsync("compose", "--from", "a@example.com", "--to", "b@example.com", "--subject", "s", "--text", "@" + file);
            Assert.True(code == CommandLine.Success, stderr);
            Assert.DoesNotContain("evil@example.com>", stdout.Split("\r\n\r\n")[0], StringComparison.Ordinal);
            Assert.Contains("To: b@example.com\r\n", stdout, StringComparison.Ordinal);
            Assert.EndsWith("--to evil@example.com\r\n", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
