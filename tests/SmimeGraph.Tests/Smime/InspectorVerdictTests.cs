using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Mime;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// The verdict under attack: VALID only when a valid, trusted signature made by the From address
/// covers the whole displayed content inside every encryption layer.
/// </summary>
public class InspectorVerdictTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static X509Certificate2 Bob() => SmimeFixture.LoadPfx("recipient-rsa2048");

    private static SmimeInspectorOptions Options()
    {
        var options = new SmimeInspectorOptions { ValidationTime = At };
        options.DecryptionCertificates.Add(Bob());
        options.TrustAnchors.Add(SmimeFixture.LoadPem("root-ca"));
        return options;
    }

    private static async Task<byte[]> ComposeAsync(MessageSpec spec, SmimeOptions options)
    {
        using var output = new MemoryStream();
        await new SmimeComposer(new FixedTime(At)).WriteMimeAsync(spec, options, output);
        return output.ToArray();
    }

    private static MessageSpec Invoice(int padding = 0) => SmimeFixture.Message(
        attachmentLength: -1,
        text: "Please pay the attached invoice by Friday." + new string('.', padding) + "\r\n" +
              "The reference is 2026-1142; the account is the usual one.\r\n" +
              "Thank you for your business, and have a good week.\r\n" +
              "Amount: EUR 100\r\n");

    [Fact]
    public async Task Encrypted_only_message_is_not_valid()
    {
        byte[] message = await ComposeAsync(Invoice(), new SmimeOptions { Encryption = SmimeFixture.Encryption() });
        InspectionResult result = SmimeInspector.Inspect(message, Options());
        Assert.True(Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers)).IsDecrypted);
        Assert.False(result.IsValid);

        InspectionProblem problem = Assert.Single(result.Problems);
        Assert.Equal(InspectionProblemCodes.EncryptedNotSigned, problem.Code);
        Assert.StartsWith("encrypted, not signed", problem.Message, StringComparison.Ordinal);
        Assert.False(result.Authenticity.IsAuthentic);
        Assert.Equal("encrypted, not signed", result.Authenticity.Summary);
        Assert.True(result.Confidentiality.IsEncrypted);
        Assert.True(result.Confidentiality.IsDecrypted);
        Assert.False(result.Confidentiality.IsIntegrityProtected);
        Assert.Equal(["AES-256-CBC"], result.Confidentiality.ContentEncryptionAlgorithms);
    }

    [Fact]
    public async Task Aes_gcm_encryption_is_integrity_protected_but_still_not_authentic()
    {
        byte[] message = await ComposeAsync(Invoice(), new SmimeOptions { Encryption = SmimeFixture.Encryption(algorithm: ContentEncryptionAlgorithm.Aes256Gcm) });
        InspectionResult result = SmimeInspector.Inspect(message, Options());
        Assert.True(result.Confidentiality.IsIntegrityProtected);
        Assert.Equal(InspectionProblemCodes.EncryptedNotSigned, Assert.Single(result.Problems).Code);
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Signed_then_encrypted_by_the_from_address_is_valid_with_both_findings()
    {
        byte[] message = await ComposeAsync(SmimeFixture.Message(), new SmimeOptions { Signer = SmimeFixture.Signer(), Encryption = SmimeFixture.Encryption() });
        InspectionResult result = SmimeInspector.Inspect(message, Options());
        Assert.Empty(result.Problems);
        Assert.True(result.IsValid);
        Assert.True(result.Authenticity.IsAuthentic);
        Assert.Equal("signed by alice@example.com", result.Authenticity.Summary);
        Assert.Equal(["alice@example.com"], result.Authenticity.FromAddresses);
        Assert.True(result.Confidentiality.IsDecrypted);
        Assert.Equal("encrypted (AES-256-CBC; not integrity protected)", result.Confidentiality.Summary);
    }

    [Fact]
    public async Task A_missing_trust_anchor_is_a_top_level_problem()
    {
        byte[] message = await ComposeAsync(SmimeFixture.Message(), new SmimeOptions { Signer = SmimeFixture.Signer() });
        var options = new SmimeInspectorOptions { ValidationTime = At };
        options.TrustAnchors.Add(ReaderVectors.TestCa()); // another CA: nothing here chains to it
        InspectionResult result = SmimeInspector.Inspect(message, options);

        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.Empty(layer.Problems);
        Assert.True(layer.Signatures[0].IsSignatureValid);
        InspectionProblem problem = Assert.Single(result.Problems, p => p.Code == InspectionProblemCodes.NoTrustAnchor);
        Assert.Equal("signature layer 1", problem.Location);
        Assert.Contains("CN=Alice", problem.Message, StringComparison.Ordinal);
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Altered_cbc_ciphertext_turns_eur_100_into_eur_999_and_is_not_valid()
    {
        // Padding puts "EUR 100" inside one 16-byte block, so the block the edit garbles is the text before it.
        byte[] message = [], der = [];
        int position = -1;
        for (int padding = 0; padding < 16 && (position < 0 || (position - 4) % 16 > 9); padding++)
        {
            message = await ComposeAsync(Invoice(padding), new SmimeOptions { Encryption = SmimeFixture.Encryption() });
            der = CbcTampering.EnvelopedDer(message);
            position = Encoding.ASCII.GetString(CbcTampering.Decrypt(der, Bob())).IndexOf("EUR 100", StringComparison.Ordinal) + 4;
        }

        byte[] tampered = CbcTampering.WithEnvelopedDer(message, CbcTampering.Rewrite(der, position, "100", "999"));

        InspectionResult result = SmimeInspector.Inspect(tampered, Options());

        // The attack worked: the recipient's key opens it and the amount now reads 999.
        Assert.True(Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers)).IsDecrypted);
        Assert.Contains("EUR 999", result.Content.DecodeText(), StringComparison.Ordinal);
        Assert.False(result.IsValid);
        Assert.Equal(InspectionProblemCodes.EncryptedNotSigned, Assert.Single(result.Problems).Code);
    }

    [Fact]
    public async Task Flipped_iv_bit_that_hides_the_signature_layer_is_not_valid()
    {
        byte[] message = await ComposeAsync(SmimeFixture.Message(), new SmimeOptions { Signer = SmimeFixture.Signer(), Encryption = SmimeFixture.Encryption() });
        Assert.True(SmimeInspector.Inspect(message, Options()).IsValid);
        byte[] der = CbcTampering.EnvelopedDer(message);
        int contentType = Encoding.ASCII.GetString(CbcTampering.Decrypt(der, Bob())).IndexOf("Content-Type:", StringComparison.Ordinal);
        Assert.InRange(contentType, 0, 15); // in the first block: the IV alone reaches it

        // 'C' (0x43) xor 0x01 = 'B': "Bontent-Type" is no Content-Type, so the entity reads as
        // text/plain and the multipart/signed inside it disappears.
        byte[] tampered = CbcTampering.WithEnvelopedDer(message, CbcTampering.Rewrite(der, contentType, "C", "B"));
        InspectionResult result = SmimeInspector.Inspect(tampered, Options());

        Assert.True(Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers)).IsDecrypted);
        Assert.Equal("text/plain", result.Content.MediaType);
        Assert.False(result.IsValid);
        Assert.Equal(
            [InspectionProblemCodes.DecryptedContentMalformed, InspectionProblemCodes.EncryptedNotSigned],
            result.Problems.Select(p => p.Code));
        Assert.Contains("no Content-Type field", result.Problems[0].Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> SpoofedSenders => new()
    {
        { "empty From", "From: \r\n", InspectionProblemCodes.FromEmpty },
        { "no From", string.Empty, InspectionProblemCodes.FromMissing },
        { "a display name only", "From: Alice\r\n", InspectionProblemCodes.FromMalformed },
        { "several From mailboxes, not all the signer", "From: Alice@example.com, Mallory <mallory@example.com>\r\n", InspectionProblemCodes.FromNotSigner },
        { "two From fields", "From: Alice@example.com\r\nFrom: mallory@example.com\r\n", InspectionProblemCodes.FromRepeated },
        { "a display name that is another address", "From: \"mallory@example.com\" <Alice@example.com>\r\n", InspectionProblemCodes.FromDisplayNameIsAnotherAddress },
        { "a fullwidth at sign in the display name", "From: \"mallory\uFF20example.com\" <Alice@example.com>\r\n", InspectionProblemCodes.FromDisplayNameIsAnotherAddress },
        { "an encoded display name that is another address", "From: =?utf-8?Q?mallory=40example=2Ecom?= <Alice@example.com>\r\n", InspectionProblemCodes.FromDisplayNameIsAnotherAddress },
        { "an address in front of the real one", "From: mallory@example.com <Alice@example.com>\r\n", InspectionProblemCodes.FromMalformed },
        { "a group", "From: Staff: Alice@example.com;\r\n", InspectionProblemCodes.FromMalformed },
        { "the signer only as Sender", "From: Mallory <mallory@example.com>\r\nSender: Alice@example.com\r\n", InspectionProblemCodes.SignerIsOnlySender },
    };

    [Theory]
    [MemberData(nameof(SpoofedSenders))]
    public void A_signature_by_alice_does_not_vouch_for_a_spoofed_from(string attack, string fromFields, string code)
    {
        // Alice's real multipart/signed message; the header section is outside the signature.
        string original = Encoding.Latin1.GetString(File.ReadAllBytes(ReaderVectors.Path("thunderbird-nss", "smime", "alice.dsig.SHA256.multipart.eml")));
        string message = original.Replace("From: Alice@example.com\r\n", fromFields, StringComparison.Ordinal);
        Assert.NotEqual(original, message);

        InspectionResult result = SmimeInspector.Inspect(Encoding.Latin1.GetBytes(message), InspectorThunderbirdTests.NssOptions());

        Assert.True(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures[0].IsValidAndTrusted, attack);
        Assert.False(result.IsValid, attack);
        Assert.False(result.Authenticity.IsAuthentic, attack);
        Assert.Contains(result.Problems, p => p.Code == code);
    }

    [Fact]
    public void Every_from_mailbox_signing_is_valid_and_the_display_name_may_repeat_the_address()
    {
        string original = Encoding.Latin1.GetString(File.ReadAllBytes(ReaderVectors.Path("thunderbird-nss", "smime", "alice.dsig.SHA256.multipart.eml")));
        string message = original.Replace("From: Alice@example.com\r\n", "From: \"alice@EXAMPLE.com\" <Alice@example.com>\r\nSender: bob@example.com\r\n", StringComparison.Ordinal);
        InspectionResult result = SmimeInspector.Inspect(Encoding.Latin1.GetBytes(message), InspectorThunderbirdTests.NssOptions());
        Assert.Empty(result.Problems);
        Assert.True(result.SenderIsVouchedFor);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
