using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

/// <summary>One S/MIME protection layer found in a message, outermost first.</summary>
public abstract class InspectionLayer
{
    private protected InspectionLayer(int depth, string path, MimeEntity entity)
    {
        Depth = depth;
        Path = path;
        Entity = entity;
    }

    /// <summary>How many S/MIME layers enclose this one (0 for the outermost).</summary>
    public int Depth { get; }

    /// <summary>
    /// Where the layer's entity sits in the MIME tree it belongs to: "" for the root, otherwise
    /// the part numbers from that root, as in IMAP ("1.2"). The message is one tree; the content
    /// unwrapped from a CMS layer (opaque signed-data, decrypted enveloped-data) is parsed as a
    /// new tree whose root is "" again. <see cref="Depth"/> tells the trees apart.
    /// </summary>
    public string Path { get; }

    /// <summary>The MIME entity that carries the layer (the multipart/signed, or the application/pkcs7-mime part).</summary>
    public MimeEntity Entity { get; }

    /// <summary>
    /// True when the layer protects only part of the message: it sits inside a multipart that no
    /// signature or encryption covers (a signed attachment inside an unsigned multipart/mixed, a
    /// forwarded message/rfc822). Such a layer says nothing about the rest of the message.
    /// </summary>
    public bool IsPartial { get; internal init; }

    /// <summary>Everything that went wrong in or about this layer; empty when nothing did. Each one is also in <see cref="InspectionResult.Problems"/>.</summary>
    public IReadOnlyList<InspectionProblem> Problems { get; internal set; } = [];

    /// <summary>Observations that do not make the layer fail (an smime-type parameter that names another CMS type than the content has).</summary>
    public IReadOnlyList<string> Notes { get; internal set; } = [];

    /// <summary>True when the layer opened (decrypted) or verified (every signature valid and trusted) with no problem.</summary>
    public abstract bool Succeeded { get; }
}
