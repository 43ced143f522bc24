using System.Text;
using System.Text.Json;
using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

public class HeaderInjectionTests
{
    public static TheoryData<string> Breaks => new() { "\r\n", "\n", "\r", "\0", "\r\n\r\n", "\n " };

    [Theory]
    [MemberData(nameof(Breaks))]
    public void Subject_with_a_line_break_is_refused(string lineBreak)
    {
        var spec = Spec();
        spec.Subject = "x" + lineBreak + "Bcc: evil@example.com";
        var ex = Assert.Throws<HeaderInjectionException>(() => MimeMessageWriter.Create(spec));
        Assert.Equal("Subject", ex.Field);
    }

    [Theory]
    [MemberData(nameof(Breaks))]
    public void Custom_header_value_or_name_with_a_line_break_is_refused(string lineBreak)
    {
        var spec = Spec();
        spec.Headers.Add(new("X-Note", "x" + lineBreak + "Bcc: evil@example.com"));
        Assert.Equal("X-Note", Assert.Throws<HeaderInjectionException>(() => MimeMessageWriter.Create(spec)).Field);

        spec = Spec();
        spec.Headers.Add(new("X-Note" + lineBreak + "Bcc", "evil@example.com"));
        Assert.Equal("headerName", Assert.Throws<HeaderInjectionException>(() => MimeMessageWriter.Create(spec)).Field);
    }

    [Theory]
    [MemberData(nameof(Breaks))]
    public void Message_ids_with_a_line_break_are_refused(string lineBreak)
    {
        string bad = "a@b>" + lineBreak + "Bcc: <evil@example.com";
        Assert.Equal("Message-ID", Assert.Throws<HeaderInjectionException>(() => MimeMessageWriter.Create(With(s => s.MessageId = bad))).Field);
        Assert.Equal("In-Reply-To", Assert.Throws<HeaderInjectionException>(() => MimeMessageWriter.Create(With(s => s.InReplyTo = bad))).Field);
        Assert.Equal("References", Assert.Throws<HeaderInjectionException>(() => MimeMessageWriter.Create(With(s => s.References.Add(bad)))).Field);
    }

    [Theory]
    [MemberData(nameof(Breaks))]
    public void Addresses_display_names_and_file_names_with_a_line_break_are_refused(string lineBreak)
    {
        Assert.Equal("name", Assert.Throws<HeaderInjectionException>(() => new MailboxAddress("Evil" + lineBreak + "Bcc: evil@example.com", "a@example.com")).Field);
        Assert.Equal("address", Assert.Throws<HeaderInjectionException>(() => new MailboxAddress("a@example.com" + lineBreak + "Bcc: evil@example.com")).Field);
        Assert.Equal("fileName", Assert.Throws<HeaderInjectionException>(() => MimeAttachment.FromStream("a" + lineBreak + "Bcc: x.txt", new MemoryStream())).Field);
        Assert.Equal("contentType", Assert.Throws<HeaderInjectionException>(() => MimeAttachment.FromStream("a.txt", new MemoryStream(), "text/plain" + lineBreak + "Bcc: x")).Field);
    }

    [Theory]
    [InlineData("From")]
    [InlineData("bcc")]
    [InlineData("Content-Type")]
    [InlineData("MIME-Version")]
    public void Custom_header_cannot_replace_a_field_the_writer_writes(string name)
    {
        var spec = Spec();
        spec.Headers.Add(new(name, "x"));
        Assert.Throws<MimeFormatException>(() => MimeMessageWriter.Create(spec));
    }

    [Theory]
    [InlineData("application/pdf; name=evil.exe")]
    [InlineData("text/plain charset")]
    [InlineData("a/b/c")]
    public void Attachment_content_type_must_be_type_and_subtype(string contentType)
    {
        var spec = Spec();
        spec.Attachments.Add(MimeAttachment.FromStream("a.bin", new MemoryStream(), contentType));
        Assert.Throws<MimeFormatException>(() => MimeMessageWriter.Create(spec));
    }

    [Fact]
    public void From_is_required()
    {
        Assert.Throws<MimeFormatException>(() => MimeMessageWriter.Create(new MessageSpec { Subject = "x" }));
    }

    // Characters that some software treats as line breaks but that are not CR or LF: they are
    // encoded into the value and never start a header line.
    [Theory]
    [InlineData("x\u2028Bcc: evil@example.com")]
    [InlineData("x\u2029Bcc: evil@example.com")]
    [InlineData("x\u0085Bcc: evil@example.com")]
    [InlineData("x\u000BBcc: evil@example.com")]
    [InlineData("x\u000CBcc: evil@example.com")]
    [InlineData("x Bcc: evil@example.com")]
    [InlineData("=?utf-8?Q?x=0D=0ABcc:_evil@example.com?=")]
    public async Task Other_separators_are_encoded_and_add_no_header(string value)
    {
        var spec = Spec();
        spec.Subject = value;
        spec.Headers.Add(new("X-Note", value));
        spec.To.Add(new MailboxAddress(value, "c@example.com"));
        spec.Attachments.Add(MimeAttachment.FromStream(value + ".txt", new MemoryStream([1, 2, 3])));
        byte[] message = await MimeMessageWriterInteropTests.WriteAsync(spec);
        MimeAssert.Canonical(message);

        JsonElement parsed = PythonEmail.Parse(message);
        string[] names = [.. parsed.GetProperty("header_names").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(["From", "To", "Subject", "Date", "Message-ID", "X-Note", "MIME-Version", "Content-Type"], names);
        Assert.Equal(value, parsed.GetProperty("headers").GetProperty("Subject").GetString());
        Assert.Equal(value, parsed.GetProperty("headers").GetProperty("X-Note").GetString());
        Assert.Equal(value + ".txt", parsed.GetProperty("body").GetProperty("parts")[1].GetProperty("filename").GetString());
        Assert.DoesNotContain("\r\nBcc:", Encoding.ASCII.GetString(message), StringComparison.OrdinalIgnoreCase);
    }

    private static MessageSpec Spec()
    {
        var spec = new MessageSpec { From = new MailboxAddress("a@example.com"), TextBody = "body" };
        spec.To.Add(new MailboxAddress("b@example.com"));
        return spec;
    }

    private static MessageSpec With(Action<MessageSpec> change)
    {
        MessageSpec spec = Spec();
        change(spec);
        return spec;
    }
}
