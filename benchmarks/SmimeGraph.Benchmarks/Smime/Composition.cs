namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// A composed MIME message and the byte counts of its layers: what the floor must hash, encrypt
/// and encode to do the same work.
/// </summary>
/// <param name="Mime">The whole MIME message (routing headers and the outer entity).</param>
/// <param name="BodyEntityLength">The multipart/mixed entity: what is signed, or encrypted when not signed.</param>
/// <param name="EncryptedContentLength">The bytes fed to the cipher (0 when not encrypted).</param>
/// <param name="SignatureLength">The DER SignedData (0 when not signed).</param>
/// <param name="EnvelopeLength">The DER EnvelopedData (0 when not encrypted).</param>
internal sealed record Composition(byte[] Mime, int BodyEntityLength, int EncryptedContentLength, int SignatureLength, int EnvelopeLength);
