using MimeKit;

namespace SmimeGraph.MimeKit.Tests.TestSupport;

/// <summary>
/// Two MimeKit entities are the same entity: the same tree, media types and parameters, the
/// same header fields with the same decoded values, and the same decoded contents. The
/// Content-Transfer-Encoding is how a part travels, not what it is (RFC 2045 §6), so it may
/// differ: S/MIME needs 7-bit transfer encodings (RFC 8551 §3.1.2).
/// </summary>
public static class EntityAssert
{
    public static void Same(MimeEntity expected, MimeEntity actual, string path = "1")
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.ContentType.MimeType, actual.ContentType.MimeType, ignoreCase: true);
        Assert.Equal(
            expected.ContentType.Parameters.Select(p => (p.Name.ToLowerInvariant(), p.Value)),
            actual.ContentType.Parameters.Select(p => (p.Name.ToLowerInvariant(), p.Value)));
        Assert.Equal(Fields(expected.Headers), Fields(actual.Headers));
        switch (expected)
        {
            case Multipart multipart:
                var other = (Multipart)actual;
                Assert.Equal(multipart.Count, other.Count);
                for (int i = 0; i < multipart.Count; i++)
                {
                    Same(multipart[i], other[i], $"{path}.{i + 1}");
                }

                break;
            case MessagePart message:
                MimeMessage inner = message.Message!;
                MimeMessage otherInner = ((MessagePart)actual).Message!;
                Assert.Equal(Fields(inner.Headers), Fields(otherInner.Headers));
                Same(inner.Body!, otherInner.Body!, path + ".m");
                break;
            case MimePart part:
                Assert.Equal(Decoded(part), Decoded((MimePart)actual));
                break;
        }
    }

    public static byte[] Decoded(MimePart part)
    {
        using var output = new MemoryStream();
        part.Content?.DecodeTo(output);
        return output.ToArray();
    }

    private static List<(string Field, string Value)> Fields(HeaderList headers) =>
        [.. headers.Where(h => h.Id != HeaderId.ContentTransferEncoding).Select(h => (h.Field.ToLowerInvariant(), h.Value.Trim()))];
}
