using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>ParseAsync over streams that deliver the bytes in small pieces, and LF-only input.</summary>
public sealed class MimeParserChunkingTests
{
    public static TheoryData<string, string, int> ChunkedMessages()
    {
        var data = new TheoryData<string, string, int>();
        foreach (object[] row in MimeParserTestKit.TreeMessages)
        {
            foreach (int chunk in new[] { 1, 16, 4096, 0 })
            {
                data.Add((string)row[0], (string)row[1], chunk);
            }
        }

        return data;
    }

    /// <summary>Chunk 0 stands for the stream that implements only a one-byte synchronous read.</summary>
    [Theory]
    [MemberData(nameof(ChunkedMessages))]
    public async Task Chunked_reads_give_the_same_tree(string folder, string name, int chunk)
    {
        byte[] data = MimeParserTestKit.Load(folder, name);
        MimeEntity expected = MimeParser.Parse(data);
        using Stream stream = chunk == 0 ? new OneBytePerReadStream(data) : new ChunkedReadStream(data, chunk);

        MimeEntity actual = await MimeParser.ParseAsync(stream);

        Assert.Equal(MimeParserTestKit.Fingerprint(expected), MimeParserTestKit.Fingerprint(actual));
        Assert.Equal(data, actual.RawEntity.ToArray());
    }

    public static TheoryData<string, string> CrlfMessages => new()
    {
        { "mime", "mixed-alternative-related.eml" },
        { "mime", "forwarded-rfc822.eml" },
        { "mime", "encoded-headers.eml" },
        { "thunderbird-nss", "alice.dsig.SHA256.multipart.eml" },
        { "thunderbird-nss", "alice.plain.dsig.SHA256.multipart.dave.dsig.SHA256.multipart.eml" },
    };

    /// <summary>
    /// With every CRLF turned into LF the tree is the same, decoded text differs only in line
    /// ends, and every raw slice is exactly the LF form of the CRLF slice.
    /// </summary>
    [Theory]
    [MemberData(nameof(CrlfMessages))]
    public void Lf_only_input_parses_to_the_same_structure(string folder, string name)
    {
        byte[] crlf = MimeParserTestKit.Load(folder, name);
        byte[] lf = MimeParserTestKit.ToLf(crlf);
        Assert.NotEqual(crlf.Length, lf.Length);

        List<MimeEntity> expected = MimeParserTestKit.Walk(MimeParser.Parse(crlf)).ToList();
        List<MimeEntity> actual = MimeParserTestKit.Walk(MimeParser.Parse(lf)).ToList();

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(Normalize(MimeParserTestKit.Summarize(expected[i])), Normalize(MimeParserTestKit.Summarize(actual[i])));
            Assert.Equal(MimeParserTestKit.ToLf(expected[i].RawEntity.ToArray()), actual[i].RawEntity.ToArray());
            Assert.Equal(MimeParserTestKit.ToLf(expected[i].RawBody.ToArray()), actual[i].RawBody.ToArray());
            Assert.Equal(expected[i].Headers.Select(h => (h.Name, h.Value)), actual[i].Headers.Select(h => (h.Name, h.Value)));
        }
    }

    /// <summary>Text content differs in its line ends; binary content (base64) must decode identically.</summary>
    private static PartSummary Normalize(PartSummary summary) => summary.Text is null
        ? summary
        : summary with { Sha256 = null, Text = summary.Text.Replace("\r\n", "\n", StringComparison.Ordinal) };
}
