using System.Buffers;
using System.Security.Cryptography;
using SmimeGraph.Buffers;

namespace SmimeGraph.Cms;

/// <summary>
/// Encrypts AuthEnvelopedData content with AES-GCM (RFC 5083 §2.2, RFC 5084). <see cref="AesGcm"/>
/// encrypts in one call, so the plaintext is held in a pooled buffer (bounded by
/// <see cref="EnvelopedDataWriter.MaxAuthenticatedContentLength"/>, cleared afterwards) and the
/// whole structure, DER, is written on dispose. No authAttrs are written, so the additional
/// authenticated data is empty (RFC 5083 §2.2).
/// </summary>
internal sealed class AuthEnvelopedContentStream : EncryptingContentStream
{
    private const int InitialCapacity = 64 * 1024;

    private readonly EnvelopedDataLayout _layout;
    private readonly AesGcm _aesGcm;
    private readonly byte[] _nonce;
    private byte[]? _buffer;
    private int _length;

    public AuthEnvelopedContentStream(Stream destination, EnvelopedDataLayout layout, AesGcm aesGcm, byte[] nonce, long? contentLength)
        : base(destination, contentLength)
    {
        _layout = layout;
        _aesGcm = aesGcm;
        _nonce = nonce;
        // The announced length is at most MaxAuthenticatedContentLength (checked by the writer).
        _buffer = CryptoPool.Rent((int)Math.Max(contentLength ?? InitialCapacity, 1));
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        EnsureCapacity(buffer.Length);
        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
    }

    protected override ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        WriteCore(buffer.Span);
        return ValueTask.CompletedTask;
    }

    protected override void Complete()
    {
        var output = new ArrayBufferWriter<byte>(256);
        ReadOnlyMemory<byte> ciphertext = Encrypt(output, out byte[] suffix);
        Destination.Write(output.WrittenSpan);
        Destination.Write(ciphertext.Span);
        Destination.Write(suffix);
    }

    protected override async ValueTask CompleteAsync()
    {
        var output = new ArrayBufferWriter<byte>(256);
        ReadOnlyMemory<byte> ciphertext = Encrypt(output, out byte[] suffix);
        await Destination.WriteAsync(output.WrittenMemory).ConfigureAwait(false);
        await Destination.WriteAsync(ciphertext).ConfigureAwait(false);
        await Destination.WriteAsync(suffix).ConfigureAwait(false);
    }

    protected override void Release()
    {
        _aesGcm.Dispose();
        if (_buffer is not null)
        {
            CryptoPool.Return(_buffer, _length);
            _buffer = null;
        }
    }

    // Encrypts in place; returns the ciphertext, with the prefix in output and the mac field in suffix.
    private ReadOnlyMemory<byte> Encrypt(ArrayBufferWriter<byte> prefix, out byte[] suffix)
    {
        Span<byte> tag = stackalloc byte[EnvelopedDataLayout.MacLength];
        Span<byte> plaintext = _buffer.AsSpan(0, _length);
        _aesGcm.Encrypt(_nonce, plaintext, plaintext, tag);
        _layout.WriteDefinitePrefix(prefix, _length);
        var mac = new ArrayBufferWriter<byte>(2 + EnvelopedDataLayout.MacLength);
        EnvelopedDataLayout.WriteMac(mac, tag);
        suffix = mac.WrittenSpan.ToArray();
        return _buffer.AsMemory(0, _length);
    }

    private void EnsureCapacity(int count)
    {
        byte[] buffer = _buffer!;
        long needed = (long)_length + count;
        if (needed <= buffer.Length)
        {
            return;
        }

        if (needed > EnvelopedDataWriter.MaxAuthenticatedContentLength)
        {
            throw new SmimeGraphException($"AES-GCM content is limited to {EnvelopedDataWriter.MaxAuthenticatedContentLength:N0} bytes; the plaintext is longer.");
        }

        byte[] larger = CryptoPool.Rent((int)Math.Min(Math.Max(needed, 2L * buffer.Length), EnvelopedDataWriter.MaxAuthenticatedContentLength));
        buffer.AsSpan(0, _length).CopyTo(larger);
        CryptoPool.Return(buffer, _length);
        _buffer = larger;
    }
}
