using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Tests;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Cli.Tests.TestPki;

/// <summary>Runs <c>smimegraph certs --out TEMP</c> once for the class and removes the folder afterwards.</summary>
public sealed class GeneratedTestPkiFixture : IDisposable
{
    public GeneratedTestPkiFixture()
    {
        Directory = TestPaths.NewTempDirectory();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        ExitCode = CommandLine.RunAsync(["certs", "--out", Directory], stdout, stderr, CancellationToken.None).GetAwaiter().GetResult();
        StandardOutput = stdout.ToString();
        StandardError = stderr.ToString();
    }

    public string Directory { get; }

    public int ExitCode { get; }

    public string StandardOutput { get; }

    public string StandardError { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>The generator reproduces the committed set: same file names, same shape, fresh keys.</summary>
public class GeneratedTestPkiTests(GeneratedTestPkiFixture generated) : IClassFixture<GeneratedTestPkiFixture>
{
    public static TheoryData<string> EndEntities => ExpectedCertificate.Names(_ => true);

    [Fact]
    public void Certs_command_succeeds_and_lists_every_file()
    {
        Assert.True(generated.ExitCode == CommandLine.Success, generated.StandardError);
        string[] listed = generated.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(ExpectedCertificate.FileNames.Order(StringComparer.Ordinal), listed.Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Writes_the_expected_file_names()
    {
        string[] actual = [.. Directory.GetFiles(generated.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(ExpectedCertificate.FileNames.Order(StringComparer.Ordinal), actual);
    }

    [Fact]
    public void Readme_names_the_password_and_the_regenerate_command()
    {
        string readme = File.ReadAllText(Path.Combine(generated.Directory, "README.md"));
        Assert.Contains("dotnet run --project src/SmimeGraph.Cli -- certs --out certs-test", readme, StringComparison.Ordinal);
        Assert.Contains("Password `smimegraph`", readme, StringComparison.Ordinal);
        foreach (string name in ExpectedCertificate.CertificateNames)
        {
            Assert.Contains($"`{name}`", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Certificate_authorities_have_the_expected_extensions() =>
        TestPkiAssertions.AssertCertificateAuthorities(generated.Directory);

    [Theory]
    [MemberData(nameof(EndEntities))]
    public void End_entity_has_the_expected_extensions(string name) =>
        TestPkiAssertions.AssertEndEntity(generated.Directory, ExpectedCertificate.Get(name));

    [Theory]
    [InlineData("signer-rsa2048", "smimesign")]
    [InlineData("signer-ecdsa-p256", "smimesign")]
    [InlineData("recipient-rsa2048", "smimeencrypt")]
    public void Generated_chain_verifies(string name, string purpose) =>
        TestPkiAssertions.Verify(generated.Directory, name, purpose).EnsureSuccess("openssl verify");

    [Theory]
    [InlineData("signer-rsa2048", 3)]
    [InlineData("recipient-ecdh-p256", 3)]
    [InlineData("intermediate", 2)]
    public void Generated_key_and_pkcs12_match(string name, int chainLength) =>
        TestPkiAssertions.AssertKeyAndPkcs12(generated.Directory, name, chainLength);

    [Fact]
    public void Keys_and_serial_numbers_are_fresh()
    {
        using X509Certificate2 committed = TestPkiAssertions.Load(TestPaths.CertsTest, "signer-rsa2048");
        using X509Certificate2 fresh = TestPkiAssertions.Load(generated.Directory, "signer-rsa2048");
        Assert.NotEqual(committed.SerialNumber, fresh.SerialNumber);
        Assert.NotEqual(committed.PublicKey.EncodedKeyValue.RawData, fresh.PublicKey.EncodedKeyValue.RawData);
    }

    [Fact]
    public async Task Unknown_option_is_a_usage_error()
    {
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["certs", "--frobnicate"], new StringWriter(), stderr, CancellationToken.None);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains("--frobnicate", stderr.ToString(), StringComparison.Ordinal);
    }
}
