using SmimeGraph.Mime;
using SmimeGraph.Smime;
using static SmimeGraph.Tests.Smime.CertificateResolverTestPki;

namespace SmimeGraph.Tests.Smime;

/// <summary>Encrypting for nobody is an error of the library's own family, with a message that says so.</summary>
public sealed class NoRecipientTests
{
    [Fact]
    public async Task A_spec_without_recipients_is_a_mime_format_error_when_certificates_are_looked_up()
    {
        var spec = new MessageSpec { From = new MailboxAddress("alice@example.com"), Subject = "s", TextBody = "t" };
        var resolver = new DirectoryCertificateResolver(TestPaths.CertsTest, _ => SmimeFixture.Password);

        var error = await Assert.ThrowsAsync<MimeFormatException>(() => SmimeCertificates.ForRecipientsAsync(resolver, spec, Now));

        Assert.Contains("no To, Cc or Bcc recipient", error.Message, StringComparison.Ordinal);
    }
}
