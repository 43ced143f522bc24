using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The library's side of every benchmark: the one place the suite calls the SmimeGraph pipeline.
/// Swap the bodies below for the composer and every benchmark (head-to-head, parallel, ceiling)
/// measures the real thing; nothing else changes.
/// </summary>
internal static class LibraryPipeline
{
    private static readonly SmimeComposer Composer = new();

    // One signer and one recipient set per operation, built once and reused, as an app keeps them.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(TestCertificates, SmimeOperation), SmimeOptions> s_options = new();

    /// <summary>Composes the fixture's message, from spec to ready Graph body.</summary>
    public static Task<GraphPayload> ComposeAsync(MessageFixture fixture, SmimeOperation operation, CancellationToken cancellationToken = default) =>
        ComposeAsync(fixture.CreateSpec(), fixture.Certificates, operation, cancellationToken);

    /// <summary>Composes <paramref name="spec"/> into a ready Graph body (or refuses it over the ceiling).</summary>
    public static Task<GraphPayload> ComposeAsync(MessageSpec spec, TestCertificates certificates, SmimeOperation operation, CancellationToken cancellationToken = default) =>
        Composer.ComposeAsync(spec, s_options.GetOrAdd((certificates, operation), key => NewOptions(key.Item1, key.Item2)), cancellationToken);

    /// <summary>
    /// Composes with a signer and recipient set made for this message alone, so that every
    /// certificate is checked and every key imported again: what the first message of a signer
    /// costs, or every message of an app that does not keep its signer.
    /// </summary>
    public static Task<GraphPayload> ComposeColdAsync(MessageFixture fixture, SmimeOperation operation, CancellationToken cancellationToken = default) =>
        Composer.ComposeAsync(fixture.CreateSpec(), NewOptions(fixture.Certificates, operation), cancellationToken);

    private static SmimeOptions NewOptions(TestCertificates certificates, SmimeOperation operation)
    {
        SmimeSigner? signer = operation == SmimeOperation.Encrypt ? null : new SmimeSigner(certificates.Signer);
        SmimeEncryptionOptions? encryption = null;
        if (operation != SmimeOperation.Sign)
        {
            encryption = new SmimeEncryptionOptions { SenderCertificate = certificates.SenderEncryption };
            encryption.Recipients.Add(certificates.Recipient);
        }

        return new SmimeOptions { Signer = signer, Encryption = encryption };
    }
}
