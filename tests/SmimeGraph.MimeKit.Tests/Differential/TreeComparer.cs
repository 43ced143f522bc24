using System.Text;
using MimeKit;
using Ours = SmimeGraph.Mime;

namespace SmimeGraph.MimeKit.Tests.Differential;

/// <summary>
/// Walks the tree SmimeGraph's <see cref="Ours.MimeParser"/> builds and the one MimeKit's
/// <see cref="MimeParser"/> builds from the same bytes and lists where they differ: the entity
/// structure, the media types and their parameters, every header field's decoded value, and the
/// decoded bodies of the leaves.
/// </summary>
public static class TreeComparer
{
    // Parameters compared on every Content-Type (RFC 2045 §5.1, RFC 2046 §4.1.2, §5.1.1, RFC 8551 §3.2.2).
    private static readonly string[] Parameters = ["charset", "boundary", "name", "protocol", "micalg", "smime-type", "type"];

    public static List<ParseDifference> Compare(string file, byte[] bytes)
    {
        var differences = new List<ParseDifference>();
        Ours.MimeEntity? ours = null;
        MimeMessage? theirs = null;
        string oursError = string.Empty;
        string theirsError = string.Empty;
        try
        {
            ours = Ours.MimeParser.Parse(bytes);
        }
        catch (SmimeGraphException ex)
        {
            oursError = ex.GetType().Name;
        }

        try
        {
            theirs = MimeMessage.Load(new MemoryStream(bytes, writable: false));
        }
        catch (FormatException ex)
        {
            theirsError = ex.GetType().Name;
        }

        if (ours is null || theirs is null)
        {
            differences.Add(new ParseDifference(file, "1", "parse", ours is null ? "error " + oursError : "parsed", theirs is null ? "error " + theirsError : "parsed"));
            return differences;
        }

        CompareMessage(file, "1", ours, theirs, differences);
        return differences;
    }

    // A message: its own header fields (MimeKit splits them between the message and its body)
    // and then its body entity.
    private static void CompareMessage(string file, string path, Ours.MimeEntity ours, MimeMessage theirs, List<ParseDifference> differences)
    {
        var theirHeaders = new HeaderList();
        foreach (Header header in theirs.Headers)
        {
            theirHeaders.Add(header);
        }

        if (theirs.Body is MimeEntity body)
        {
            foreach (Header header in body.Headers.Where(h => !theirHeaders.Contains(h)))
            {
                theirHeaders.Add(header);
            }
        }

        CompareHeaders(file, path, ours.Headers, theirHeaders, differences);
        if (theirs.Body is null)
        {
            differences.Add(new ParseDifference(file, path, "structure", Describe(ours), "no body"));
            return;
        }

        CompareEntity(file, path, ours, theirs.Body, differences, compareHeaders: false);
    }

    private static void CompareEntity(string file, string path, Ours.MimeEntity ours, MimeEntity theirs, List<ParseDifference> differences, bool compareHeaders = true)
    {
        if (compareHeaders)
        {
            CompareHeaders(file, path, ours.Headers, theirs.Headers, differences);
        }

        string theirType = theirs.ContentType.MimeType.ToLowerInvariant();
        if (ours.MediaType != theirType)
        {
            differences.Add(new ParseDifference(file, path, "content-type", ours.MediaType, theirType));
        }

        foreach (string name in Parameters)
        {
            string? mine = ours.GetContentTypeParameter(name);
            string? other = theirs.ContentType.Parameters.TryGetValue(name, out string? value) ? value : null;
            if (mine != other)
            {
                differences.Add(new ParseDifference(file, path, "parameter:" + name, Short(mine), Short(other)));
            }
        }

        switch (theirs)
        {
            case Multipart multipart:
                if (ours.Children.Count != multipart.Count || !ours.IsMultipart)
                {
                    differences.Add(new ParseDifference(file, path, "structure", Describe(ours), $"{theirType} ({multipart.Count} parts)"));
                }

                for (int i = 0; i < Math.Min(ours.Children.Count, multipart.Count); i++)
                {
                    CompareEntity(file, $"{path}.{i + 1}", ours.Children[i], multipart[i], differences);
                }

                break;
            case MessagePart message when message.Message is MimeMessage inner:
                if (ours.Children.Count != 1)
                {
                    differences.Add(new ParseDifference(file, path, "structure", Describe(ours), "message"));
                    break;
                }

                CompareMessage(file, path + ".m", ours.Children[0], inner, differences);
                break;
            case MimePart part:
                if (ours.Children.Count != 0)
                {
                    differences.Add(new ParseDifference(file, path, "structure", Describe(ours), "leaf"));
                    break;
                }

                CompareBodies(file, path, ours, part, differences);
                break;
            default:
                differences.Add(new ParseDifference(file, path, "structure", Describe(ours), theirs.GetType().Name));
                break;
        }
    }

    private static void CompareBodies(string file, string path, Ours.MimeEntity ours, MimePart theirs, List<ParseDifference> differences)
    {
        byte[] mine;
        try
        {
            mine = ours.DecodeContent();
        }
        catch (SmimeGraphException ex)
        {
            differences.Add(new ParseDifference(file, path, "body", "error " + ex.GetType().Name, "decoded"));
            return;
        }

        using var output = new MemoryStream();
        theirs.Content?.DecodeTo(output);
        byte[] other = output.ToArray();
        if (!mine.AsSpan().SequenceEqual(other))
        {
            int at = 0;
            while (at < Math.Min(mine.Length, other.Length) && mine[at] == other[at])
            {
                at++;
            }

            differences.Add(new ParseDifference(file, path, "body", $"{mine.Length} bytes, differs at {at}: {Window(mine, at)}", $"{other.Length} bytes: {Window(other, at)}"));
        }
    }

    private static void CompareHeaders(string file, string path, IReadOnlyList<Ours.MimeHeaderField> ours, HeaderList theirs, List<ParseDifference> differences)
    {
        var mine = ours.Select(h => (Name: h.Name.ToLowerInvariant(), h.Value)).ToList();
        var other = theirs.Select(h => (Name: h.Field.ToLowerInvariant(), Value: h.Value.Trim())).ToList();
        foreach (string name in mine.Select(h => h.Name).Concat(other.Select(h => h.Name)).Distinct(StringComparer.Ordinal))
        {
            string[] a = [.. mine.Where(h => h.Name == name).Select(h => h.Value)];
            string[] b = [.. other.Where(h => h.Name == name).Select(h => h.Value)];
            if (!a.SequenceEqual(b, StringComparer.Ordinal))
            {
                differences.Add(new ParseDifference(file, path, "header:" + name, Short(string.Join(" | ", a)), Short(string.Join(" | ", b))));
            }
        }
    }

    private static string Describe(Ours.MimeEntity entity) =>
        entity.IsMultipart ? $"{entity.MediaType} ({entity.Children.Count} parts)" : entity.Children.Count == 1 ? "message" : "leaf " + entity.MediaType;

    private static string Window(byte[] bytes, int at) =>
        Short(Encoding.Latin1.GetString(bytes, Math.Max(0, at - 8), Math.Min(24, bytes.Length - Math.Max(0, at - 8))).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));

    private static string Short(string? text) => text is null ? "(none)" : text.Length <= 80 ? text : text[..77] + "...";
}
