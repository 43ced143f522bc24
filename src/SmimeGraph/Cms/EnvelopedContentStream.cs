using System.Buffers;
using System.Security.Cryptography;
using SmimeGraph.Buffers;

namespace SmimeGraph.Cms;

/// <summary>
/// Encrypts EnvelopedData content with AES-CBC and PKCS #7 padding (RFC 5652 §6.3, RFC 3565) as it
/// is written, <see cref="ChunkSize"/> bytes at a time in pooled buffers. In the indefinite form
/// each chunk of ciphertext is one primitive OCTET STRING inside the constructed encryptedContent.
/// </summary>
internal sealed class EnvelopedContentStream : EncryptingContentStream
{
    /// <summary>Plaintext encrypted per step (a multiple of the AES block size).</summary>
    public const int ChunkSize = 16 * 1024;

    // Room before the ciphertext for an OCTET STRING header (tag, 0x82, two length octets).
    private const int HeaderRoom = 4;
    private const int BlockSize = 16;

    private readonly ICryptoTransform _encryptor;
    private readonly bool _indefinite;
    private byte[]? _plaintext;
    private byte[]? _ciphertext;
    private int _buffered;
    private int _plaintextHighWater;

    public EnvelopedContentStream(Stream destination, ICryptoTransform encryptor, long? contentLength)
        : base(destination, contentLength)
    {
        _encryptor = encryptor;
        _indefinite = contentLength is null;
        _plaintext = CryptoPool.Rent(ChunkSize);
        _ciphertext = CryptoPool.Rent(HeaderRoom + ChunkSize + BlockSize);
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int taken = Buffer(buffer);
            buffer = buffer[taken..];
            if (_buffered == ChunkSize)
            {
                Destination.Write(EncryptBuffered(isFinalBlock: false).Span);
            }
        }
    }

    protected override async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            int taken = Buffer(buffer.Span);
            buffer = buffer[taken..];
            if (_buffered == ChunkSize)
            {
                await Destination.WriteAsync(EncryptBuffered(isFinalBlock: false), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override void Complete()
    {
        Destination.Write(EncryptBuffered(isFinalBlock: true).Span);
        if (_indefinite)
        {
            Destination.Write(EnvelopedDataLayout.IndefiniteTrailer.Span);
        }
    }

    protected override async ValueTask CompleteAsync()
    {
        await Destination.WriteAsync(EncryptBuffered(isFinalBlock: true)).ConfigureAwait(false);
        if (_indefinite)
        {
            await Destination.WriteAsync(EnvelopedDataLayout.IndefiniteTrailer).ConfigureAwait(false);
        }
    }

    protected override void Release()
    {
        _encryptor.Dispose();
        if (_plaintext is not null)
        {
            CryptoPool.Return(_plaintext, _plaintextHighWater);
            _plaintext = null;
        }

        if (_ciphertext is not null)
        {
            CryptoPool.Return(_ciphertext, clearSize: 0);
            _ciphertext = null;
        }
    }

    private int Buffer(ReadOnlySpan<byte> source)
    {
        int count = Math.Min(source.Length, ChunkSize - _buffered);
        source[..count].CopyTo(_plaintext.AsSpan(_buffered));
        _buffered += count;
        _plaintextHighWater = Math.Max(_plaintextHighWater, _buffered);
        return count;
    }

    // Encrypts the buffered plaintext (all of it: the chunk is block-aligned unless final, where
    // the transform pads) and returns the bytes to write, chunk header included when indefinite.
    private ReadOnlyMemory<byte> EncryptBuffered(bool isFinalBlock)
    {
        byte[] plaintext = _plaintext!;
        byte[] ciphertext = _ciphertext!;
        int whole = _buffered - (_buffered % BlockSize);
        int length = whole == 0 ? 0 : _encryptor.TransformBlock(plaintext, 0, whole, ciphertext, HeaderRoom);
        if (isFinalBlock)
        {
            byte[] last = _encryptor.TransformFinalBlock(plaintext, whole, _buffered - whole);
            last.CopyTo(ciphertext, HeaderRoom + length);
            length += last.Length;
        }

        _buffered = 0;
        if (!_indefinite)
        {
            return ciphertext.AsMemory(HeaderRoom, length);
        }

        Span<byte> header = stackalloc byte[HeaderRoom];
        int headerLength = EnvelopedDataLayout.WriteChunkHeader(header, length);
        header[..headerLength].CopyTo(ciphertext.AsSpan(HeaderRoom - headerLength));
        return ciphertext.AsMemory(HeaderRoom - headerLength, headerLength + length);
    }
}
