using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Tests;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Cli.Tests;

/// <summary>
/// The sender's copy from the command line: a signing certificate that can receive a key becomes
/// a recipient and is named in the encryption-key preference attributes (RFC 8551 §2.5.3);
/// --sender-cert names another certificate; --no-sender-copy opts out. OpenSSL decrypts with
/// the sender's key; the attributes are read with SignedCms.
/// </summary>
public sealed class SenderCopyTests : IClassFixture<SenderCopyTests.DualUseCertificates>, IDisposable
{
    private const string SmimeEncryptionKeyPreference = "1.2.840.113549.1.9.16.2.11";
    private const string MicrosoftEncryptionKeyPreference = "1.3.6.1.4.1.311.16.4";

    private readonly DualUseCertificates _pki;
    private readonly string _dir = TestPaths.NewTempDirectory();

    public SenderCopyTests(DualUseCertificates pki) => _pki = pki;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec")]
    public async Task A_signing_certificate_that_can_receive_a_key_gets_the_senders_copy(string kind)
    {
        DualUse alice = kind == "rsa" ? _pki.Rsa : _pki.Ec;
        string eml = Path.Combine(_dir, "message.eml");

        (int code, _, string stderr) = await ComposeAsync("--sign", alice.Pfx, "--password-env", DualUseCertificates.PasswordVariable, "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--out", eml);
        Assert.True(code == 0, stderr);
        Assert.Equal(string.Empty, stderr);

        // Both the recipient and the sender can decrypt, with OpenSSL.
        string fromBob = Decrypt(eml, TestPaths.Cert("recipient-rsa2048.pem"), TestPaths.Cert("recipient-rsa2048.key.pem"), "bob");
        string fromAlice = Decrypt(eml, alice.CertificatePem, alice.KeyPem, "alice");
        Assert.Equal(await File.ReadAllTextAsync(fromBob), await File.ReadAllTextAsync(fromAlice));

        // The signature names the same certificate as the one to encrypt to.
        AssertPreference(fromAlice, alice.Certificate);
    }

    [Fact]
    public async Task Signing_alone_names_the_encryption_certificate()
    {
        string eml = Path.Combine(_dir, "signed.eml");
        (int code, _, string stderr) = await ComposeAsync("--sign", _pki.Rsa.Pfx, "--password-env", DualUseCertificates.PasswordVariable, "--out", eml);
        Assert.True(code == 0, stderr);

        AssertPreference(eml, _pki.Rsa.Certificate);
    }

    [Fact]
    public async Task Sender_cert_names_a_separate_encryption_certificate_with_or_without_encryption()
    {
        // alice's signing certificate allows only digitalSignature/nonRepudiation; her
        // encryption certificate only keyEncipherment.
        string signed = Path.Combine(_dir, "signed.eml");
        (int code, _, string stderr) = await ComposeAsync("--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph", "--sender-cert", TestPaths.Cert("sender-rsa2048-enc.pem"), "--out", signed);
        Assert.True(code == 0, stderr);
        AssertPreference(signed, X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("sender-rsa2048-enc.pem")));

