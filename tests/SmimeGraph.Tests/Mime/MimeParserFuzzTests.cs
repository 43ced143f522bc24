using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>
/// Seeded mutations of the test messages: every one parses to a tree whose every accessor works,
/// or fails with a <see cref="MimeFormatException"/>; nothing else escapes.
/// </summary>
public sealed class MimeParserFuzzTests
{
    private static readonly byte[][] Fragments =
    [
        "\r\n"u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), "\r\n\r\n"u8.ToArray(), "--"u8.ToArray(), "=?"u8.ToArray(), "?="u8.ToArray(),
        "=?utf-8?B?"u8.ToArray(), "*0*="u8.ToArray(), "'"u8.ToArray(), "%"u8.ToArray(), "\""u8.ToArray(), "("u8.ToArray(), ";"u8.ToArray(),
        "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"u8.ToArray(), "Content-Type: message/rfc822\r\n\r\n"u8.ToArray(),
        "Content-Transfer-Encoding: base64\r\n"u8.ToArray(), "Content-Transfer-Encoding: quoted-printable\r\n"u8.ToArray(), "="u8.ToArray(), [0], [0xFF],
    ];

    public static TheoryData<string, string> TreeMessages => MimeParserTestKit.TreeMessages;

    [Theory]
    [MemberData(nameof(TreeMessages))]
    public void Mutated_messages_give_a_tree_or_a_mime_format_exception(string folder, string name)
    {
        byte[] original = MimeParserTestKit.Load(folder, name);
        var random = new Random(name.Length * 7919);
        int trees = 0;
        for (int round = 0; round < 300; round++)
        {
            byte[] mutated = Mutate(original, random);
            MimeEntity root;
            try
            {
                root = MimeParser.Parse(mutated);
            }
            catch (MimeFormatException error)
            {
                Assert.NotNull(error.Offset);
                Assert.InRange(error.Offset!.Value, 0, mutated.Length);
                continue;
            }

            trees++;
            foreach (MimeEntity entity in MimeParserTestKit.Walk(root))
            {
                Touch(entity, mutated.Length);
            }
        }

        Assert.InRange(trees, 1, 300);
    }

    private static void Touch(MimeEntity entity, int length)
    {
        foreach (MimeHeaderField field in entity.Headers)
        {
            Assert.NotNull(field.Value);
        }

        Assert.Contains('/', entity.MediaType);
        _ = (entity.FileName, entity.ContentId, entity.Disposition, entity.ContentTransferEncoding, entity.GetContentTypeParameter("charset"));
        Assert.InRange(entity.RawEntity.Length, entity.RawBody.Length, length);
        try
        {
            _ = entity.DecodeText();
        }
        catch (MimeFormatException error)
        {
            Assert.Equal("base64", entity.ContentTransferEncoding);
            Assert.NotNull(error.Offset);
        }
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits && data.Count > 0; e++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(4))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data.RemoveRange(at, Math.Min(random.Next(1, 64), data.Count - at));
                    break;
                case 2:
                    data.InsertRange(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                default:
                    int count = Math.Min(random.Next(1, 256), data.Count - at);
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, count));
                    break;
            }
        }

        return [.. data];
    }
}
