namespace SmimeGraph.Cli.Tests;

public class UsageTests
{
    [Fact]
    public async Task Unknown_command_exits_with_usage_code()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["frobnicate"], stdout, stderr, CancellationToken.None);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("unknown command", stderr.ToString());
    }
}
