using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// Reading RFC 9788 header protection with the LAMPS sample messages (RFC 9788 Appendix C.2.2
/// and C.2.4, signed by alice@smime.example under the Sample LAMPS RSA CA of RFC 9216): the
/// verdict uses the protected From, To and Subject, and an outer header that differs from them
/// is named.
/// </summary>
public class HeaderProtectionReadingTests
{
    internal static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Samples => ["smime-multipart-hp.eml", "smime-multipart-complex-hp.eml"];

    internal static SmimeInspectorOptions LampsOptions()
    {
        var options = new SmimeInspectorOptions { ValidationTime = At };
        options.TrustAnchors.Add(X509CertificateLoader.LoadCertificateFromFile(ReaderVectors.Path("rfc9216", "Sample_LAMPS_RSA_Certification_Authority.selfsigned.pem")));
        return options;
    }

    internal static string Sample(string file) => Encoding.ASCII.GetString(ReaderVectors.Bytes("rfc9788", file));

    /// <summary>Replaces one field of the outer header section (before the first empty line), which no signature covers.</summary>
    internal static byte[] WithOuter(string message, string field, string value)
    {
        int end = message.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string outer = message[..end];
        int start = outer.IndexOf("\r\n" + field + ":", StringComparison.Ordinal) + 2;
        Assert.True(start > 1, field);
        int lineEnd = outer.IndexOf("\r\n", start, StringComparison.Ordinal);
        string changed = outer[..start] + field + ": " + value + (lineEnd < 0 ? string.Empty : outer[lineEnd..]);
        return Encoding.ASCII.GetBytes(changed + message[end..]);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_lamps_samples_are_valid(string file)
    {
        InspectionResult result = SmimeInspector.Inspect(Encoding.ASCII.GetBytes(Sample(file)), LampsOptions());
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        HeaderProtectionFinding protection = Assert.IsType<HeaderProtectionFinding>(result.HeaderProtection);
        Assert.Equal("clear", protection.Mode);
        Assert.Equal(file.Replace(".eml", string.Empty, StringComparison.Ordinal), protection.GetProtectedHeader("Subject"));
        Assert.Equal("Alice <alice@smime.example>", protection.GetProtectedHeader("From"));
        Assert.Equal(["MIME-Version", "Content-Type", "Content-Transfer-Encoding"], new[] { "MIME-Version", "Content-Type", "Content-Transfer-Encoding" }.Where(n => protection.GetProtectedHeader(n) is null));
        Assert.Empty(protection.Differences);
        Assert.Equal(["alice@smime.example"], result.Authenticity.FromAddresses);
    }

    [Fact]
    public void A_message_without_the_hp_parameter_has_no_header_protection()
    {
        InspectionResult result = SmimeInspector.Inspect(File.ReadAllBytes(ReaderVectors.Path("thunderbird-nss", "smime", "alice.dsig.SHA256.multipart.eml")), InspectorThunderbirdTests.NssOptions());
        Assert.True(result.IsValid);
        Assert.Null(result.HeaderProtection);
    }

    [Fact]
    public void A_changed_outer_date_is_reported_but_does_not_invalidate()
    {
        InspectionResult result = SmimeInspector.Inspect(WithOuter(Sample("smime-multipart-hp.eml"), "Date", "Sat, 20 Feb 2021 10:09:02 -0500"), LampsOptions());
        HeaderFieldDifference difference = Assert.Single(result.HeaderProtection!.Differences);
        Assert.Equal("Date", difference.Name);
        Assert.Equal("Sat, 20 Feb 2021 10:09:02 -0500", difference.OuterValue);
        Assert.Equal("Sat, 20 Feb 2021 10:07:02 -0500", difference.ProtectedValue);
        Assert.False(difference.MakesMessageInvalid);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }

    [Fact]
    public void The_verdict_uses_the_protected_from_even_when_the_outer_from_names_someone_else()
    {
        InspectionResult result = SmimeInspector.Inspect(WithOuter(Sample("smime-multipart-hp.eml"), "From", "Mallory <mallory@smime.example>"), LampsOptions());
        Assert.Equal(["alice@smime.example"], result.Authenticity.FromAddresses);
        Assert.True(result.SenderIsVouchedFor);
        Assert.Equal(InspectionProblemCodes.ProtectedHeaderMismatch, Assert.Single(result.Problems).Code);
        Assert.Contains("Mallory", result.Problems[0].Message, StringComparison.Ordinal);
        Assert.False(result.IsValid);
    }

    public static TheoryData<string, string, string> OuterChanges => new()
    {
        { "smime-multipart-hp.eml", "Subject", "Urgent: wire EUR 10,000 today" },
        { "smime-multipart-complex-hp.eml", "Subject", "Your account is locked" },
        { "smime-multipart-hp.eml", "To", "Bob <bob@smime.example>, Eve <eve@smime.example>" },
        { "smime-multipart-hp.eml", "From", "Alice Lovelace, CEO <alice@smime.example>" },
    };

    [Theory]
    [MemberData(nameof(OuterChanges))]
    public void A_swapped_outer_header_is_not_valid(string file, string field, string value)
    {
        InspectionResult result = SmimeInspector.Inspect(WithOuter(Sample(file), field, value), LampsOptions());
        Assert.True(Assert.IsType<SignatureLayer>(Assert.Single(result.Layers)).Signatures[0].IsValidAndTrusted);
        Assert.False(result.IsValid);
        InspectionProblem problem = Assert.Single(result.Problems);
        Assert.Equal(InspectionProblemCodes.ProtectedHeaderMismatch, problem.Code);
        HeaderFieldDifference difference = Assert.Single(result.HeaderProtection!.Differences);
        Assert.Equal(field, difference.Name);
        Assert.True(difference.MakesMessageInvalid);
        Assert.Equal(value, difference.OuterValue);
    }
}
