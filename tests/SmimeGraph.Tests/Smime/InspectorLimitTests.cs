using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Support;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Hostile messages under 4 MB that multiply the reader's work (huge RSA exponent, duplicated
/// signed attributes, thousands of RecipientInfos, SignerInfos or enveloped parts): each ends
/// with a problem that names the limit it hit. The time bound is only a hang guard, far above
/// what the limited reader takes.
/// </summary>
public class InspectorLimitTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    [Fact]
    public void Rsa_public_exponent_of_16384_bits_is_refused_before_any_arithmetic()
    {
        InspectionResult result = Inspect(HostileMessages.LargeExponentSignature(signerInfos: 3, exponentBits: 16_384));
        Assert.False(result.IsValid);
        SignatureLayer layer = Assert.IsType<SignatureLayer>(Assert.Single(result.Layers));
        Assert.Equal(3, layer.Signatures.Count);
        Assert.All(layer.Signatures, s => Assert.Contains("public exponent has 16384 bits", s.Failure));
    }

    [Fact]
    public void Duplicated_signed_attributes_are_refused_unread()
    {
        InspectionResult result = Inspect(HostileMessages.DuplicatedSignedAttributes(4_300_000));
        Assert.False(result.IsValid);
        Assert.Contains(Problems(result), p => p.Contains("more than 64 signed attributes", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Thousands_of_signer_infos_are_refused()
    {
        InspectionResult result = Inspect(HostileMessages.ManySignerInfos(3600));
        Assert.False(result.IsValid);
        Assert.Contains(Problems(result), p => p.Contains("more than 32 SignerInfos", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Thousands_of_recipient_infos_are_refused()
    {
        InspectionResult result = Inspect(HostileMessages.ManyRecipientInfos(5000), HostileMessages.Pki.Recipient);
        Assert.False(result.IsValid);
        Assert.Contains(Problems(result), p => p.Contains("more than 1024 RecipientInfos", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Recipient_infos_each_opening_a_wrong_key_stop_at_the_private_key_operation_limit()
    {
        // 99 RecipientInfos addressed to the reader's key carry wrong content-encryption keys, the
        // 100th the right one: within the limit of 1024 RecipientInfos, over the 16 key operations.
        InspectionResult result = Inspect(HostileMessages.ManyRecipientInfos(100), HostileMessages.Pki.Recipient);
        AssertOneLayerStoppedAtTheKeyOperationLimit(result);
    }

    [Fact]
    public void Thousands_of_enveloped_parts_stop_at_the_key_operation_and_part_limits()
    {
        InspectionResult result = Inspect(HostileMessages.ManyEnvelopedParts(9000), [.. HostileMessages.Pki.FourKeys]);
        AssertStoppedAtTheKeyOperationAndPartLimits(result);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(100)]
    [InlineData(1024)]
    public void Streamed_recipient_infos_each_opening_a_wrong_key_stop_at_the_private_key_operation_limit(int count)
    {
        // Several RecipientInfos addressed to the reader make the streaming inspector read the
        // layer whole and try each key on the content: the same 16 key operations bound it.
        InspectionResult result = InspectStreamed(HostileMessages.ManyRecipientInfos(count, 4096), HostileMessages.Pki.Recipient);
        Assert.True(result.IsStreamed);
        AssertOneLayerStoppedAtTheKeyOperationLimit(result);
    }

    [Fact]
    public void Streamed_enveloped_parts_share_one_key_operation_limit()
    {
        // Every part is opened only by trying the reader's four certificates on a RecipientInfo
        // not addressed to them: the key operations of all parts count against one limit.
        InspectionResult result = InspectStreamed(HostileMessages.ManyEnvelopedParts(200), [.. HostileMessages.Pki.FourKeys]);
        AssertStoppedAtTheKeyOperationAndPartLimits(result);
    }

    private static void AssertOneLayerStoppedAtTheKeyOperationLimit(InspectionResult result)
    {
        Assert.False(result.IsValid);
        EncryptionLayer layer = Assert.IsType<EncryptionLayer>(Assert.Single(result.Layers));
        Assert.False(layer.IsDecrypted);
        Assert.Contains(layer.Problems, p => p.Code == InspectionProblemCodes.LimitExceeded && p.Message.Contains("more than 16 private-key operations", StringComparison.OrdinalIgnoreCase));
    }

    private static void AssertStoppedAtTheKeyOperationAndPartLimits(InspectionResult result)
    {
        Assert.False(result.IsValid);
        IReadOnlyList<string> problems = Problems(result);
        Assert.Contains(problems, p => p.Contains("more than 16 private-key operations", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(problems, p => p.Contains("more than 32 pkcs7 parts", StringComparison.OrdinalIgnoreCase));

        // Every part past the limit is left unread, and reported once, not once per part.
        Assert.True(result.Layers.Count <= 33, $"{result.Layers.Count} layers");
    }

    private static InspectionResult InspectStreamed(byte[] message, params X509Certificate2[] keys)
    {
        var options = new SmimeInspectorOptions { ValidationTime = HostilePki.ValidationTime };
        options.TrustAnchors.Add(HostileMessages.Pki.Root);
        foreach (X509Certificate2 key in keys)
        {
            options.DecryptionCertificates.Add(key);
        }

        var inspection = Task.Run(() => SmimeInspector.InspectStreaming(new MemoryStream(message), Stream.Null, options));
        Assert.True(inspection.Wait(HangGuard), $"the inspector did not finish within the {HangGuard.TotalSeconds} s hang guard");
        return inspection.Result;
    }

    private static InspectionResult Inspect(byte[] message, params X509Certificate2[] keys)
    {
        var options = new SmimeInspectorOptions { ValidationTime = HostilePki.ValidationTime };
        options.TrustAnchors.Add(HostileMessages.Pki.Root);
        foreach (X509Certificate2 key in keys)
        {
            options.DecryptionCertificates.Add(key);
        }

        var inspection = Task.Run(() => SmimeInspector.Inspect(message, options));
        Assert.True(inspection.Wait(HangGuard), $"the inspector did not finish within the {HangGuard.TotalSeconds} s hang guard");
        return inspection.Result;
    }

    private static List<string> Problems(InspectionResult result) =>
        [.. result.Layers.SelectMany(l => l.Problems.Select(p => p.Message).Concat(l is SignatureLayer s ? s.Signatures.Select(v => v.Failure ?? string.Empty) : []))];
}
