namespace SmimeGraph.Testing;

/// <summary>An attachment of a sent message, decoded from its transfer encoding.</summary>
/// <param name="FileName">The filename parameter (RFC 2183 §2.3), if any.</param>
/// <param name="MediaType">The type/subtype (RFC 2045 §5.1), lower case.</param>
/// <param name="Content">The decoded bytes.</param>
public sealed record SentAttachment(string? FileName, string MediaType, byte[] Content);
