using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>MimeKit's parser stress messages, each asserted to the exact tree or the exact failure.</summary>
public sealed class MimeParserVectorTests
{
    private const string Word = "=?utf-8?Q?date=3E2017-08-20T10:08:28.617=3C/pr?=";

    [Fact]
    public void Stack_overflow_folded_header_exceeds_default_field_length_at_the_to_field()
    {
        byte[] data = MimeParserTestKit.Load("mimekit", "stack-overflow.txt");
        int toField = Encoding.ASCII.GetString(data).IndexOf("\nTo: ", StringComparison.Ordinal) + 1;

        var error = Assert.Throws<MimeFormatException>(() => MimeParser.Parse(data));

        Assert.Equal(toField, error.Offset);
        Assert.Contains("65536", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stack_overflow_folded_header_parses_with_a_larger_field_limit()
    {
        byte[] data = MimeParserTestKit.Load("mimekit", "stack-overflow.txt");
        string text = Encoding.ASCII.GetString(data);
        int words = CountOccurrences(text, Word);

        MimeEntity message = MimeParser.Parse(data, new MimeParserOptions { MaxHeaderFieldLength = 256 * 1024 });

        Assert.Equal(2710, words);
        // RFC 5322 §2.2.3: unfolding removes the line break, not the tab that follows it.
        Assert.Equal("\"test\" <test@test.com>,\t" + string.Concat(Enumerable.Repeat("date>2017-08-20T10:08:28.617</pr", words)), message.GetHeader("To"));
        Assert.Equal("Message Subject", message.GetHeader("Subject"));
        Assert.Equal("text/plain", message.MediaType);
        Assert.Empty(message.Children);
        Assert.Equal("\nMessage Body\n", message.DecodeText());
        Assert.Equal(["From", "To", "Subject", "Date", "Message-ID", "Content-Type"], message.Headers.Select(h => h.Name));
    }

    [Fact]
    public void Empty_multipart_alternative_has_no_parts_and_its_sibling_stays_a_sibling()
    {
        MimeEntity message = MimeParser.Parse(MimeParserTestKit.Load("mimekit", "empty-multipart.txt"));

        Assert.Equal("multipart/mixed", message.MediaType);
        Assert.Equal(2, message.Children.Count);
        MimeEntity alternative = message.Children[0];
        Assert.Equal("multipart/alternative", alternative.MediaType);
        Assert.True(alternative.IsMultipart);
        Assert.Empty(alternative.Children);
        // Its body is the one LF before the next delimiter, and that LF belongs to the delimiter.
        Assert.Equal(0, alternative.RawBody.Length);
        Assert.Equal("text/plain", message.Children[1].MediaType);
        Assert.Equal("This part should be on the same level as the multipart/alternative and not a child.\n", message.Children[1].DecodeText());
    }

    [Fact]
    public void Epilogue_is_ignored_and_the_empty_base64_part_decodes_to_nothing()
    {
        MimeEntity message = MimeParser.Parse(MimeParserTestKit.Load("mimekit", "epilogue.txt"));

        Assert.Equal("multipart/mixed", message.MediaType);
        Assert.Equal(["text/plain", "application/postscript"], message.Children.Select(c => c.MediaType));
        MimeEntity postscript = message.Children[1];
        Assert.Equal("base64", postscript.ContentTransferEncoding);
        Assert.Equal(0, postscript.RawBody.Length);
        Assert.Empty(postscript.DecodeContent());
        Assert.Equal("Content-Type: application/postscript\nContent-Transfer-Encoding: base64\n\n", Encoding.ASCII.GetString(postscript.RawEntity.Span));
        Assert.StartsWith("> NeXTSTEP, NeXTSTEP, NeXTSTEP...\n", message.Children[0].DecodeText(), StringComparison.Ordinal);
        Assert.DoesNotContain(message.Children, c => Encoding.ASCII.GetString(c.RawEntity.Span).Contains("Peter Urka", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_close_delimiter_ends_the_last_part_at_the_end_of_input()
    {
        MimeEntity message = MimeParser.Parse(MimeParserTestKit.Load("mimekit", "multipart-no-end-boundary.msg"));

        Assert.Equal("multipart/alternative", message.MediaType);
        Assert.Equal(["text/plain", "text/html"], message.Children.Select(c => c.MediaType));
        Assert.Equal("Multipart message without closing boundary\n", message.Children[0].DecodeText());

        // The input ends with three LFs; the last one is taken as the missing delimiter's.
        Assert.Equal("<div dir=\"ltr\">Multipart message without closing boundary<br></div>\n\n", message.Children[1].DecodeText());
        Assert.Equal("Multipart message without closing boundary", message.GetHeader("Subject"));
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
