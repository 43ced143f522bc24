namespace SmimeGraph.Mime;

/// <summary>The <c>Importance</c> header (RFC 2156 §5.3.4), which Graph maps to the message's importance.</summary>
public enum MessageImportance
{
    /// <summary>No Importance header is written.</summary>
    Normal = 0,

    /// <summary><c>Importance: low</c>.</summary>
    Low,

    /// <summary><c>Importance: high</c>.</summary>
    High,
}
