using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// A configured trust anchor need not be self-signed (RFC 5280 §6.1.1(d)): trusting an
/// intermediate CA anchors chains there. OpenSSL's <c>verify -partial_chain -trusted</c> is the
/// reference for every case.
/// </summary>
public class TrustAnchorTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    // The StartCom signer of the Thunderbird message, on the day it was sent.
    private static readonly DateTimeOffset StartComDay = new(2013, 11, 2, 20, 28, 4, TimeSpan.Zero);

    private static X509Certificate2 Pem(string name) => SmimeFixture.LoadPem(name);

    private static X509Certificate2 Lamps(string file) => X509Certificate2.CreateFromPem(File.ReadAllText(ReaderVectors.Path("rfc9216", file)));

    private static X509Certificate2 MimeKit(string file) => X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("mimekit", file));

    /// <summary>The Thunderbird 24 message signed by fejj@gnome.org under StartCom Class 1 (a real CA).</summary>
    private static byte[] StartComMessage() => ReaderVectors.Bytes("mimekit", "thunderbird-signed.txt");

    [Fact]
    public async Task A_message_signed_below_the_intermediate_is_valid_when_only_the_intermediate_is_trusted()
    {
        using var output = new MemoryStream();
        await new SmimeComposer(new FixedTime(At)).WriteMimeAsync(SmimeFixture.Message(), new SmimeOptions { Signer = SmimeFixture.Signer() }, output);
        var options = new SmimeInspectorOptions { ValidationTime = At };
        options.TrustAnchors.Add(Pem("intermediate"));

        InspectionResult result = SmimeInspector.Inspect(output.ToArray(), options);

        SignatureVerdict verdict = Assert.Single(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures);
        Assert.True(verdict.Chain!.IsTrusted, string.Join("; ", verdict.Chain.Problems));
        Assert.True(result.IsValid);
    }

    public static TheoryData<string, string, string> Cases => new()
    {
        // certificate, anchor, when ("now" = a day inside the test PKI, else the StartCom day)
        { "signer-rsa2048", "intermediate", "now" },
        { "signer-rsa2048", "root-ca", "now" },
        { "bad-expired", "intermediate", "now" },
        { "bad-no-email-eku", "intermediate", "now" },
        { "signer-rsa2048", "nss-test-ca", "now" },
        { "startcom-signer", "startcom-intermediate", "startcom" },
        { "startcom-signer", "startcom-root", "startcom" },
        { "startcom-signer", "intermediate", "startcom" },

        // RFC 9216: the LAMPS RSA CA as its own self-signed root, and the same name and key
        // cross-certified by the LAMPS Ed25519 CA (not self-signed; the Ed25519 CA is not given).
        { "lamps-alice", "lamps-rsa-selfsigned", "now" },
        { "lamps-alice", "lamps-rsa-crosssigned", "now" },
        { "signer-rsa2048", "lamps-rsa-crosssigned", "now" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chains_are_trusted_exactly_when_openssl_verify_partial_chain_trusts_them(string certificateName, string anchorName, string when)
    {
        (X509Certificate2 certificate, X509Certificate2[] untrusted) = Certificate(certificateName);
        X509Certificate2 anchor = Anchor(anchorName);
        DateTimeOffset at = when == "now" ? At : StartComDay;

        var options = new ChainValidationOptions { ValidationTime = at };
        options.TrustAnchors.Add(anchor);
        ChainValidationResult ours = ChainValidator.Validate(certificate, untrusted, options, CertificatePurpose.Signing);

        bool openssl = OpenSslVerifies(certificate, anchor, untrusted, at);
        Assert.True(openssl == ours.IsTrusted, $"openssl: {openssl}; SmimeGraph: {ours.IsTrusted} ({string.Join("; ", ours.Problems)})");
    }

    [Fact]
    public void The_startcom_signer_chains_to_its_real_intermediate_and_stops_there()
    {
        (X509Certificate2 certificate, X509Certificate2[] untrusted) = Certificate("startcom-signer");
        var options = new ChainValidationOptions { ValidationTime = StartComDay };
        options.TrustAnchors.Add(Anchor("startcom-intermediate"));
        ChainValidationResult result = ChainValidator.Validate(certificate, untrusted, options, CertificatePurpose.Signing);

        Assert.True(result.IsTrusted, string.Join("; ", result.Problems));
        Assert.Equal(["fejj@gnome.org", "StartCom Class 1 Primary Intermediate Client CA"], result.Chain.Select(c => c.GetNameInfo(X509NameType.SimpleName, false)));

        // A year after the signer certificate expired, the same anchor does not help.
        options.ValidationTime = StartComDay.AddYears(2);
        Assert.False(ChainValidator.Validate(certificate, untrusted, options, CertificatePurpose.Signing).IsTrusted);
    }

    [Fact]
    public void A_cross_certified_ca_anchors_by_its_name_and_key()
    {
        // The configured anchor is the LAMPS RSA CA's cross-certificate (issued by the Ed25519
        // CA, which is nowhere here): Alice's certificate chains to its name and key.
        (X509Certificate2 alice, _) = Certificate("lamps-alice");
        var options = new ChainValidationOptions { ValidationTime = At };
        options.TrustAnchors.Add(Anchor("lamps-rsa-crosssigned"));
        ChainValidationResult result = ChainValidator.Validate(alice, [], options, CertificatePurpose.Signing);

        Assert.True(result.IsTrusted, string.Join("; ", result.Problems));
        Assert.Equal(["Alice Lovelace", "Sample LAMPS RSA Certification Authority"], result.Chain.Select(c => c.GetNameInfo(X509NameType.SimpleName, false)));
        Assert.True(OpenSslVerifies(alice, Anchor("lamps-rsa-crosssigned"), [], At));
    }

    private static (X509Certificate2 Certificate, X509Certificate2[] Untrusted) Certificate(string name)
    {
        if (name == "startcom-signer")
        {
            InspectionResult result = SmimeInspector.Inspect(StartComMessage(), new SmimeInspectorOptions { ValidationTime = StartComDay });
            SignatureVerdict verdict = Assert.Single(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures);
            return (verdict.SignerCertificate!, [MimeKit("StartComClass1PrimaryIntermediateClientCA.crt")]);
        }

        if (name == "lamps-alice")
        {
            return (Lamps("alice@smime.example.sig.pem"), []);
        }

        return (Pem(name), [.. SmimeFixture.Chain()]);
    }

    private static X509Certificate2 Anchor(string name) => name switch
    {
        "nss-test-ca" => ReaderVectors.TestCa(),
        "startcom-intermediate" => MimeKit("StartComClass1PrimaryIntermediateClientCA.crt"),
        "startcom-root" => MimeKit("StartComCertificationAuthority.crt"),
        "lamps-rsa-selfsigned" => Lamps("Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem"),
        "lamps-rsa-crosssigned" => Lamps("Sample_LAMPS_RSA_Certification_Authority.crosssigned.pem"),
        _ => Pem(name),
    };

    private static bool OpenSslVerifies(X509Certificate2 certificate, X509Certificate2 anchor, X509Certificate2[] untrusted, DateTimeOffset at)
    {
        string dir = TestPaths.NewTempDirectory();
        try
        {
            string certificatePath = Path.Combine(dir, "certificate.pem");
            string anchorPath = Path.Combine(dir, "anchor.pem");
            string untrustedPath = Path.Combine(dir, "untrusted.pem");
            File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
            File.WriteAllText(anchorPath, anchor.ExportCertificatePem());
            File.WriteAllText(untrustedPath, string.Join("\n", untrusted.Select(c => c.ExportCertificatePem())));
            // OpenSSL refuses an -untrusted file without a certificate.
            string[] untrustedOption = untrusted.Length == 0 ? [] : ["-untrusted", untrustedPath];
            PeerResult result = Peer.OpenSsl(
                ["verify", "-partial_chain", "-trusted", anchorPath, .. untrustedOption,
                 "-attime", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "-purpose", "smimesign", certificatePath]);
            return result.ExitCode == 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
