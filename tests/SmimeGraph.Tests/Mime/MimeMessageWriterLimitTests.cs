using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>
/// The writer and the parser share one set of header limits (<see cref="MimeParserOptions"/>'s
/// defaults): what the writer accepts the parser reads back, and what the parser would refuse
/// the writer refuses up front.
/// </summary>
public sealed class MimeMessageWriterLimitTests
{
    private const int Limit = MimeParserOptions.DefaultMaxHeaderFieldLength;

    private static MessageSpec Spec(params (string Name, string Value)[] headers)
    {
        var spec = new MessageSpec { From = new MailboxAddress("alice@example.com"), Subject = "s", TextBody = "t", Date = DateTimeOffset.UnixEpoch, MessageId = "id@example.com" };
        spec.To.Add(new MailboxAddress("bob@example.com"));
        foreach ((string name, string value) in headers)
        {
            spec.Headers.Add(new(name, value));
        }

        return spec;
    }

    private static byte[] Write(MessageSpec spec)
    {
        var output = new MemoryStream();
        MimeMessageWriter.Create(spec).WriteMessageAsync(output).GetAwaiter().GetResult();
        return output.ToArray();
    }

    // The X-Big field as written: from its name to the CRLF of its last folded line.
    private static string Field(byte[] message)
    {
        string text = Encoding.ASCII.GetString(message);
        int start = text.IndexOf("\r\nX-Big:", StringComparison.Ordinal) + 2;
        int end = start;
        do
        {
            end = text.IndexOf("\r\n", end, StringComparison.Ordinal) + 2;
        }
        while (text[end] is ' ' or '\t');

        return text[start..end];
    }

    [Fact]
    public void A_field_of_exactly_the_limit_is_written_and_read_one_byte_more_is_refused_by_both()
    {
        // "X-Big:" then " abcdefgh" words, eight to a line (the first line 78 characters, the
        // others 72), then a last word of r letters that no longer fits and starts its own line:
        // with 8q words the field is 6 + 72q + 2q (line ends) + 1 + r + 2 = 9 + 74q + r bytes, so
        // q = 885 and r = 37 make exactly 65,536.
        static string Value(int words, int last) => string.Concat(Enumerable.Repeat("abcdefgh ", words)) + new string('z', last);
        const int words = 8 * 885, letters = 37;
        byte[] largest = Write(Spec(("X-Big", Value(words, letters))));
        string field = Field(largest);
        Assert.Equal(Limit, field.Length);
        Assert.Equal(Value(words, letters), MimeParser.Parse(largest).Headers.First(h => h.Name == "X-Big").Value);

        var refused = Assert.Throws<MimeFormatException>(() => MimeMessageWriter.Create(Spec(("X-Big", Value(words, letters + 1)))));
        Assert.Contains("X-Big", refused.Message, StringComparison.Ordinal);
        Assert.Contains("65,536", refused.Message, StringComparison.Ordinal);

        // The parser refuses the same field one byte longer.
        string longer = Encoding.ASCII.GetString(largest).Replace(field, field[..^2] + "z\r\n", StringComparison.Ordinal);
        Assert.Throws<MimeFormatException>(() => MimeParser.Parse(Encoding.ASCII.GetBytes(longer)));
    }

    [Theory]
    [InlineData("subject")]
    [InlineData("to")]
    [InlineData("header")]
    public void A_100_KB_field_of_any_kind_is_refused_with_the_field_named(string kind)
    {
        MessageSpec spec = Spec();
        string field = kind switch { "subject" => "Subject", "to" => "To", _ => "X-Long" };
        switch (kind)
        {
            case "subject":
                spec.Subject = string.Concat(Enumerable.Repeat("Grüße ", 100_000 / 6));
                break;
            case "to":
                for (int i = 0; i < 5000; i++)
                {
                    spec.To.Add(new MailboxAddress($"recipient{i}@example.com"));
                }

                break;
            default:
                spec.Headers.Add(new("X-Long", new string('x', 100_000)));
                break;
        }

        var error = Assert.Throws<MimeFormatException>(() => MimeMessageWriter.Create(spec));
        Assert.Contains($"The {field} header field would be", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_field_count_the_writer_allows_is_what_the_parser_reads_and_one_more_is_refused()
    {
        // From, To, Subject, Date, Message-ID, MIME-Version, and room for four content fields.
        int allowed = MimeParserOptions.DefaultMaxHeaderCount - 6 - 4;
        (string, string)[] headers = [.. Enumerable.Range(0, allowed).Select(i => ($"X-H{i}", "v"))];

        MimeEntity parsed = MimeParser.Parse(Write(Spec(headers)));
        Assert.Equal(allowed, parsed.Headers.Count(h => h.Name.StartsWith("X-H", StringComparison.Ordinal)));

        var error = Assert.Throws<MimeFormatException>(() => MimeMessageWriter.Create(Spec([.. headers, ("X-One-More", "v")])));
        Assert.Contains("1,000", error.Message.Replace("1000", "1,000", StringComparison.Ordinal), StringComparison.Ordinal);

        // The parser's own count: one custom field short of the writer's reserve still overflows 1,000.
        string overflowing = "From: a@example.com\r\n" + string.Concat(Enumerable.Range(0, 1000).Select(i => $"X-H{i}: v\r\n")) + "\r\nbody";
        Assert.Throws<MimeFormatException>(() => MimeParser.Parse(Encoding.ASCII.GetBytes(overflowing)));
    }
}
