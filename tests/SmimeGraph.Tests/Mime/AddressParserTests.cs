using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>The RFC 5322 address grammar: the public parsing entry points and hostile input.</summary>
public sealed class AddressParserTests
{
    [Theory]
    [InlineData("alice@example.com", null, "alice@example.com")]
    [InlineData("Alice Example <alice@example.com>", "Alice Example", "alice@example.com")]
    [InlineData("\"Example, Alice\" <alice@example.com>", "Example, Alice", "alice@example.com")]
    [InlineData("  Alice (work)   <alice@example.com>  ", "Alice", "alice@example.com")]
    [InlineData("=?utf-8?B?w4FsaWNl?= <alice@example.com>", "Álice", "alice@example.com")]
    [InlineData("\"alice\"@example.com", null, "alice@example.com")]
    public void Parse_reads_one_mailbox(string text, string? name, string address)
    {
        MailboxAddress mailbox = MailboxAddress.Parse(text);
        Assert.Equal(name, mailbox.DisplayName);
        Assert.Equal(address, mailbox.Address);
        Assert.True(MailboxAddress.TryParse(text, out MailboxAddress? again));
        Assert.Equal(mailbox, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Alice")]
    [InlineData("a@example.com, b@example.com")]
    [InlineData("Team: a@example.com;")]
    [InlineData("alice@example.com <mallory@example.com>")]
    [InlineData("\"john doe\"@example.com")] // an addr-spec, but not one SmimeGraph sends to
    [InlineData("alice@[192.0.2.1]")]
    public void Parse_refuses_anything_but_one_sendable_mailbox(string text)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => MailboxAddress.Parse(text));
        Assert.True(error.ParamName is "text" or "address", error.ParamName);
        Assert.False(MailboxAddress.TryParse(text, out _));
    }

    [Fact]
    public void Parse_refuses_line_breaks_before_unfolding_could_hide_them()
    {
        HeaderInjectionException error = Assert.Throws<HeaderInjectionException>(() => MailboxAddress.Parse("Alice <alice@example.com>\r\nBcc: eve@example.com"));
        Assert.Equal("text", error.Field);
        Assert.False(MailboxAddress.TryParse("alice@example.com\n", out _));
    }

    [Fact]
    public void ParseList_reads_received_fields_including_groups_and_forms_not_sent()
    {
        IReadOnlyList<MailboxAddress> list = MailboxAddress.ParseList(
            "Team: \"john doe\"@example.com, Bob <bob@[192.0.2.7]>;,\r\n =?iso-8859-1?Q?Andr=E9?= <andre@example.org>, not an address");
        Assert.Equal(["\"john doe\"@example.com", "bob@[192.0.2.7]", "andre@example.org"], list.Select(m => m.Address));
        Assert.Equal([null, "Bob", "André"], list.Select(m => m.DisplayName));
    }

    [Fact]
    public async Task A_received_utf8_address_is_refused_when_written_not_sent_as_8_bit()
    {
        MailboxAddress received = Assert.Single(MailboxAddress.ParseList("Jörg <jörg@bücher.example>"));
        var spec = new MessageSpec { From = new MailboxAddress("a@example.com"), TextBody = "body" };
        spec.To.Add(received);
        HeaderInjectionException error = await Assert.ThrowsAsync<HeaderInjectionException>(() => MimeMessageWriterInteropTests.WriteAsync(spec));
        Assert.Equal("To", error.Field);
    }

    [Fact]
    public void Decoded_display_names_never_carry_line_breaks()
    {
        ParsedMailbox mailbox = Assert.Single(AddressParser.ParseAddressList("=?utf-8?Q?Alice=0D=0ABcc=3A_eve=40example.com?= <alice@example.com>").Mailboxes);
        Assert.DoesNotContain('\r', mailbox.DisplayName!);
        Assert.DoesNotContain('\n', mailbox.DisplayName!);
        Assert.Equal("alice@example.com", mailbox.Address);
    }

    [Fact]
    public void Groups_and_invalid_elements_are_reported_not_thrown()
    {
        ParsedAddressList list = AddressParser.ParseAddressList("undisclosed-recipients:;, Alice, <>, bob@example.com, Eve eve@example.com");
        Assert.Equal(["undisclosed-recipients"], list.Groups);
        Assert.Equal(["bob@example.com"], list.Mailboxes.Select(m => m.Address));
        Assert.Equal(3, list.InvalidElements);
        Assert.NotEmpty(list.Defects);
    }

    [Fact]
    public void Deeply_nested_comments_and_long_values_parse_in_one_pass()
    {
        // Nesting is counted, not recursed: a million levels cannot overflow the stack.
        string nested = new string('(', 1_000_000) + new string(')', 1_000_000) + " alice@example.com";
        Assert.Equal("alice@example.com", Assert.Single(AddressParser.ParseAddressList(nested).Mailboxes).Address);

        string many = string.Join(", ", Enumerable.Range(0, 50_000).Select(i => $"\"User {i}\" <u{i}@example.com>"));
        Assert.Equal(50_000, AddressParser.ParseAddressList(many).Mailboxes.Count);

        ParsedAddressList unclosed = AddressParser.ParseAddressList(new string('(', 100_000) + "alice@example.com");
        Assert.Empty(unclosed.Mailboxes);
        Assert.Contains("comment not closed by ')'", unclosed.Defects);
    }

    [Fact]
    public void Random_field_values_never_throw()
    {
        const string alphabet = "aZ9@.,;:<>()\"\\[] \t=?_-\r\nü!#";
        var random = new Random(5322);
        for (int i = 0; i < 20_000; i++)
        {
            char[] value = new char[random.Next(1, 40)];
            for (int j = 0; j < value.Length; j++)
            {
                value[j] = alphabet[random.Next(alphabet.Length)];
            }

            ParsedAddressList list = AddressParser.ParseAddressList(new string(value));
            Assert.All(list.Mailboxes, m => Assert.Contains('@', m.Address));
            _ = MailboxAddress.TryParse(new string(value), out _);
        }
    }
}
