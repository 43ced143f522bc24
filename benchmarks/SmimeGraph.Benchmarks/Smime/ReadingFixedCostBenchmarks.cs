using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using SmimeGraph.Benchmarks.Floor;
using SmimeGraph.Smime;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The fixed per-message costs of reading a small sign-then-encrypt message (4 KiB attachment)
/// taken apart: each step the streaming inspector takes once per message besides the primitives
/// the reading floor counts, measured alone, beside the whole inspection and the floor for scale.
/// Run with <c>--filter *ReadingFixedCost*</c>, or <c>--cpu ReadingFixedCostBenchmarks</c> on a
/// busy machine.
/// </summary>
[MemoryDiagnoser]
public class ReadingFixedCostBenchmarks
{
    private readonly byte[] _digest = SHA256.HashData("signed attributes"u8);
    private ReadingFixture _fixture = null!;
    private ReadingFloor _floor = null!;
    private SmimeInspectorOptions _options = null!;
    private ChainValidationOptions _chainOptions = null!;
    private byte[][] _embedded = null!;
    private X509Certificate2 _signer = null!;
    private X509Certificate2[] _embeddedCertificates = null!;
    private byte[] _signature = null!;
    private byte[] _wrappedKey = null!;
    private RSA _signerPublicKey = null!;
    private (byte[] Digest, byte[] Signature, RSA IssuerKey)[] _certificateSignatures = null!;
    private RSA _recipientPrivateKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = ReadingFixture.For(MessageFixture.Small);
        _floor = new ReadingFloor(_fixture.Message);
        _options = new SmimeInspectorOptions();
        _options.DecryptionCertificates.Add(_fixture.Recipient);
        _options.TrustAnchors.Add(_fixture.Anchor);
        _chainOptions = new ChainValidationOptions();
        _chainOptions.TrustAnchors.Add(_fixture.Anchor);
        foreach (X509Certificate2 intermediate in _fixture.Intermediates)
        {
            _options.ExtraCertificates.Add(intermediate);
            _chainOptions.ExtraCertificates.Add(intermediate);
        }

