using System.Text.RegularExpressions;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// The Thunderbird/NSS messages against Thunderbird's own expectation table
/// (EXPECTED-test_smime_decrypt.txt: enc / sig / sig_good), with SmimeGraph's documented
/// policy differences spelled out below.
/// </summary>
public class InspectorThunderbirdTests
{
    private const string Folder = "thunderbird-nss";

    // Where SmimeGraph's verdict differs from Thunderbird's, and why.
    private static readonly Dictionary<string, (bool Enc, bool Sig, bool SigGood)> Differences = BuildDifferences();

    public static TheoryData<string, bool, bool?, bool?, string?> Expectations()
    {
        var data = new TheoryData<string, bool, bool?, bool?, string?>();
        foreach (string line in File.ReadAllLines(ReaderVectors.Path(Folder, "EXPECTED-test_smime_decrypt.txt")))
        {
            string file = Regex.Match(line, "filename: \"([^\"]+)\"").Groups[1].Value;
            if (file.StartsWith("../smime-manual/", StringComparison.Ordinal))
            {
                continue; // hand-made messages not shipped with the vectors
            }

            bool enc = Regex.Match(line, "enc: (true|false)").Groups[1].Value == "true";
            Match sig = Regex.Match(line, "sig: (true|false)");
            Match good = Regex.Match(line, "sig_good: (true|false)");
            Match text = Regex.Match(line, "check_text: (\\w+)");
            data.Add(file, enc, sig.Success ? sig.Groups[1].Value == "true" : null, good.Success ? good.Groups[1].Value == "true" : null, text.Success ? text.Groups[1].Value : null);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Verdicts_match_thunderbird_except_where_documented(string file, bool enc, bool? sig, bool? sigGood, string? checkText)
    {
        string path = file.StartsWith("../", StringComparison.Ordinal) ? ReaderVectors.Path(Folder, file[3..]) : ReaderVectors.Path(Folder, "smime", file);
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(path), NssOptions());

        if (Differences.TryGetValue(file, out (bool Enc, bool Sig, bool SigGood) ours))
        {
            Assert.NotEqual((enc, sig, sigGood), (ours.Enc, (bool?)ours.Sig, (bool?)ours.SigGood)); // the difference is real
            (enc, sig, sigGood) = (ours.Enc, ours.Sig, ours.SigGood);
        }

        Assert.Equal(enc, result.IsEncrypted);
        if (sig is not null)
        {
            Assert.Equal(sig, result.IsSigned);
        }

        if (sigGood is not null)
        {
            Assert.Equal(sigGood, SignatureIsGood(result));
        }

        if (checkText is not null)
        {
            string expected = checkText == "gTextFran" ? "This is a test message to Fran." : "This is a test message from Alice to Bob.";
            Assert.Contains(expected, result.Content.DecodeText());
        }
    }

    [Fact]
    public void Every_documented_difference_names_a_shipped_message()
    {
        foreach (string file in Differences.Keys)
        {
            Assert.True(File.Exists(ReaderVectors.Path(Folder, "smime", file)), file);
        }
    }

    [Fact]
    public void Triple_wrapped_message_reports_every_layer_in_order()
    {
        // Dave signs (opaque) over Alice's signature over an encrypted message: signed / signed / enveloped.
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(ReaderVectors.Path(Folder, "smime", "alice.env.sig.SHA256.opaque.dave.sig.SHA256.opaque.eml")), NssOptions());
        Assert.Collection(
            result.Layers,
            l => Assert.Equal("Dave", Assert.Single(Assert.IsType<SignatureLayer>(l).Signatures).SignerCertificate!.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)),
            l => Assert.Equal("Alice", Assert.Single(Assert.IsType<SignatureLayer>(l).Signatures).SignerCertificate!.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)),
            l => Assert.True(Assert.IsType<EncryptionLayer>(l).IsDecrypted));
        Assert.Equal([0, 1, 2], result.Layers.Select(l => l.Depth));
        SignatureLayer alice = (SignatureLayer)result.Layers[1];
        Assert.False(alice.Signatures[0].SignerMatchesSender); // From is Dave
        Assert.True(result.Layers.All(l => l.Succeeded));
        Assert.Equal("text/plain", result.Content.MediaType);

        // Both signatures lie outside the encryption: they cover ciphertext, and neither signer
        // need have seen the text (encrypt-then-sign). Nothing vouches for what is displayed.
        Assert.Equal(InspectionProblemCodes.SignedOutsideEncryption, Assert.Single(result.Problems).Code);
        Assert.Empty(result.Authenticity.Signatures);
        Assert.Null(result.SenderIsVouchedFor);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Future_message_date_far_from_signing_time_is_reported()
    {
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(ReaderVectors.Path(Folder, "smime", "alice.future.dsig.SHA256.multipart.eml")), NssOptions());
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.True(layer.Signatures[0].IsValidAndTrusted);
        Assert.Contains(layer.Problems, p => p.Code == InspectionProblemCodes.DateFarFromSigningTime && p.Message.Contains("away from the signingTime", StringComparison.Ordinal));
        Assert.False(result.IsValid);
    }

    [Fact]
    public void Encrypt_then_sign_with_an_extra_line_fails_like_openssl()
    {
        // The signed part gained a blank line after signing; OpenSSL's smime -verify fails too.
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(ReaderVectors.Path(Folder, "smime", "alice.env.dsig.SHA256.multipart.eml")), NssOptions());
        SignatureLayer signature = Assert.IsType<SignatureLayer>(result.Layers[0]);
        Assert.Contains("message digest does not match", signature.Signatures[0].Failure);
        Assert.Equal("1", signature.CoveredPath);
        EncryptionLayer encryption = Assert.IsType<EncryptionLayer>(result.Layers[1]);
        Assert.Equal("1", encryption.Path);
        Assert.True(encryption.IsDecrypted);
        Assert.False(encryption.IsAuthenticated);
    }

    internal static SmimeInspectorOptions NssOptions()
    {
        var options = new SmimeInspectorOptions { ValidationTime = ReaderVectors.PinnedTime };
        options.DecryptionCertificates.Add(ReaderVectors.NssKey(Folder, "smime/Bob.p12"));
        options.DecryptionCertificates.Add(ReaderVectors.NssKey(Folder, "smime-interop/Fran.p12"));
        options.TrustAnchors.Add(ReaderVectors.TestCa());
        return options;
    }

    private static bool SignatureIsGood(InspectionResult result)
    {
        List<SignatureLayer> whole = result.Layers.OfType<SignatureLayer>().Where(l => !l.IsPartial).ToList();
        return whole.Count > 0 && whole.All(l => l.Succeeded) && result.SenderIsVouchedFor != false;
    }

    private static Dictionary<string, (bool, bool, bool)> BuildDifferences()
    {
        var d = new Dictionary<string, (bool, bool, bool)>(StringComparer.Ordinal);

        // 1. Encrypt-then-sign: Thunderbird does not report a signature outside the encryption
        //    (sig: false). SmimeGraph verifies every layer: the SHA-256/384/512 opaque ones are
        //    good; SHA-1 is weak; the multipart ones fail their digest (as with OpenSSL).
        d["alice.env.sig.SHA1.opaque.eml"] = (true, true, false);
        d["alice.env.dsig.SHA1.multipart.eml"] = (true, true, false);
        foreach (string h in new[] { "SHA256", "SHA384", "SHA512" })
        {
            d[$"alice.env.sig.{h}.opaque.eml"] = (true, true, true);
            d[$"alice.env.dsig.{h}.multipart.eml"] = (true, true, false);
        }

        // 2. Encrypted layers under Dave's signature: Thunderbird leaves them closed (enc: false);
        //    SmimeGraph decrypts every layer it has a key for (enc: true). Where Alice's inner
        //    multipart/signed is involved Thunderbird also marks the nesting bad; SmimeGraph
        //    verifies both signatures over their exact bytes and finds them good.
        d["alice.env.sig.SHA1.opaque.dave.sig.SHA1.opaque.eml"] = (true, true, false);
        d["alice.env.dsig.SHA1.multipart.dave.sig.SHA1.opaque.eml"] = (true, true, false);
        foreach (string h in new[] { "SHA256", "SHA384", "SHA512" })
        {
            d[$"alice.env.sig.{h}.opaque.dave.sig.{h}.opaque.eml"] = (true, true, true);
            d[$"alice.env.dsig.{h}.multipart.dave.sig.{h}.opaque.eml"] = (true, true, true);

            // 3. Plain nestings that include a multipart/signed: Thunderbird marks them bad
            //    ("extra" MIME levels); both signatures verify and Dave, the From, signed.
            d[$"alice.plain.dsig.{h}.multipart.dave.sig.{h}.opaque.eml"] = (false, true, true);
            d[$"alice.plain.sig.{h}.opaque.dave.dsig.{h}.multipart.eml"] = (false, true, true);
            d[$"alice.plain.dsig.{h}.multipart.dave.dsig.{h}.multipart.eml"] = (false, true, true);
        }

        return d;
    }
}
