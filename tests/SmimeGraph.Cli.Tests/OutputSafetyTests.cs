using System.Diagnostics;
using System.Security.Cryptography;
using SmimeGraph.Tests;

namespace SmimeGraph.Cli.Tests;

/// <summary>
/// compose never destroys its inputs: an output that is an input (by any name, a symbolic link
/// or a hard link) is refused before anything is opened, and an output is replaced only when
/// the whole message was written.
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    private static readonly string[] Message = ["compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "s"];

    private readonly string _dir = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--out")]
    [InlineData("--graph-body")]
    public async Task The_signing_pfx_named_as_the_output_is_refused_and_kept(string output)
    {
        string pfx = Copy(TestPaths.Cert("signer-rsa2048.pfx"), "alice.pfx");
        byte[] before = await File.ReadAllBytesAsync(pfx);

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "t", "--sign", pfx + ":smimegraph", output, pfx]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains($"{output} would overwrite the --sign input", stderr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(pfx));
    }

    [Theory]
    [InlineData("--text")]
    [InlineData("--html")]
    public async Task A_body_file_named_as_the_output_is_refused_and_kept(string option)
    {
        string body = Path.Combine(_dir, "body.txt");
        await File.WriteAllTextAsync(body, "the body\n");

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, option, "@" + body, "--out", body]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains($"--out would overwrite the {option} input", stderr, StringComparison.Ordinal);
        Assert.Equal("the body\n", await File.ReadAllTextAsync(body));
    }

    [Fact]
    public async Task A_recipient_certificate_named_as_the_output_is_refused_and_kept()
    {
        string pem = Copy(TestPaths.Cert("recipient-rsa2048.pem"), "bob.pem");
        byte[] before = await File.ReadAllBytesAsync(pem);

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "t", "--encrypt-to", pem, "--out", pem]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--out would overwrite the --encrypt-to input", stderr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(pem));
    }

    [Fact]
    public async Task A_password_file_named_as_the_output_is_refused_and_kept()
    {
        string pfx = Copy(TestPaths.Cert("signer-rsa2048.pfx"), "alice.pfx");
        string password = Path.Combine(_dir, "password.txt");
        await File.WriteAllTextAsync(password, "smimegraph\n");

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "t", "--sign", pfx, "--password-file", password, "--out", password]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--out would overwrite the --password-file input", stderr, StringComparison.Ordinal);
        Assert.Equal("smimegraph\n", await File.ReadAllTextAsync(password));
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--graph-body")]
    public async Task An_output_that_is_a_symbolic_link_to_an_attachment_is_refused_and_the_attachment_kept(string output)
    {
        byte[] data = RandomNumberGenerator.GetBytes(5000);
        string attachment = Path.Combine(_dir, "report.bin");
        await File.WriteAllBytesAsync(attachment, data);
        string link = Path.Combine(_dir, "link.eml");
        File.CreateSymbolicLink(link, attachment);

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--attach", attachment, output, link]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains($"{output} would overwrite the --attach input", stderr, StringComparison.Ordinal);
        Assert.Equal(data, await File.ReadAllBytesAsync(attachment));
        Assert.Equal(attachment, new FileInfo(link).LinkTarget);
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--graph-body")]
    public async Task An_output_that_is_a_hard_link_to_an_attachment_is_refused_and_the_attachment_kept(string output)
    {
        Assert.True(OperatingSystem.IsLinux(), "hard links are compared by inode on Linux");
        byte[] data = RandomNumberGenerator.GetBytes(5000);
        string attachment = Path.Combine(_dir, "report.bin");
        await File.WriteAllBytesAsync(attachment, data);
        string link = Path.Combine(_dir, "body.b64");
        HardLink(attachment, link);

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--attach", attachment, output, link]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains($"{output} would overwrite the --attach input", stderr, StringComparison.Ordinal);
        Assert.Equal(data, await File.ReadAllBytesAsync(attachment));
        Assert.Equal(data, await File.ReadAllBytesAsync(link));
    }

    [Fact]
    public async Task Out_and_graph_body_that_are_hard_links_to_one_file_are_refused()
    {
        string first = Path.Combine(_dir, "a.out");
        await File.WriteAllTextAsync(first, "keep me");
        string second = Path.Combine(_dir, "b.out");
        HardLink(first, second);

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "t", "--out", first, "--graph-body", second]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--out and --graph-body name the same file", stderr, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(first));
    }

    [Fact]
    public async Task A_failing_compose_leaves_an_existing_out_and_graph_body_untouched_and_no_temporary_file()
    {
        // The attached message has a bare LF: the writer fails part-way through the body.
        string inner = Path.Combine(_dir, "unix.eml");
        await File.WriteAllTextAsync(inner, "From: x@example.com\nSubject: inner\n\nbody\n");
        string eml = Path.Combine(_dir, "out.eml");
        string body = Path.Combine(_dir, "out.b64");
        await File.WriteAllTextAsync(eml, "the previous message");
        await File.WriteAllTextAsync(body, "the previous body");
        string[] before = Directory.GetFiles(_dir);

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "t", "--attach", inner, "--out", eml, "--graph-body", body]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("CRLF", stderr, StringComparison.Ordinal);
        Assert.Equal("the previous message", await File.ReadAllTextAsync(eml));
        Assert.Equal("the previous body", await File.ReadAllTextAsync(body));
        Assert.Equal(before.Order(), Directory.GetFiles(_dir).Order());
    }

    [Fact]
    public async Task An_over_ceiling_compose_leaves_an_existing_graph_body_untouched()
    {
        string big = Path.Combine(_dir, "big.bin");
        await File.WriteAllBytesAsync(big, new byte[3_000_000]);
        string body = Path.Combine(_dir, "out.b64");
        await File.WriteAllTextAsync(body, "the previous body");

        (int code, _, _) = await CliRunner.RunAsync([.. Message, "--attach", big, "--graph-body", body]);

        Assert.Equal(CommandLine.Rejected, code);
        Assert.Equal("the previous body", await File.ReadAllTextAsync(body));
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_successful_compose_replaces_an_existing_out_keeping_its_permissions()
    {
        string eml = Path.Combine(_dir, "out.eml");
        await File.WriteAllTextAsync(eml, "the previous message");
        File.SetUnixFileMode(eml, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        (int code, string stdout, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "new text", "--out", eml]);

        Assert.True(code == CommandLine.Success, stderr);
        string written = await File.ReadAllTextAsync(eml);
        Assert.StartsWith("From: alice@example.com\r\n", written, StringComparison.Ordinal);
        Assert.Contains(stdout.Split('\n')[0].Trim()["Message-ID: ".Length..], written, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(eml));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task An_out_that_is_a_symbolic_link_to_another_file_is_written_through_and_stays_a_link()
    {
        string target = Path.Combine(_dir, "real.eml");
        await File.WriteAllTextAsync(target, "old");
        string link = Path.Combine(_dir, "link.eml");
        File.CreateSymbolicLink(link, target);

        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "through the link", "--out", link]);

        Assert.True(code == CommandLine.Success, stderr);
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.EndsWith("through the link", await File.ReadAllTextAsync(target), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_out_that_is_a_device_is_written_to_directly()
    {
        Assert.True(File.Exists("/dev/null"));
        (int code, string stdout, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "t", "--out", "/dev/null"]);

        Assert.True(code == CommandLine.Success, stderr);
        Assert.StartsWith("Message-ID: <", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists("/dev/null"));
    }

    [Fact]
    public async Task An_out_that_is_a_directory_is_a_usage_error_naming_it()
    {
        (int code, _, string stderr) = await CliRunner.RunAsync([.. Message, "--text", "t", "--out", _dir]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains($"--out: '{_dir}' is a directory", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--text")]
    [InlineData("--html")]
    public async Task A_body_from_an_endless_device_is_a_one_line_usage_error(string option)
    {
        Assert.True(File.Exists("/dev/zero"));
        (int code, string stdout, string stderr) = await CliRunner.RunAsync([.. Message, option, "@/dev/zero"]);

        Assert.Equal(CommandLine.Usage, code);
        Assert.Empty(stdout);
        Assert.Equal($"smimegraph compose: {option}: '/dev/zero' is longer than 67,108,864 bytes, the most it may hold.", stderr.TrimEnd());
    }

    private string Copy(string source, string name)
    {
        string path = Path.Combine(_dir, name);
        File.Copy(source, path);
        return path;
    }

    private static void HardLink(string existing, string link)
    {
        using Process ln = Process.Start(new ProcessStartInfo("ln", [existing, link]) { RedirectStandardError = true })!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }
}
