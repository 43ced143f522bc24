using SmimeGraph.Mime;

namespace SmimeGraph.Cli;

/// <summary>
/// Whether a received message shows what was composed: the text body, the HTML body and an
/// attachment's bytes, each found in the decrypted, verified entity tree and decoded from its
/// transfer encoding. Graph regenerates a sent message's MIME (headers added, folding changed),
/// so meaning is compared, not bytes; the text bodies are compared up to a final line break.
/// </summary>
internal sealed record ContentComparison(bool? TextEqual, bool? HtmlEqual, bool? AttachmentEqual)
{
    public bool AllEqual => TextEqual == true && HtmlEqual == true && AttachmentEqual == true;

    public static ContentComparison Compare(MimeEntity content, string text, string html, string attachmentName, ReadOnlySpan<byte> attachment)
    {
        MimeEntity[] leaves = [.. Leaves(content)];
        MimeEntity? textPart = leaves.FirstOrDefault(e => e.MediaType == "text/plain" && !IsAttachment(e));
        MimeEntity? htmlPart = leaves.FirstOrDefault(e => e.MediaType == "text/html" && !IsAttachment(e));
        MimeEntity? filePart = leaves.FirstOrDefault(e => e.FileName == attachmentName);
        return new ContentComparison(
            textPart is null ? null : SameText(textPart.DecodeText(), text),
            htmlPart is null ? null : SameText(htmlPart.DecodeText(), html),
            filePart is null ? null : filePart.DecodeContent().AsSpan().SequenceEqual(attachment));
    }

    public string Describe() =>
        $"text {State(TextEqual)}, HTML {State(HtmlEqual)}, attachment bytes {State(AttachmentEqual)}";

    private static string State(bool? equal) => equal switch
    {
        true => "as composed",
        false => "DIFFER",
        null => "MISSING",
    };

    private static bool SameText(string received, string composed) =>
        string.Equals(received.TrimEnd('\r', '\n'), composed.TrimEnd('\r', '\n'), StringComparison.Ordinal);

    private static bool IsAttachment(MimeEntity entity) =>
        string.Equals(entity.Disposition, "attachment", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<MimeEntity> Leaves(MimeEntity entity)
    {
        if (!entity.IsMultipart)
        {
            yield return entity;
            yield break;
        }

        foreach (MimeEntity child in entity.Children)
        {
            foreach (MimeEntity leaf in Leaves(child))
            {
                yield return leaf;
            }
        }
    }
}
