using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Testing;

/// <summary>
/// A message in Sent Items as Graph returns it (<c>GET /messages/{id}/$value</c>, regenerated the
/// way Exchange writes it), decrypted and verified with the <see cref="GraphMailEmulatorOptions"/>'
/// keys and trust anchors. Assert on meaning (<see cref="Text"/>, <see cref="Html"/>,
/// <see cref="Attachments"/>, <see cref="IsValid"/>), never on the bytes of the whole message.
/// </summary>
public sealed class SentMessage
{
    internal SentMessage(string id, byte[] mime, InspectionResult inspection)
    {
        Id = id;
        Mime = mime;
        Inspection = inspection;
        var leaves = new List<MimeEntity>();
        Collect(inspection.Content, leaves);
        Text = leaves.FirstOrDefault(e => e.MediaType == "text/plain" && !IsAttachment(e))?.DecodeText();
        Html = leaves.FirstOrDefault(e => e.MediaType == "text/html" && !IsAttachment(e))?.DecodeText();
        Attachments = [.. leaves.Where(e => IsAttachment(e) || e.FileName is not null).Select(e => new SentAttachment(e.FileName, e.MediaType, e.DecodeContent()))];
    }

    /// <summary>The sent copy's Graph id (not the draft's: Graph gives the sent copy a new one).</summary>
    public string Id { get; }

    /// <summary>The MIME as Graph returns it.</summary>
    public byte[] Mime { get; }

    /// <summary>The inspector's full result: each layer, each signature, the problems.</summary>
    public InspectionResult Inspection { get; }

    /// <summary>VALID as the inspector means it: a trusted signature by the From address covering everything shown.</summary>
    public bool IsValid => Inspection.IsValid;

    /// <summary>Whether the whole message was encrypted.</summary>
    public bool IsEncrypted => Inspection.IsEncrypted;

    /// <summary>Whether the whole message was signed.</summary>
    public bool IsSigned => Inspection.IsSigned;

    /// <summary>The Subject of the decrypted content (the protected one, RFC 8551 §3.1), else of the outer message.</summary>
    public string? Subject => Inspection.Content.GetHeader("Subject") ?? Inspection.Message.GetHeader("Subject");

    /// <summary>The Message-ID of the outer message.</summary>
    public string? InternetMessageId => Inspection.Message.GetHeader("Message-ID");

    /// <summary>The first text/plain body that is not an attachment, decoded; null if none.</summary>
    public string? Text { get; }

    /// <summary>The first text/html body that is not an attachment, decoded; null if none.</summary>
    public string? Html { get; }

    /// <summary>The attachments, decoded.</summary>
    public IReadOnlyList<SentAttachment> Attachments { get; }

    private static bool IsAttachment(MimeEntity entity) =>
        string.Equals(entity.Disposition, "attachment", StringComparison.OrdinalIgnoreCase);

    private static void Collect(MimeEntity entity, List<MimeEntity> leaves)
    {
        if (!entity.IsMultipart)
        {
            leaves.Add(entity);
            return;
        }

        foreach (MimeEntity child in entity.Children)
        {
            Collect(child, leaves);
        }
    }
}
