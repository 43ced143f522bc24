using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using SmimeGraph.Tests;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Cli.Tests.TestPki;

/// <summary>The committed test PKI in certs-test/ is what it claims to be, as OpenSSL and .NET see it.</summary>
public class CommittedTestPkiTests
{
    private static readonly string Directory = TestPaths.CertsTest;

    public static TheoryData<string> Signers => ExpectedCertificate.Names(e => e.Name.StartsWith("signer-", StringComparison.Ordinal));

    public static TheoryData<string> RsaEncryption => ExpectedCertificate.Names(e => e.Name is "recipient-rsa2048" or "sender-rsa2048-enc");

    public static TheoryData<string> EndEntities => ExpectedCertificate.Names(_ => true);

    public static TheoryData<string, int> AllWithChainLength =>
        new() { { "root-ca", 1 }, { "intermediate", 2 }, { "signer-rsa2048", 3 }, { "signer-rsa3072", 3 }, { "signer-ecdsa-p256", 3 },
            { "sender-rsa2048-enc", 3 }, { "recipient-rsa2048", 3 }, { "recipient-ecdh-p256", 3 }, { "bad-expired", 3 },
            { "bad-not-yet-valid", 3 }, { "bad-no-email-eku", 3 }, { "bad-rsa1024", 3 } };

    [Fact]
    public void Folder_holds_exactly_the_expected_files()
    {
        // README.md stays in the repository; the test project copies everything else.
        string[] actual = [.. System.IO.Directory.GetFiles(Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(ExpectedCertificate.FileNames.Where(f => f != "README.md").Order(StringComparer.Ordinal), actual);
    }

    [Theory]
    [MemberData(nameof(Signers))]
    public void Signer_verifies_for_smimesign(string name)
    {
        PeerResult result = TestPkiAssertions.Verify(Directory, name, "smimesign");
        result.EnsureSuccess("openssl verify -purpose smimesign");
        Assert.Contains(name + ".pem: OK", result.StandardOutputText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RsaEncryption))]
    public void Rsa_encryption_certificate_verifies_for_smimeencrypt(string name)
    {
        PeerResult result = TestPkiAssertions.Verify(Directory, name, "smimeencrypt");
        result.EnsureSuccess("openssl verify -purpose smimeencrypt");
        Assert.Contains(name + ".pem: OK", result.StandardOutputText, StringComparison.Ordinal);
    }

    [Fact]
    public void Ecdh_recipient_verifies_and_is_for_key_agreement()
    {
        // OpenSSL's smimeencrypt purpose demands keyEncipherment, which an ECDH key cannot carry
        // (RFC 5753 §7: keyAgreement), so the chain is verified without a purpose and the usages
        // are checked in AssertEndEntity.
        PeerResult result = TestPkiAssertions.Verify(Directory, "recipient-ecdh-p256", purpose: null);
        result.EnsureSuccess("openssl verify");
        Assert.Contains("recipient-ecdh-p256.pem: OK", result.StandardOutputText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad-expired", "smimesign", "certificate has expired")]
    [InlineData("bad-expired", "smimeencrypt", "certificate has expired")]
    [InlineData("bad-not-yet-valid", "smimesign", "certificate is not yet valid")]
    [InlineData("bad-not-yet-valid", "smimeencrypt", "certificate is not yet valid")]
    [InlineData("bad-no-email-eku", "smimesign", "unsuitable certificate purpose")] // X509_V_ERR_INVALID_PURPOSE (26)
    [InlineData("bad-no-email-eku", "smimeencrypt", "unsuitable certificate purpose")]
    public void Bad_certificate_fails_verification_for_its_reason(string name, string purpose, string reason)
    {
        PeerResult result = TestPkiAssertions.Verify(Directory, name, purpose);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(reason, result.StandardError + result.StandardOutputText, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_rsa1024_has_a_1024_bit_key_that_security_level_2_rejects()
    {
        string text = TestPkiAssertions.OpenSsl(Directory, "x509", "-in", "bad-rsa1024.pem", "-noout", "-text").EnsureSuccess("openssl x509").StandardOutputText;
        Assert.Contains("Public-Key: (1024 bit)", text, StringComparison.Ordinal);

        using X509Certificate2 certificate = TestPkiAssertions.Load(Directory, "bad-rsa1024");
        Assert.Equal(1024, certificate.GetRSAPublicKey()!.KeySize);

        // The chain is sound; only the key is weak (112-bit security level refuses it).
        TestPkiAssertions.Verify(Directory, "bad-rsa1024", "smimesign").EnsureSuccess("openssl verify");
        PeerResult strict = TestPkiAssertions.OpenSsl(Directory, "verify", "-auth_level", "2", "-CAfile", "root-ca.pem", "-untrusted", "intermediate.pem", "bad-rsa1024.pem");
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("EE certificate key too weak", strict.StandardError + strict.StandardOutputText, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_authorities_have_the_expected_extensions() =>
        TestPkiAssertions.AssertCertificateAuthorities(Directory);

    [Theory]
    [MemberData(nameof(EndEntities))]
    public void End_entity_has_the_expected_extensions(string name) =>
        TestPkiAssertions.AssertEndEntity(Directory, ExpectedCertificate.Get(name));

    [Theory]
    [MemberData(nameof(AllWithChainLength))]
    public void Key_and_pkcs12_match_the_certificate(string name, int chainLength) =>
        TestPkiAssertions.AssertKeyAndPkcs12(Directory, name, chainLength);

    [Theory]
    [InlineData("signer-rsa2048")]
    [InlineData("recipient-ecdh-p256")]
    public void Nss_imports_the_pkcs12_under_its_name(string name)
    {
        string database = TestPaths.NewTempDirectory();
        try
        {
            string db = "sql:" + database;
            Peer.Run("certutil", ["-N", "-d", db, "--empty-password"]).EnsureSuccess("certutil -N");
            Peer.Run("pk12util", ["-i", Path.Combine(Directory, name + ".pfx"), "-d", db, "-W", "smimegraph"]).EnsureSuccess("pk12util -i");
            PeerResult listed = Peer.Run("certutil", ["-L", "-d", db, "-n", name]).EnsureSuccess("certutil -L -n");
            Assert.Contains($"Subject: \"E={ExpectedCertificate.Get(name).Email},", listed.StandardOutputText, StringComparison.Ordinal);

            // The private key came along under the same nickname.
            string keys = Peer.Run("certutil", ["-K", "-d", db]).EnsureSuccess("certutil -K").StandardOutputText;
            Assert.Matches(new Regex(@"\s" + Regex.Escape(name) + @"\s*$", RegexOptions.Multiline), keys);
        }
        finally
        {
            System.IO.Directory.Delete(database, recursive: true);
        }
    }

    [Fact]
    public void Serial_numbers_are_all_different()
    {
        var serials = ExpectedCertificate.CertificateNames.Select(n =>
        {
            using X509Certificate2 c = TestPkiAssertions.Load(Directory, n);
            return c.SerialNumber;
        }).ToList();
        Assert.Equal(serials.Count, serials.Distinct(StringComparer.Ordinal).Count());
    }
}
