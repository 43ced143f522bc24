using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Floor;

/// <summary>
/// The least any implementation must do for the fixture's message: only the primitives, over the
/// byte counts the baseline produced, into buffers allocated once. Every layer that the format
/// requires is paid for once, nothing else (no MIME text, no ASN.1, no copies):
/// <list type="bullet">
/// <item>base64 of the attachment into the body entity (RFC 2045 §6.8);</item>
/// <item>sign: SHA-256 over the body entity, one RSA-2048 PKCS#1 v1.5 signature;</item>
/// <item>encrypt: AES-256-CBC over the content (the entity, or the multipart/signed entity), two
/// RSA-2048 PKCS#1 v1.5 key transports of the 32-byte key (the recipient and the sender's copy),
/// base64 of the EnvelopedData;</item>
/// <item><see cref="Base64.EncodeToUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/> over the final MIME (the Graph body).</item>
/// </list>
/// Line breaks, headers, DER framing and the base64 of the ~1.35 KB SignedData are left out, so the
/// floor is a true lower bound.
/// </summary>
internal sealed class PrimitiveFloor : IDisposable
{
    private readonly SmimeOperation _operation;
    private readonly Composition _shape;
    private readonly byte[] _attachment;
    private readonly byte[] _content;
    private readonly byte[] _ciphertext;
    private readonly byte[] _encoded;
    private readonly byte[] _final;
    private readonly RSA _signingKey;
    private readonly RSA _recipientKey;
    private readonly RSA _senderKey;
    private readonly Aes _aes = Aes.Create();

    public PrimitiveFloor(MessageFixture fixture, SmimeOperation operation)
    {
        _operation = operation;
        _shape = fixture.Composition(operation);
        _attachment = fixture.Attachment;
        // The content stands in for the entity (and for the multipart/signed entity): the
        // primitives' cost depends on the length, not on the bytes.
        _content = new byte[Math.Max(_shape.BodyEntityLength, _shape.EncryptedContentLength)];
        RandomNumberGenerator.Fill(_content);
        _ciphertext = new byte[Math.Max(_shape.EnvelopeLength, _shape.EncryptedContentLength + 16)];
        _encoded = new byte[Base64.GetMaxEncodedToUtf8Length(Math.Max(Math.Max(_attachment.Length, _shape.EnvelopeLength), 1))];
        _final = new byte[Base64.GetMaxEncodedToUtf8Length(_shape.Mime.Length)];
        _signingKey = fixture.Certificates.Signer.GetRSAPrivateKey() ?? throw new InvalidOperationException("The signer has no RSA private key.");
        _recipientKey = fixture.Certificates.Recipient.GetRSAPublicKey() ?? throw new InvalidOperationException("The recipient has no RSA public key.");
        _senderKey = fixture.Certificates.SenderEncryption.GetRSAPublicKey() ?? throw new InvalidOperationException("The sender's encryption certificate has no RSA public key.");
    }

    /// <summary>Does the work; returns the number of request-body bytes it would upload.</summary>
    public int Run()
    {
        Encode(_attachment, _encoded);
        if (_operation is SmimeOperation.Sign or SmimeOperation.SignAndEncrypt)
        {
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(_content.AsSpan(0, _shape.BodyEntityLength), digest);
            Span<byte> signature = stackalloc byte[256];
            // RFC 5652 §5.4: the signature is over the signed attributes' digest; one RSA operation either way.
            _signingKey.TrySignHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out _);
        }

        if (_operation is SmimeOperation.Encrypt or SmimeOperation.SignAndEncrypt)
        {
            Span<byte> key = stackalloc byte[32];
            Span<byte> iv = stackalloc byte[16];
            RandomNumberGenerator.Fill(key);
            RandomNumberGenerator.Fill(iv);
            _aes.SetKey(key);
            _aes.EncryptCbc(_content.AsSpan(0, _shape.EncryptedContentLength), iv, _ciphertext, PaddingMode.PKCS7);
            Span<byte> wrapped = stackalloc byte[256];
            _recipientKey.TryEncrypt(key, wrapped, RSAEncryptionPadding.Pkcs1, out _);
            _senderKey.TryEncrypt(key, wrapped, RSAEncryptionPadding.Pkcs1, out _);
            CryptographicOperations.ZeroMemory(key);
            // The EnvelopedData is the ciphertext plus a few hundred bytes of DER; base64 that many bytes.
            Encode(_ciphertext.AsSpan(0, _shape.EnvelopeLength), _encoded);
        }

        return Encode(_shape.Mime, _final);
    }

    private static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        OperationStatus status = Base64.EncodeToUtf8(source, destination, out _, out int written);
        return status == OperationStatus.Done ? written : throw new InvalidOperationException($"Base64 stopped with {status}.");
    }

    public void Dispose()
    {
        _aes.Dispose();
        _signingKey.Dispose();
        _recipientKey.Dispose();
        _senderKey.Dispose();
    }
}
