using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;

namespace SmimeGraph.Tests.Smime;

public class ChainValidatorTests
{
    private static X509Certificate2 Alice() => ReaderVectors.NssKey("thunderbird-nss", "smime/Alice.p12");

    private static ChainValidationOptions Options(DateTimeOffset at, params X509Certificate2[] anchors)
    {
        var options = new ChainValidationOptions { ValidationTime = at };
        foreach (X509Certificate2 anchor in anchors)
        {
            options.TrustAnchors.Add(anchor);
        }

        return options;
    }

    [Fact]
    public void Nss_alice_chains_to_the_nss_test_ca_at_the_pinned_time()
    {
        ChainValidationResult result = ChainValidator.Validate(Alice(), [], Options(ReaderVectors.PinnedTime, ReaderVectors.TestCa()), CertificatePurpose.Signing);
        Assert.True(result.IsTrusted, string.Join("; ", result.Problems));
        Assert.Equal(2, result.Chain.Count);
        Assert.Equal(ReaderVectors.PinnedTime, result.ValidationTime);
    }

    [Fact]
    public void After_expiry_the_chain_is_not_trusted()
    {
        ChainValidationResult result = ChainValidator.Validate(Alice(), [], Options(new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero), ReaderVectors.TestCa()), CertificatePurpose.Signing);
        Assert.False(result.IsTrusted);
        Assert.Contains(result.Problems, p => p.Code == InspectionProblemCodes.CertificateExpired && p.Message.Contains("NotTimeValid", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public void Another_anchor_or_the_system_store_does_not_trust_the_nss_ca()
    {
        X509Certificate2 carl = X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "CarlRSASelf.cer"));
        Assert.False(ChainValidator.Validate(Alice(), [], Options(ReaderVectors.PinnedTime, carl), CertificatePurpose.Signing).IsTrusted);
        Assert.False(ChainValidator.Validate(Alice(), [], Options(ReaderVectors.PinnedTime), CertificatePurpose.Signing).IsTrusted);
    }

    [Fact]
    public void An_offline_crl_signed_by_the_issuer_revokes()
    {
        X509Certificate2 carl = X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "CarlRSASelf.cer"));
        X509Certificate2 bob = X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "BobRSASignByCarl.cer"));
        var at = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

        ChainValidationOptions revoking = Options(at, carl);
        revoking.CertificateRevocationLists.Add(ReaderVectors.Bytes("rfc4134", "CarlRSACRLForAll.crl"));
        ChainValidationResult revoked = ChainValidator.Validate(bob, [], revoking, CertificatePurpose.Signing);
        Assert.False(revoked.IsTrusted);
        Assert.Contains(revoked.Problems, p => p.Code == InspectionProblemCodes.CertificateRevoked && p.Message.StartsWith("Revoked: CN=BobRSA", StringComparison.Ordinal));

        ChainValidationOptions empty = Options(at, carl);
        empty.CertificateRevocationLists.Add(ReaderVectors.Bytes("rfc4134", "CarlRSACRLEmpty.crl"));
        Assert.DoesNotContain(ChainValidator.Validate(bob, [], empty, CertificatePurpose.Signing).Problems, p => p.Code == InspectionProblemCodes.CertificateRevoked);

        // A CRL from another issuer (the DSA Carl) is not taken as evidence.
        ChainValidationOptions foreign = Options(at, carl);
        foreign.CertificateRevocationLists.Add(ReaderVectors.Bytes("rfc4134", "CarlDSSCRLForAll.crl"));
        Assert.DoesNotContain(ChainValidator.Validate(bob, [], foreign, CertificatePurpose.Signing).Problems, p => p.Code == InspectionProblemCodes.CertificateRevoked);
    }

    [Fact]
    public void Rfc4134_one_kilobit_keys_fail_the_certificate_policy()
    {
        X509Certificate2 carl = X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "CarlRSASelf.cer"));
        X509Certificate2 alice = X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc4134", "AliceRSASignByCarl.cer"));
        ChainValidationResult result = ChainValidator.Validate(alice, [], Options(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), carl), CertificatePurpose.Signing);
        Assert.False(result.IsTrusted);
        Assert.Contains(result.Problems, p => p.Code == InspectionProblemCodes.CertificatePolicy && p.Message.Contains("under the minimum of 2048", StringComparison.Ordinal));
    }
}
