using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Benchmarks.Smime;

namespace SmimeGraph.Benchmarks.Floor;

/// <summary>
/// The least any reader must do for the sign-then-encrypt message, over the byte counts the
/// baseline produced, into buffers allocated once:
/// <list type="bullet">
/// <item>base64 decode of the EnvelopedData (RFC 2045 §6.8);</item>
/// <item>one RSA-2048 PKCS#1 v1.5 key-transport decryption (RFC 5652 §6.2.1);</item>
/// <item>AES-256-CBC decryption of the content (the multipart/signed entity);</item>
/// <item>SHA-256 over the signed entity and one RSA-2048 signature verification (RFC 5652 §5.6).</item>
/// </list>
/// MIME and DER parsing, the signature's own base64, the chain's signatures and every copy are
/// left out, so the floor is a true lower bound.
/// </summary>
internal sealed class ReadingFloor : IDisposable
{
    private readonly Composition _shape;
    private readonly byte[] _encoded;
    private readonly byte[] _envelope;
    private readonly byte[] _ciphertext;
    private readonly byte[] _plaintext;
    private readonly byte[] _wrappedKey;
    private readonly byte[] _signature;
    private readonly byte[] _iv = new byte[16];
    private readonly RSA _recipientKey;
    private readonly RSA _signerKey;
    private readonly Aes _aes = Aes.Create();

    public ReadingFloor(MessageFixture fixture)
    {
        _shape = fixture.Composition(SmimeOperation.SignAndEncrypt);
        byte[] envelope = new byte[_shape.EnvelopeLength];
        RandomNumberGenerator.Fill(envelope);
        _encoded = new byte[Base64.GetMaxEncodedToUtf8Length(envelope.Length)];
        Base64.EncodeToUtf8(envelope, _encoded, out _, out _);
        _envelope = new byte[envelope.Length];

        // Real ciphertext, wrapped key and signature, so every primitive succeeds as a reader's would.
        byte[] key = RandomNumberGenerator.GetBytes(32);
        RandomNumberGenerator.Fill(_iv);
        byte[] content = new byte[_shape.EncryptedContentLength];
        RandomNumberGenerator.Fill(content);
        _aes.Key = key;
        _ciphertext = _aes.EncryptCbc(content, _iv, PaddingMode.PKCS7);
        _plaintext = new byte[_ciphertext.Length];
        using (RSA recipientPublic = fixture.Certificates.Recipient.GetRSAPublicKey()!)
        {
            _wrappedKey = recipientPublic.Encrypt(key, RSAEncryptionPadding.Pkcs1);
        }

        using (RSA signerPrivate = fixture.Certificates.Signer.GetRSAPrivateKey()!)
        {
            _signature = signerPrivate.SignData(content.AsSpan(0, _shape.BodyEntityLength).ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        _recipientKey = fixture.Certificates.Recipient.GetRSAPrivateKey() ?? throw new InvalidOperationException("The recipient has no RSA private key.");
        _signerKey = fixture.Certificates.Signer.GetRSAPublicKey() ?? throw new InvalidOperationException("The signer has no RSA public key.");
    }

    /// <summary>Does the work; returns the number of plaintext bytes.</summary>
    public int Run()
    {
        if (Base64.DecodeFromUtf8(_encoded, _envelope, out _, out _) != OperationStatus.Done)
        {
            throw new InvalidOperationException("Base64 decode failed.");
        }

        Span<byte> key = stackalloc byte[32];
        if (!_recipientKey.TryDecrypt(_wrappedKey, key, RSAEncryptionPadding.Pkcs1, out int keyLength) || keyLength != 32)
        {
            throw new CryptographicException("Key transport failed.");
        }

        _aes.SetKey(key);
        CryptographicOperations.ZeroMemory(key);
        int written = _aes.DecryptCbc(_ciphertext, _iv, _plaintext, PaddingMode.PKCS7);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(_plaintext.AsSpan(0, _shape.BodyEntityLength), digest);
        return _signerKey.VerifyHash(digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? written
            : throw new CryptographicException("The signature did not verify.");
    }

    public void Dispose()
    {
        _aes.Dispose();
        _recipientKey.Dispose();
        _signerKey.Dispose();
    }
}
