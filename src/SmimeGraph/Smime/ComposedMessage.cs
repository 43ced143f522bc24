namespace SmimeGraph.Smime;

/// <summary>What <see cref="SmimeComposer.WriteMimeAsync(Mime.MessageSpec, SmimeOptions, Stream, CancellationToken)"/> wrote.</summary>
/// <param name="MessageId">The Message-ID header's value, without angle brackets.</param>
/// <param name="Length">The MIME message's length in bytes.</param>
public sealed record ComposedMessage(string MessageId, long Length);
