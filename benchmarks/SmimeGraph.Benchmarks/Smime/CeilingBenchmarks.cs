using BenchmarkDotNet.Attributes;
using SmimeGraph.Graph;
using SmimeGraph.Mime;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// Rejecting a message that cannot fit: a sign-then-encrypt message whose attachment (length
/// known) needs more than the 4,000,000-byte ceiling. The library predicts the size from the spec
/// and refuses before reading a byte (the attachment's stream throws if opened); a BCL user can
/// only build the whole body and look at its length; the library's output guard stops encoding
/// the moment the body crosses the ceiling. Each returns the exception it produced.
/// </summary>
[MemoryDiagnoser]
public class CeilingBenchmarks
{
    /// <summary>Twice the largest attachment that fits: about 7.9 MB of request body.</summary>
    public const int OverCeilingAttachment = 2 * MessageFixture.Largest;

    private MessageFixture _fixture = null!;
    private MessageSpec _spec = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = MessageFixture.For(OverCeilingAttachment);
        _spec = _fixture.CreateSpec();
        _spec.Attachments.Clear();
        _spec.Attachments.Add(MimeAttachment.FromStreamFactory(
            MessageFixture.AttachmentName,
            () => throw new InvalidOperationException("A message predicted over the ceiling must be refused before its content is read."),
            OverCeilingAttachment));
    }

    /// <summary>What a BCL user can do: compose everything, then compare the length.</summary>
    [Benchmark(Baseline = true, Description = "Build, then check")]
    public PayloadTooLargeException? BuildThenCheck()
    {
        string body = SystemPkcsComposer.ComposeGraphBody(_fixture, SmimeOperation.SignAndEncrypt);
        return body.Length > GraphPayload.DefaultCeiling ? new PayloadTooLargeException(body.Length, GraphPayload.DefaultCeiling) : null;
    }

    /// <summary>The library's first line: predict from the spec (PLACEHOLDER until PredictSize lands, see <see cref="LibraryPipeline"/>).</summary>
    [Benchmark(Description = "Compose, refused from the spec")]
    public async Task<PayloadTooLargeException?> Predict()
    {
        try
        {
            using GraphPayload payload = await LibraryPipeline.ComposeAsync(_spec, TestCertificates.Shared, SmimeOperation.SignAndEncrypt).ConfigureAwait(false);
            return null;
        }
        catch (PayloadTooLargeException e)
        {
            return e;
        }
    }

    /// <summary>The library's second line: the pooled body's hard guard while encoding the (pre-built) MIME.</summary>
    [Benchmark(Description = "Output guard")]
    public async Task<PayloadTooLargeException?> OutputGuard()
    {
        using var mime = new MemoryStream(_fixture.Composition(SmimeOperation.SignAndEncrypt).Mime, writable: false);
        try
        {
            using GraphPayload payload = await GraphPayload.FromMimeAsync(mime).ConfigureAwait(false);
            return null;
        }
        catch (PayloadTooLargeException e)
        {
            return e;
        }
    }
}
