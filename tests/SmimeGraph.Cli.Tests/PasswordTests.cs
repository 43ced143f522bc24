using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Tests;

namespace SmimeGraph.Cli.Tests;

/// <summary>
/// PKCS#12 passwords off the command line: --password-env, --password-file, a no-echo prompt
/// when a terminal is attached; PFX:password still works; no error shows any part of a password.
/// </summary>
public sealed class PasswordTests : IDisposable
{
    private const string Password = "smimegraph";

    // Parts of a password that must never be printed; none occurs in a path or a message.
    private const string ColonPassword = "Qv7pX:Zr4kL:Mw9tB";

    private static readonly string[] Message = ["compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "s", "--text", "t"];

    private readonly string _dir = TestPaths.NewTempDirectory();

    static PasswordTests() => Environment.SetEnvironmentVariable("SMIMEGRAPH_TEST_PFX_PASSWORD", Password);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SignerPfx => TestPaths.Cert("signer-rsa2048.pfx");

    private static string EnvelopedMessage => Path.Combine(AppContext.BaseDirectory, "TestData", "thunderbird-nss", "alice.env.eml");

    private static string BobP12 => Path.Combine(AppContext.BaseDirectory, "TestData", "thunderbird-nss", "Bob.p12");

    [Fact]
    public async Task Sign_takes_the_password_from_an_environment_variable()
    {
        string eml = Path.Combine(_dir, "signed.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx, "--password-env", "SMIMEGRAPH_TEST_PFX_PASSWORD", "--out", eml]);

        Assert.True(code == CommandLine.Success, stderr);
        Assert.Contains("multipart/signed", await File.ReadAllTextAsync(eml), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("smimegraph\n")]
    [InlineData("smimegraph\r\n")]
    [InlineData("smimegraph")]
    [InlineData("\uFEFFsmimegraph\nsecond line ignored\n")]
    public async Task Sign_takes_the_first_line_of_a_password_file(string content)
    {
        string file = Path.Combine(_dir, "password.txt");
        await File.WriteAllTextAsync(file, content);
        string eml = Path.Combine(_dir, "signed.eml");

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx, "--password-file", file, "--out", eml]);

        Assert.True(code == CommandLine.Success, stderr);
        Assert.Contains("multipart/signed", await File.ReadAllTextAsync(eml), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_key_takes_the_password_from_a_file_or_the_environment()
    {
        string file = Path.Combine(_dir, "nss.txt");
        await File.WriteAllTextAsync(file, "nss\n");
        Environment.SetEnvironmentVariable("SMIMEGRAPH_TEST_NSS_PASSWORD", "nss");

        (int fromFile, _, string e1) = await CliRunner.RunAsync("inspect", EnvelopedMessage, "--key", BobP12, "--password-file", file, "--at", "2026-06-01T00:00:00Z");
        (int fromEnv, _, string e2) = await CliRunner.RunAsync("inspect", EnvelopedMessage, "--key", BobP12, "--password-env", "SMIMEGRAPH_TEST_NSS_PASSWORD", "--at", "2026-06-01T00:00:00Z");

        // Decrypted (an encrypted-only message is not VALID, so the exit code is 0 or 1, never 2).
        Assert.True(fromFile != CommandLine.Usage, e1);
        Assert.True(fromEnv != CommandLine.Usage, e2);
        (_, string report, _) = await CliRunner.RunAsync("inspect", EnvelopedMessage, "--key", BobP12, "--password-file", file, "--at", "2026-06-01T00:00:00Z");
        Assert.DoesNotContain("NOT decrypted", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_terminal_is_asked_without_echo_when_no_password_is_given()
    {
        var prompts = new List<string>();
        string eml = Path.Combine(_dir, "signed.eml");

        (int code, string stdout, string stderr) = await CliRunner.RunWithPromptAsync(
            prompt =>
            {
                prompts.Add(prompt);
                return Password;
            },
            [.. Message, "--sign", SignerPfx, "--out", eml]);

        Assert.True(code == CommandLine.Success, stderr);
        Assert.Equal([$"Password for {SignerPfx}: "], prompts);
        Assert.DoesNotContain(Password, stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("multipart/signed", await File.ReadAllTextAsync(eml), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_terminal_is_not_asked_when_the_password_is_given()
    {
        (int code, _, string stderr) = await CliRunner.RunWithPromptAsync(
            _ => throw new InvalidOperationException("asked"),
            [.. Message, "--sign", SignerPfx, "--password-env", "SMIMEGRAPH_TEST_PFX_PASSWORD", "--out", Path.Combine(_dir, "a.eml")]);

        Assert.True(code == CommandLine.Success, stderr);
    }

    [Fact]
    public async Task A_wrong_typed_password_is_a_usage_error_that_does_not_show_it()
    {
        (int code, _, string stderr) = await CliRunner.RunWithPromptAsync(_ => ColonPassword, [.. Message, "--sign", SignerPfx]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("the password typed", stderr, StringComparison.Ordinal);
        AssertNoPartOfThePassword(stderr);
    }

    [Fact]
    public async Task Without_a_terminal_or_a_password_the_error_says_how_to_give_one()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--password-env", stderr, StringComparison.Ordinal);
        Assert.Contains("signer-rsa2048.pfx", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("compose")]
    [InlineData("inspect")]
    public async Task A_wrong_path_followed_by_a_password_with_colons_never_shows_the_password(string command)
    {
        string value = Path.Combine(_dir, "missing.pfx") + ":" + ColonPassword;
        string[] args = command == "compose" ? [.. Message, "--sign", value] : ["inspect", EnvelopedMessage, "--key", value];

        (int code, string stdout, string stderr) = await CliRunner.RunAsync(args);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("missing.pfx' does not exist", stderr, StringComparison.Ordinal);
        AssertNoPartOfThePassword(stdout + stderr);
    }

    [Fact]
    public async Task A_directory_followed_by_a_password_is_named_as_a_directory_without_the_password()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--sign", _dir + ":" + ColonPassword]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("is a directory", stderr, StringComparison.Ordinal);
        AssertNoPartOfThePassword(stderr);
    }

    [Fact]
    public async Task A_wrong_password_with_colons_for_an_existing_file_is_not_shown()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx + ":" + ColonPassword]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("signer-rsa2048.pfx", stderr, StringComparison.Ordinal);
        AssertNoPartOfThePassword(stderr);
    }

    [Fact]
    public async Task A_pfx_password_inline_still_works_and_the_help_discourages_it()
    {
        string eml = Path.Combine(_dir, "signed.eml");
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx + ":" + Password, "--out", eml]);
        Assert.True(code == CommandLine.Success, stderr);

        (_, string help, _) = await CliRunner.RunAsync("compose", "--help");
        Assert.Contains("--password-env <NAME>", help, StringComparison.Ordinal);
        Assert.Contains("--password-file <FILE>", help, StringComparison.Ordinal);
        Assert.Matches(@"PFX:password still works but shows the password to every user of\s+'ps'", help);
    }

    [Fact]
    public async Task An_unset_variable_and_two_password_sources_are_usage_errors()
    {
        (int unset, _, string e1) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx, "--password-env", "SMIMEGRAPH_TEST_NOT_SET_" + Guid.NewGuid().ToString("N")]);
        Assert.Equal(CommandLine.Usage, unset);
        Assert.Contains("is not set", e1, StringComparison.Ordinal);

        string file = Path.Combine(_dir, "password.txt");
        await File.WriteAllTextAsync(file, Password);
        (int both, _, string e2) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx, "--password-env", "SMIMEGRAPH_TEST_PFX_PASSWORD", "--password-file", file]);
        Assert.Equal(CommandLine.Usage, both);
        Assert.Contains("give one of them", e2, StringComparison.Ordinal);

        (int twice, _, string e3) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx + ":" + ColonPassword, "--password-file", file]);
        Assert.Equal(CommandLine.Usage, twice);
        Assert.Contains("give the password once", e3, StringComparison.Ordinal);
        AssertNoPartOfThePassword(e3);
    }

    [Fact]
    public async Task The_password_file_is_read_only_up_to_its_limit()
    {
        Assert.True(File.Exists("/dev/zero"));
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--sign", SignerPfx, "--password-file", "/dev/zero"]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--password-file: '/dev/zero' is longer than", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exported_test_signer_really_needs_its_password()
    {
        // The prompt tests rely on the PFX refusing an empty password.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => X509CertificateLoader.LoadPkcs12FromFile(SignerPfx, null));
    }

    private static void AssertNoPartOfThePassword(string text)
    {
        foreach (string part in ColonPassword.Split(':'))
        {
            Assert.DoesNotContain(part, text, StringComparison.Ordinal);
        }
    }
}