        // What a signed message carries: the signer's certificate and the intermediates.
        _signer = _fixture.Message.Certificates.Signer;
        _embedded = [_signer.RawData, .. _fixture.Intermediates.Select(c => c.RawData)];
        _embeddedCertificates = [.. _embedded.Select(X509CertificateLoader.LoadCertificate)];
        using (RSA key = _signer.GetRSAPrivateKey()!)
        {
            _signature = key.SignHash(_digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using (RSA key = _fixture.Recipient.GetRSAPublicKey()!)
        {
            _wrappedKey = key.Encrypt(new byte[32], RSAEncryptionPadding.Pkcs1);
        }

        _signerPublicKey = _embeddedCertificates[0].GetRSAPublicKey()!;

        // The chain's own signatures: each certificate's, checked with its issuer's key.
        X509Certificate2[] path = [_signer, .. _fixture.Intermediates, _fixture.Anchor];
        _certificateSignatures = [.. path.Skip(1).Select((issuer, i) => CertificateSignature(path[i], issuer))];
        _recipientPrivateKey = _fixture.Recipient.GetRSAPrivateKey()!;
        _ = StreamingInspector();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _floor.Dispose();
        _signerPublicKey.Dispose();
        foreach ((_, _, RSA key) in _certificateSignatures)
        {
            key.Dispose();
        }
        _recipientPrivateKey.Dispose();
    }

    /// <summary>The whole streaming inspection, for scale.</summary>
    [Benchmark(Baseline = true, Description = "Streaming inspector (whole message)")]
    public int StreamingInspector()
    {
        InspectionResult result = SmimeInspector.InspectStreaming(new MemoryStream(_fixture.Mime, writable: false), Stream.Null, _options);
        return result.IsValid
            ? result.Layers.Count
            : throw new InvalidOperationException("The streaming inspector did not find the message valid: " + string.Join("; ", result.Layers.SelectMany(l => l.Problems)));
    }

    /// <summary>The reading floor, for scale.</summary>
    [Benchmark(Description = "Floor (whole message)")]
    public int Floor() => _floor.Run();

    /// <summary>Decoding the certificates the SignedData carries into X509Certificate2 objects.</summary>
    [Benchmark(Description = "Certificates: decode the embedded ones")]
    public int DecodeEmbeddedCertificates()
    {
        int n = 0;
        foreach (byte[] der in _embedded)
        {
            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(der);
            n += certificate.RawData.Length;
        }

        return n;
    }

    /// <summary>The same certificates taken from ones decoded earlier (a new handle to the same decoded certificate).</summary>
    [Benchmark(Description = "Certificates: duplicate decoded ones")]
    public int DuplicateDecodedCertificates()
    {
        int n = 0;
        foreach (X509Certificate2 decoded in _embeddedCertificates)
        {
            using var certificate = new X509Certificate2(decoded);
            n += certificate.RawData.Length;
        }

        return n;
    }

    /// <summary>The chain from the signer to the pinned anchor, with the S/MIME policy.</summary>
    [Benchmark(Description = "Chain: build and check to the anchor")]
    public int Chain() => ChainValidator.Validate(_embeddedCertificates[0], _embeddedCertificates, _chainOptions, CertificatePurpose.Signing).IsTrusted ? 1 : throw new InvalidOperationException("The chain is not trusted.");

    /// <summary>
    /// The signatures the chain checks (the signer's certificate by the intermediate, the
    /// intermediate's by the root: RSA-3072 in the test PKI), with keys imported earlier: the
    /// primitives inside the chain step, which the floor leaves out.
    /// </summary>
    [Benchmark(Description = "Chain: its certificate signatures alone")]
    public int ChainSignatures()
    {
        int verified = 0;
        foreach ((byte[] digest, byte[] signature, RSA key) in _certificateSignatures)
        {
            verified += key.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) ? 1 : throw new InvalidOperationException("A certificate signature did not verify.");
        }

        return verified;
    }

    /// <summary>The signer's public key taken from its certificate and one signature verified.</summary>
    [Benchmark(Description = "Verify: public key from certificate + RSA verification")]
    public bool VerifyWithKeyFromCertificate()
    {
        using RSA key = _embeddedCertificates[0].GetRSAPublicKey()!;
        return key.VerifyHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>One signature verified with a public key imported earlier: the primitive alone.</summary>
    [Benchmark(Description = "Verify: RSA verification alone")]
    public bool VerifyWithImportedKey() => _signerPublicKey.VerifyHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>One key transport decrypted with a private key taken from the certificate earlier: the primitive alone.</summary>
    [Benchmark(Description = "Decrypt: RSA decryption alone")]
    public int DecryptWithKeyTakenEarlier() => _recipientPrivateKey.Decrypt(_wrappedKey, RSAEncryptionPadding.Pkcs1).Length;

    /// <summary>The recipient's private key taken from its certificate and one key transport decrypted.</summary>
    [Benchmark(Description = "Decrypt: private key from certificate + RSA decryption")]
    public int DecryptWithKeyFromCertificate()
    {
        using RSA key = _fixture.Recipient.GetRSAPrivateKey()!;
        return key.Decrypt(_wrappedKey, RSAEncryptionPadding.Pkcs1).Length;
    }

    /// <summary>The certificate policy for the signer.</summary>
    [Benchmark(Description = "Policy: signer")]
    public int SignerPolicy() => CertificatePolicy.Evaluate(_embeddedCertificates[0], CertificatePurpose.Signing, DateTimeOffset.UtcNow).Count;

    // RFC 5280 §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
    private static (byte[] Digest, byte[] Signature, RSA IssuerKey) CertificateSignature(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        AsnReader sequence = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        byte[] digest = SHA256.HashData(sequence.ReadEncodedValue().Span);
        sequence.ReadSequence();
        byte[] signature = sequence.ReadBitString(out _);
        return (digest, signature, issuer.GetRSAPublicKey()!);
    }
}