        string encrypted = Path.Combine(_dir, "encrypted.eml");
        (code, _, stderr) = await ComposeAsync("--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph", "--sender-cert", TestPaths.Cert("sender-rsa2048-enc.pem"), "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--out", encrypted);
        Assert.True(code == 0, stderr);
        string inner = Decrypt(encrypted, TestPaths.Cert("sender-rsa2048-enc.pem"), TestPaths.Cert("sender-rsa2048-enc.key.pem"), "alice");
        AssertPreference(inner, X509CertificateLoader.LoadCertificateFromFile(TestPaths.Cert("sender-rsa2048-enc.pem")));
    }

    [Fact]
    public async Task No_sender_copy_leaves_the_sender_out_and_a_signing_only_certificate_says_why_there_is_none()
    {
        string eml = Path.Combine(_dir, "message.eml");
        (int code, _, string stderr) = await ComposeAsync("--sign", _pki.Rsa.Pfx, "--password-env", DualUseCertificates.PasswordVariable, "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--no-sender-copy", "--out", eml);
        Assert.True(code == 0, stderr);
        Decrypt(eml, TestPaths.Cert("recipient-rsa2048.pem"), TestPaths.Cert("recipient-rsa2048.key.pem"), "bob");
        PeerResult refused = Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", _pki.Rsa.CertificatePem, "-inkey", _pki.Rsa.KeyPem, "-out", Path.Combine(_dir, "none.eml"));
        Assert.NotEqual(0, refused.ExitCode);

        // signer-rsa2048 cannot receive a key: no copy, and a note that says so and what to do.
        (code, _, stderr) = await ComposeAsync("--sign", TestPaths.Cert("signer-rsa2048.pfx") + ":smimegraph", "--encrypt-to", TestPaths.Cert("recipient-rsa2048.pem"), "--out", eml);
        Assert.True(code == 0, stderr);
        Assert.Contains("cannot receive a key", stderr, StringComparison.Ordinal);
        Assert.Contains("--sender-cert", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contradict", "--sender-cert", "CERT", "--no-sender-copy")]
    [InlineData("needs --sign or --encrypt-to", "--sender-cert", "CERT")]
    [InlineData("--no-sender-copy needs --encrypt-to", "--no-sender-copy")]
    public async Task Sender_copy_options_that_make_no_sense_are_usage_errors(string expected, params string[] options)
    {
        string[] args = [.. options.Select(o => o == "CERT" ? TestPaths.Cert("sender-rsa2048-enc.pem") : o), "--out", Path.Combine(_dir, "x.eml")];
        (int code, _, string stderr) = await ComposeAsync(args);
        Assert.Equal(CommandLine.Usage, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.eml")));
    }

    private static Task<(int Code, string Stdout, string Stderr)> ComposeAsync(params string[] options) =>
        CliRunner.RunAsync(["compose", "--from", "alice@example.com", "--to", "bob@example.com", "--subject", "Sender's copy", "--text", "Kept in Sent Items.", .. options]);

    private string Decrypt(string eml, string certificate, string key, string who)
    {
        string output = Path.Combine(_dir, $"decrypted-{who}.eml");
        Peer.OpenSsl("cms", "-decrypt", "-in", eml, "-recip", certificate, "-inkey", key, "-out", output).EnsureSuccess($"openssl cms -decrypt as {who}");
        return output;
    }

    // RFC 8551 §2.5.3: SMIMEEncryptionKeyPreference [0] issuerAndSerialNumber, and Microsoft's
    // attribute with a plain IssuerAndSerialNumber, both naming the certificate.
    private void AssertPreference(string signedEml, X509Certificate2 expected)
    {
        string p7 = Path.Combine(_dir, "signature.pem");
        Peer.OpenSsl("smime", "-pk7out", "-in", signedEml, "-out", p7).EnsureSuccess("openssl smime -pk7out");
        var cms = new SignedCms();
        cms.Decode(Convert.FromBase64String(string.Concat(File.ReadAllLines(p7).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))));
        CryptographicAttributeObjectCollection attributes = cms.SignerInfos[0].SignedAttributes;

        var reader = new AsnReader(Single(attributes, SmimeEncryptionKeyPreference), AsnEncodingRules.DER);
        AsnReader preference = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        Assert.Equal(expected.IssuerName.RawData, preference.ReadEncodedValue().ToArray());
        Assert.Equal(expected.SerialNumberBytes.ToArray(), preference.ReadIntegerBytes().ToArray());

        reader = new AsnReader(Single(attributes, MicrosoftEncryptionKeyPreference), AsnEncodingRules.DER);
        AsnReader microsoft = reader.ReadSequence();
        Assert.Equal(expected.IssuerName.RawData, microsoft.ReadEncodedValue().ToArray());
        Assert.Equal(expected.SerialNumberBytes.ToArray(), microsoft.ReadIntegerBytes().ToArray());
    }

    private static byte[] Single(CryptographicAttributeObjectCollection attributes, string oid) =>
        Assert.Single(Assert.Single(attributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == oid).Values.Cast<AsnEncodedData>()).RawData;

    /// <summary>One file set of a certificate for alice@example.com that may both sign and receive a key.</summary>
    public sealed record DualUse(X509Certificate2 Certificate, string Pfx, string CertificatePem, string KeyPem);

    /// <summary>
    /// Certificates for alice@example.com issued by the test intermediate CA that allow signing
    /// and receiving a key: RSA with keyEncipherment, EC P-256 with keyAgreement.
    /// </summary>
    public sealed class DualUseCertificates : IDisposable
    {
        public const string PasswordVariable = "SMIMEGRAPH_TEST_DUAL_USE_PASSWORD";
        private const string Password = "dual-use";
        private readonly string _dir = TestPaths.NewTempDirectory();

        public DualUseCertificates()
        {
            Environment.SetEnvironmentVariable(PasswordVariable, Password);
            using X509Certificate2 ca = X509CertificateLoader.LoadPkcs12FromFile(TestPaths.Cert("intermediate.pfx"), "smimegraph", X509KeyStorageFlags.EphemeralKeySet);
            using RSA caKey = ca.GetRSAPrivateKey()!;
            using (RSA rsa = RSA.Create(2048))
            {
                Rsa = Issue("rsa", new CertificateRequest("CN=Alice Dual RSA, E=alice@example.com", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), X509KeyUsageFlags.KeyEncipherment, ca, caKey, c => c.CopyWithPrivateKey(rsa), rsa.ExportPkcs8PrivateKeyPem());
            }

            using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Ec = Issue("ec", new CertificateRequest("CN=Alice Dual EC, E=alice@example.com", ec, HashAlgorithmName.SHA256), X509KeyUsageFlags.KeyAgreement, ca, caKey, c => c.CopyWithPrivateKey(ec), ec.ExportPkcs8PrivateKeyPem());
        }

        public DualUse Rsa { get; }

        public DualUse Ec { get; }

        public void Dispose()
        {
            Rsa.Certificate.Dispose();
            Ec.Certificate.Dispose();
            Directory.Delete(_dir, recursive: true);
        }

        private DualUse Issue(string name, CertificateRequest request, X509KeyUsageFlags receive, X509Certificate2 ca, RSA caKey, Func<X509Certificate2, X509Certificate2> withKey, string keyPem)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | receive, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4")], critical: false));
            var san = new SubjectAlternativeNameBuilder();
            san.AddEmailAddress("alice@example.com");
            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
            DateTimeOffset now = DateTimeOffset.UtcNow;
            byte[] serial = RandomNumberGenerator.GetBytes(12);
            serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
            using X509Certificate2 issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), now.AddDays(-1), now.AddYears(1), serial);
            using X509Certificate2 full = withKey(issued);
            string pfx = Path.Combine(_dir, name + ".pfx");
            File.WriteAllBytes(pfx, full.Export(X509ContentType.Pkcs12, Password));
            string pem = Path.Combine(_dir, name + ".pem");
            File.WriteAllText(pem, issued.ExportCertificatePem());
            string key = Path.Combine(_dir, name + ".key.pem");
            File.WriteAllText(key, keyPem);
            return new DualUse(X509CertificateLoader.LoadCertificate(issued.RawData), pfx, pem, key);
        }
    }
}
