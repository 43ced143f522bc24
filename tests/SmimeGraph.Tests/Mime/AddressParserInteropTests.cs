using System.Text;
using System.Text.Json;
using SmimeGraph.Mime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Mime;

/// <summary>
/// The RFC 5322 address grammar against Python's <c>email.headerregistry</c> (policy.default) on
/// a table of tricky inputs: RFC 5322 Appendix A examples, obsolete forms, comments, quoted
/// strings, groups, encoded-words and the display-name tricks used to spoof a sender.
/// </summary>
public sealed class AddressParserInteropTests
{
    /// <summary>How a row is judged.</summary>
    public enum Expect
    {
        /// <summary>The same mailboxes (display name, addr-spec) and groups as Python.</summary>
        Same,

        /// <summary>Python reports an InvalidHeaderDefect and we count an invalid element: both refuse it.</summary>
        Rejected,
    }

    private static readonly (string Value, Expect Expect)[] Rows =
    [
        ("alice@example.com", Expect.Same),
        ("Alice <alice@example.com>", Expect.Same),
        ("\"Alice, the sender\" <a@example.com>", Expect.Same),
        ("John Q. Public <jqp@example.org>", Expect.Same),
        ("John   Smith <js@example.org>", Expect.Same),
        ("alice@example.com (Alice)", Expect.Same),
        ("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>", Expect.Same),
        ("=?utf-8?Q?Alice_=E2=9C=93?= <Alice@example.com>", Expect.Same),
        ("=?iso-8859-1?q?J=F6rg?= Schmidt <joerg@example.com>", Expect.Same),
        ("\"=?utf-8?Q?Alice?=\" <a@example.com>", Expect.Same),
        ("undisclosed-recipients:;", Expect.Same),
        ("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;", Expect.Same),
        ("A Group: a@example.com, \"x\" <d@example.org>;, g@example.net", Expect.Same),
        ("<@route.a,@route.b:jdoe@example.net>", Expect.Same),
        ("\"john doe\"@example.com", Expect.Same),
        ("\"alice\"@example.com", Expect.Same),
        ("john . doe @ example . com", Expect.Same),
        ("a@[127.0.0.1]", Expect.Same),
        ("a@example.com,, d@example.org", Expect.Same),
        ("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>", Expect.Same),
        ("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>", Expect.Same),
        ("mallory@example.com (<Alice@example.com>)", Expect.Same),
        ("\"Alice <Alice@example.com>\" <mallory@example.com>", Expect.Same),
        ("Jörg <jörg@bücher.de>", Expect.Same),
        ("(comment only) alice@example.com", Expect.Same),
        ("Alice <alice@example.com> (trailing (nested) comment)", Expect.Same),
        ("\"\" <empty@example.com>", Expect.Same),
        ("Alice\r\n <alice@example.com>,\r\n\tBob <bob@example.com>", Expect.Same),
        ("Joe Q. Public <john.q.public@example.com>, Mary Smith <mary@x.test>", Expect.Same),
        ("Alice", Expect.Rejected),
        ("alice@example.com <mallory@example.com>", Expect.Rejected),
        ("<>", Expect.Rejected),
        ("Alice <alice@example.com", Expect.Rejected),
        ("Alice <@example.com>", Expect.Rejected),
        ("Alice <alice@example.com>, Bob", Expect.Rejected),
        ("Alice Smith alice@example.com", Expect.Rejected),
    ];

    private const string Script = """
        import sys, json
        from email import policy
        from email.parser import Parser
        from email.errors import HeaderParseError
        out = []
        for value in json.load(open(sys.argv[1], encoding='utf-8')):
            try:
                h = Parser(policy=policy.default).parsestr('To: ' + value + '\r\n\r\n')['To']
                mailboxes, groups = [], []
                for g in h.groups:
                    if g.display_name is not None:
                        groups.append(g.display_name)
                    for a in g.addresses:
                        mailboxes.append([a.display_name, a.addr_spec])
                out.append({'mailboxes': mailboxes, 'groups': groups, 'invalid': [str(d) for d in h.defects if type(d).__name__ == 'InvalidHeaderDefect']})
            except HeaderParseError as e:
                out.append({'mailboxes': [], 'groups': [], 'invalid': ['HeaderParseError: ' + str(e)]})
        print(json.dumps(out))
        """;

    private static readonly Lazy<JsonElement[]> Python = new(RunPython);

    public static TheoryData<int> RowNumbers()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Rows.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RowNumbers))]
    public void Address_lists_read_as_python_reads_them(int row)
    {
        (string value, Expect expect) = Rows[row];
        JsonElement python = Python.Value[row];
        ParsedAddressList ours = AddressParser.ParseAddressList(value);

        if (expect == Expect.Rejected)
        {
            Assert.NotEmpty(python.GetProperty("invalid").EnumerateArray());
            Assert.True(ours.InvalidElements > 0, $"'{value}' was accepted: {Describe(ours)}");
            return;
        }

        string[] expectedMailboxes = [.. python.GetProperty("mailboxes").EnumerateArray().Select(m => $"[{m[0].GetString()}] {m[1].GetString()}")];
        string[] actualMailboxes = [.. ours.Mailboxes.Select(m => $"[{m.DisplayName}] {m.Address}")];
        Assert.Equal(expectedMailboxes, actualMailboxes);
        Assert.Equal(python.GetProperty("groups").EnumerateArray().Select(g => g.GetString()), ours.Groups);
        Assert.Equal(0, ours.InvalidElements);
    }

    [Fact]
    public void Adjacent_encoded_words_join_without_the_space_between_them()
    {
        // RFC 2047 §6.2: whitespace between adjacent encoded-words is not displayed. Python's
        // policy.default header parser keeps it ("a b"); its legacy decode_header drops it, as
        // MimeKit and the RFC do. This is the one place the table above would disagree.
        ParsedMailbox mailbox = Assert.Single(AddressParser.ParseAddressList("=?utf-8?Q?a?= =?utf-8?Q?b?= <a@example.com>").Mailboxes);
        Assert.Equal("ab", mailbox.DisplayName);
        PeerResult legacy = Peer.Python("from email.header import decode_header, make_header; print(str(make_header(decode_header('=?utf-8?Q?a?= =?utf-8?Q?b?='))))").EnsureSuccess("python3 decode_header");
        Assert.Equal("ab", legacy.StandardOutputText.Trim());
    }

    private static string Describe(ParsedAddressList list) =>
        string.Join(", ", list.Mailboxes.Select(m => $"[{m.DisplayName}] {m.Address}")) + " defects: " + string.Join("; ", list.Defects);

    private static JsonElement[] RunPython()
    {
        string dir = TestPaths.NewTempDirectory();
        try
        {
            string input = Path.Combine(dir, "addresses.json");
            File.WriteAllText(input, JsonSerializer.Serialize(Rows.Select(r => r.Value)), new UTF8Encoding(false));
            PeerResult result = Peer.Python(Script, input).EnsureSuccess("python3 email.headerregistry");
            using JsonDocument document = JsonDocument.Parse(result.StandardOutput);
            return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
