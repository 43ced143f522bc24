using SmimeGraph.Tests;

namespace SmimeGraph.Cli.Tests;

/// <summary>Each unreadable input is a one-line usage error (exit 2) that names the option and the file and says what is wrong.</summary>
public sealed class InputErrorTests : IDisposable
{
    private static readonly string[] Message = ["compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "s", "--text", "t"];

    private readonly string _dir = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "thunderbird-nss", file);

    [Theory]
    [InlineData("--attach")]
    [InlineData("--sign")]
    [InlineData("--encrypt-to")]
    public async Task A_directory_given_to_compose_is_reported_as_a_directory(string option)
    {
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, option, _dir]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Equal($"smimegraph compose: {option}: '{_dir}' is a directory, not a file.", stderr.TrimEnd());
    }

    [Fact]
    public async Task A_directory_given_to_inspect_is_reported_as_a_directory()
    {
        (int key, _, string keyError) = await CliRunner.RunAsync("inspect", Data("alice.env.eml"), "--key", _dir);
        Assert.Equal(CommandLine.Usage, key);
        Assert.Contains($"--key: '{_dir}' is a directory", keyError, StringComparison.Ordinal);

        (int file, _, string fileError) = await CliRunner.RunAsync("inspect", _dir);
        Assert.Equal(CommandLine.Usage, file);
        Assert.Contains($"'{_dir}' is a directory", fileError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_is_not_pkcs12_names_the_option_and_the_file()
    {
        string notPfx = Data("alice.env.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync("inspect", Data("alice.env.eml"), "--key", notPfx);

        Assert.Equal(CommandLine.Usage, code);
        Assert.StartsWith($"smimegraph inspect: --key: '{notPfx}' could not be opened", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_password_names_the_option_and_the_file()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync("inspect", Data("alice.env.eml"), "--key", Data("Bob.p12") + ":wrong");

        Assert.Equal(CommandLine.Usage, code);
        Assert.StartsWith($"smimegraph inspect: --key: '{Data("Bob.p12")}' could not be opened with the password given", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recipient_file_that_is_not_a_certificate_names_the_option_and_the_file()
    {
        string notPem = Path.Combine(_dir, "bob.pem");
        await File.WriteAllTextAsync(notPem, "not a certificate");
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--encrypt-to", notPem]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.StartsWith($"smimegraph compose: --encrypt-to: '{notPem}' is not a certificate", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_longer_than_a_reader_accepts_is_refused_by_compose()
    {
        string eml = Path.Combine(_dir, "never.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--header", "X-Big: " + new string('a', 100_000), "--out", eml]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("X-Big", stderr, StringComparison.Ordinal);
        Assert.Contains("65,536", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(eml));
    }
}
