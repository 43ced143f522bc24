using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using SmimeGraph.Benchmarks.Floor;
using SmimeGraph.Buffers;
using SmimeGraph.Cms;
using SmimeGraph.Graph;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The fixed per-message costs of a small sign-then-encrypt message (4 KiB attachment) taken
/// apart: what the pipeline does once per message besides the primitives the floor counts. Each
/// benchmark is one step as the composer runs it today, beside the same step with what it needs
/// made once and held (a key imported once, a writer built once), so the difference is what
/// caching that step could save. The whole message (pipeline and floor) is measured in the same
/// run for scale. Run with <c>--filter *FixedCost*</c>.
/// </summary>
[MemoryDiagnoser]
public class FixedCostBenchmarks
{
    private readonly byte[] _digest = SHA256.HashData("signed attributes"u8);
    private readonly byte[] _contentKey = new byte[32];
    private readonly byte[] _wrapped = new byte[256];
    private readonly byte[] _signature = new byte[256];
    private readonly byte[] _entity = new byte[6225];
    private MessageFixture _fixture = null!;
    private PrimitiveFloor _floor = null!;
    private MessageSpec _spec = null!;
    private SmimeOptions _options = null!;
    private X509Certificate2 _signer = null!;
    private X509Certificate2 _recipient = null!;
    private X509Certificate2 _sender = null!;
    private RSA _signingKey = null!;
    private RSA _recipientKey = null!;
    private RSA _senderKey = null!;
    private SignedDataWriter _signedData = null!;
    private EnvelopedDataWriter _envelopedData = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = MessageFixture.For(MessageFixture.Small);
        _floor = new PrimitiveFloor(_fixture, SmimeOperation.SignAndEncrypt);
        _spec = _fixture.CreateSpec();
        _signer = _fixture.Certificates.Signer;
        _recipient = _fixture.Certificates.Recipient;
        _sender = _fixture.Certificates.SenderEncryption;
        var encryption = new SmimeEncryptionOptions { SenderCertificate = _sender };
        encryption.Recipients.Add(_recipient);
        _options = new SmimeOptions { Signer = new SmimeSigner(_signer), Encryption = encryption };
        _signingKey = _signer.GetRSAPrivateKey()!;
        _recipientKey = _recipient.GetRSAPublicKey()!;
        _senderKey = _sender.GetRSAPublicKey()!;
        _signedData = SendingAgent.CreateSignedDataWriter(_options.Signer);
        _envelopedData = SendingAgent.CreateEnvelopedDataWriter(encryption);
        RandomNumberGenerator.Fill(_contentKey);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _floor.Dispose();
        _signingKey.Dispose();
        _recipientKey.Dispose();
        _senderKey.Dispose();
    }

    /// <summary>The whole message, spec to Graph body, for scale.</summary>
    [Benchmark(Baseline = true, Description = "Pipeline (whole message)")]
    public async Task<long> Pipeline()
    {
        using GraphPayload payload = await LibraryPipeline.ComposeAsync(_fixture, SmimeOperation.SignAndEncrypt).ConfigureAwait(false);
        return payload.Length;
    }

    /// <summary>The whole message with a signer and recipient set made for it alone (policy and key imports again).</summary>
    [Benchmark(Description = "Pipeline, signer and recipients new per message")]
    public async Task<long> PipelineCold()
    {
        using GraphPayload payload = await LibraryPipeline.ComposeColdAsync(_fixture, SmimeOperation.SignAndEncrypt).ConfigureAwait(false);
        return payload.Length;
    }

    /// <summary>The same message signed only.</summary>
    [Benchmark(Description = "Pipeline, sign only")]
    public async Task<long> PipelineSignOnly()
    {
        using GraphPayload payload = await LibraryPipeline.ComposeAsync(_fixture, SmimeOperation.Sign).ConfigureAwait(false);
        return payload.Length;
    }

    /// <summary>The same message encrypted only.</summary>
    [Benchmark(Description = "Pipeline, encrypt only")]
    public async Task<long> PipelineEncryptOnly()
    {
        using GraphPayload payload = await LibraryPipeline.ComposeAsync(_fixture, SmimeOperation.Encrypt).ConfigureAwait(false);
        return payload.Length;
    }

    /// <summary>The floor of the whole message, for scale.</summary>
    [Benchmark(Description = "Floor (whole message)")]
    public int Floor() => _floor.Run();

    /// <summary>One RSA-2048 signature with a key taken from the certificate for this message (as SignerInfoWriter does).</summary>
    [Benchmark(Description = "Sign: key from certificate + RSA signature")]
    public int SignWithKeyFromCertificate()
    {
        using RSA key = _signer.GetRSAPrivateKey()!;
        key.TrySignHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out int written);
        return written;
    }

    /// <summary>The same signature with a key held across messages.</summary>
    [Benchmark(Description = "Sign: held key, RSA signature")]
    public int SignWithHeldKey()
    {
        _signingKey.TrySignHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out int written);
        return written;
    }

    /// <summary>Taking the private key out of the certificate alone.</summary>
    [Benchmark(Description = "Sign: private key from certificate only")]
    public int PrivateKeyFromCertificate()
    {
        using RSA key = _signer.GetRSAPrivateKey()!;
        return key.KeySize;
    }

    /// <summary>Two key transports with the public keys imported for this message (as KeyTransRecipientInfoWriter does).</summary>
    [Benchmark(Description = "Encrypt: 2 public keys imported + 2 key transports")]
    public int KeyTransportsWithImportedKeys()
    {
        using RSA recipient = _recipient.GetRSAPublicKey()!;
        using RSA sender = _sender.GetRSAPublicKey()!;
        recipient.TryEncrypt(_contentKey, _wrapped, RSAEncryptionPadding.Pkcs1, out int a);
        sender.TryEncrypt(_contentKey, _wrapped, RSAEncryptionPadding.Pkcs1, out int b);
        return a + b;
    }

    /// <summary>The same key transports with keys held across messages.</summary>
    [Benchmark(Description = "Encrypt: held public keys, 2 key transports")]
    public int KeyTransportsWithHeldKeys()
    {
        _recipientKey.TryEncrypt(_contentKey, _wrapped, RSAEncryptionPadding.Pkcs1, out int a);
        _senderKey.TryEncrypt(_contentKey, _wrapped, RSAEncryptionPadding.Pkcs1, out int b);
        return a + b;
    }

    /// <summary>The certificate policy for the signer (validity, key usage, EKU, key size).</summary>
    [Benchmark(Description = "Policy: signer")]
    public int SignerPolicy() => CertificatePolicy.Evaluate(_signer, CertificatePurpose.Signing, DateTimeOffset.UtcNow).Count;

    /// <summary>The certificate policy for both recipients, and their thumbprints (the writer's duplicate check).</summary>
    [Benchmark(Description = "Policy: 2 recipients + thumbprints")]
    public int RecipientPolicy()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return CertificatePolicy.Evaluate(_recipient, CertificatePurpose.Encryption, now).Count
            + CertificatePolicy.Evaluate(_sender, CertificatePurpose.Encryption, now).Count
            + _recipient.Thumbprint.Length + _sender.Thumbprint.Length;
    }

    /// <summary>The SignedData writer: policy, key probe, signed attributes, certificates, placeholder lengths.</summary>
    [Benchmark(Description = "Setup: SignedData writer")]
    public int SignedDataWriterSetup() => SendingAgent.CreateSignedDataWriter(_options.Signer!).DetachedLength;

    /// <summary>The EnvelopedData writer: policy, thumbprints, RecipientInfo writers, sizing.</summary>
    [Benchmark(Description = "Setup: EnvelopedData writer")]
    public long EnvelopedDataWriterSetup() => SendingAgent.CreateEnvelopedDataWriter(_options.Encryption!).PredictLength(0);

    /// <summary>A kept signer's writer for one more message (the policy and the attributes prepared before).</summary>
    [Benchmark(Description = "Setup: kept signer, next message")]
    public int KeptSignerWriter() => _options.Signer!.CreateWriter(TimeProvider.System).DetachedLength;

    /// <summary>A kept recipient set's writer for one more message (the policy and the imported keys prepared before).</summary>
    [Benchmark(Description = "Setup: kept recipients, next message")]
    public long KeptRecipientsWriter() => _options.Encryption!.CreateWriter(TimeProvider.System).PredictLength(0);

    /// <summary>The MIME writer: header lines, the body layout, the boundaries.</summary>
    [Benchmark(Description = "Setup: MIME writer")]
    public long MimeWriterSetup() => MimeMessageWriter.Create(_spec).RoutingHeadersLength;

    /// <summary>The whole plan: both CMS writers, the MIME writer, the S/MIME headers and lengths.</summary>
    [Benchmark(Description = "Setup: whole message plan")]
    public long MessagePlanSetup() => MessagePlan.Create(_spec, _options, TimeProvider.System).MimeLength ?? 0;

    /// <summary>The two boundaries of a signed message (multipart/mixed and multipart/signed).</summary>
    [Benchmark(Description = "Boundaries: 2 random boundaries")]
    public int Boundaries() => MimeBoundary.Create().Length + MimeBoundary.Create().Length;

    /// <summary>The signature's completion with a built writer: signed attributes, their hash, the signature, the encoding.</summary>
    [Benchmark(Description = "Complete: SignerInfo + SignedData")]
    public int CompleteSignature() => _signedData.CompleteDetached(_digest).Length;

    /// <summary>Opening the envelope with a built writer (content key, IV, two RecipientInfos, AES) and closing it empty.</summary>
    [Benchmark(Description = "Open+close: EnvelopedData stream")]
    public int OpenEnvelope()
    {
        using (Stream stream = _envelopedData.Open(Stream.Null, 0))
        {
        }

        return 0;
    }

    /// <summary>An AES-256-CBC encryptor for a fresh key and IV, one final block, disposed (what each envelope sets up).</summary>
    [Benchmark(Description = "AES: create, encryptor, final block")]
    public int AesSetup()
    {
        using Aes aes = Aes.Create();
        using ICryptoTransform encryptor = aes.CreateEncryptor(_contentKey, _contentKey.AsSpan(0, 16).ToArray());
        return encryptor.TransformFinalBlock(_contentKey, 0, 5).Length;
    }

    /// <summary>A SHA-256 incremental hash over the 6 KB body entity (what the detached signature hashes).</summary>
    [Benchmark(Description = "Hash: SHA-256 of the body entity")]
    public int HashEntity()
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_entity);
        return hash.GetHashAndReset(_signature);
    }

    /// <summary>The body entity written by a built MIME writer into a null stream (the attachment's base64 included).</summary>
    [Benchmark(Description = "Write: body entity")]
    public async Task<long> WriteBodyEntity()
    {
        MimeMessageWriter writer = MimeMessageWriter.Create(_spec);
        await writer.WriteBodyEntityAsync(Stream.Null).ConfigureAwait(false);
        return writer.BodyEntityLength ?? 0;
    }

    /// <summary>The pooled output and encoders: body buffer, Graph base64 stream, a 76-column base64 stream, one byte through.</summary>
    [Benchmark(Description = "Streams: body buffer + encoders")]
    public long StreamSetup()
    {
        using var body = new PooledSegmentBuffer(GraphPayload.DefaultCeiling);
        var graph = new GraphBodyStream(body);
        var lines = new Base64LineStream(graph);
        lines.WriteByte(0);
        lines.Complete();
        graph.Complete();
        return body.Length;
    }
}
