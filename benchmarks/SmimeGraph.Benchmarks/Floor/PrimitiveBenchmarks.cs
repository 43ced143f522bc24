using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Floor;

/// <summary>
/// The floor taken apart: each primitive a sign-then-encrypt composition must run, over the byte
/// counts of the fixture's message, into buffers allocated once. The sum is
/// <see cref="PipelineBenchmarks.Floor"/> for SignAndEncrypt (which also encodes the attachment).
/// </summary>
[MemoryDiagnoser]
public class PrimitiveBenchmarks
{
    private Composition _shape = null!;
    private byte[] _content = [];
    private byte[] _ciphertext = [];
    private byte[] _encoded = [];
    private byte[] _digest = new byte[SHA256.HashSizeInBytes];
    private byte[] _signature = new byte[256];
    private byte[] _key = new byte[32];
    private byte[] _iv = new byte[16];
    private RSA _signingKey = null!;
    private RSA _recipientKey = null!;
    private Aes _aes = null!;

    [Params(MessageFixture.Small, MessageFixture.Medium, MessageFixture.Largest)]
    public int AttachmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        MessageFixture fixture = MessageFixture.For(AttachmentSize);
        _shape = fixture.Composition(SmimeOperation.SignAndEncrypt);
        _content = new byte[_shape.EncryptedContentLength];
        RandomNumberGenerator.Fill(_content);
        _ciphertext = new byte[_content.Length + 16];
        _encoded = new byte[Base64.GetMaxEncodedToUtf8Length(_shape.Mime.Length)];
        _signingKey = fixture.Certificates.Signer.GetRSAPrivateKey()!;
        _recipientKey = fixture.Certificates.Recipient.GetRSAPublicKey()!;
        _aes = Aes.Create();
        RandomNumberGenerator.Fill(_key);
        _aes.Key = _key;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aes.Dispose();
        _signingKey.Dispose();
        _recipientKey.Dispose();
    }

    /// <summary>SHA-256 over the body entity (the signed bytes).</summary>
    [Benchmark]
    public byte[] Sha256Entity()
    {
        SHA256.HashData(_content.AsSpan(0, _shape.BodyEntityLength), _digest);
        return _digest;
    }

    /// <summary>AES-256-CBC over the multipart/signed entity (the encrypted bytes).</summary>
    [Benchmark]
    public int Aes256CbcContent() => _aes.EncryptCbc(_content, _iv, _ciphertext, PaddingMode.PKCS7);

    /// <summary>One RSA-2048 PKCS#1 v1.5 signature.</summary>
    [Benchmark]
    public int RsaSign()
    {
        _signingKey.TrySignHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out int written);
        return written;
    }

    /// <summary>One RSA-2048 PKCS#1 v1.5 key transport of a 32-byte AES key.</summary>
    [Benchmark]
    public int RsaKeyTransport()
    {
        _recipientKey.TryEncrypt(_key, _signature, RSAEncryptionPadding.Pkcs1, out int written);
        return written;
    }

    /// <summary>Base64 of the whole MIME message: the Graph request body.</summary>
    [Benchmark]
    public int Base64FinalMessage()
    {
        Base64.EncodeToUtf8(_shape.Mime, _encoded, out _, out int written);
        return written;
    }
}
