using BenchmarkDotNet.Attributes;
using SmimeGraph.Benchmarks.Floor;
using SmimeGraph.Smime;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The reading side head-to-head: the sign-then-encrypt message (as SmimeGraph composes it) is
/// decrypted with the recipient's key, its signature verified and the signer's chain validated
/// against one pinned anchor, by five contenders. SignedCms/EnvelopedCms is the baseline; MimeKit
/// is what a MailKit app reads with; the floor is the bare primitives; the inspector is SmimeGraph, over the message in memory and as a stream.
/// </summary>
[MemoryDiagnoser]
public class ReadingBenchmarks
{
    private ReadingFixture _fixture = null!;
    private ReadingFloor _floor = null!;
    private SmimeInspectorOptions _options = null!;

    [Params(MessageFixture.Small, MessageFixture.Largest)]
    public int AttachmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = ReadingFixture.For(AttachmentSize);
        _floor = new ReadingFloor(_fixture.Message);
        _ = MimeKitReader.Context(_fixture);
        _options = new SmimeInspectorOptions();
        _options.DecryptionCertificates.Add(_fixture.Recipient);
        _options.TrustAnchors.Add(_fixture.Anchor);
        foreach (var intermediate in _fixture.Intermediates)
        {
            _options.ExtraCertificates.Add(intermediate);
        }

        // Each contender must succeed on the message before anything is timed.
        _ = Baseline();
        _ = MimeKit();
        _ = Inspector();
        _ = StreamingInspector();
    }

    [GlobalCleanup]
    public void Cleanup() => _floor.Dispose();

    /// <summary>EnvelopedCms + SignedCms + X509Chain, MIME by hand.</summary>
    [Benchmark(Baseline = true, Description = "SignedCms/EnvelopedCms")]
    public int Baseline() => SystemPkcsReader.Read(_fixture);

    /// <summary>MimeKit 4.18.2: Load, Decrypt, Verify, signature.Verify().</summary>
    [Benchmark(Description = "MimeKit")]
    public int MimeKit() => MimeKitReader.Read(_fixture);

    /// <summary>The primitives alone.</summary>
    [Benchmark(Description = "Floor")]
    public int Floor() => _floor.Run();

    /// <summary>SmimeGraph's inspector over the message in memory: a VALID verdict or an exception.</summary>
    [Benchmark(Description = "Inspector")]
    public int Inspector()
    {
        InspectionResult result = SmimeInspector.Inspect(_fixture.Mime, _options);
        return result.IsValid
            ? result.Layers.Count
            : throw new InvalidOperationException("The inspector did not find the message valid: " + string.Join("; ", result.Layers.SelectMany(l => l.Problems)));
    }

    /// <summary>SmimeGraph's inspector reading the message as a stream, the content written to a null stream.</summary>
    [Benchmark(Description = "Streaming inspector")]
    public int StreamingInspector()
    {
        InspectionResult result = SmimeInspector.InspectStreaming(new MemoryStream(_fixture.Mime, writable: false), Stream.Null, _options);
        return result.IsValid
            ? result.Layers.Count
            : throw new InvalidOperationException("The streaming inspector did not find the message valid: " + string.Join("; ", result.Layers.SelectMany(l => l.Problems)));
    }
}
