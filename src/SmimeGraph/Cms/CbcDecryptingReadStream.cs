using System.Security.Cryptography;
using SmimeGraph.Buffers;

namespace SmimeGraph.Cms;

/// <summary>
/// Decrypts a CBC ciphertext (RFC 5652 §6.3, the content-encryption of an EnvelopedData) as it is
/// read, through a decryptor that removes the PKCS #7 padding: the ciphertext is read into a block
/// of 16 KiB, as full as the source allows, and each block is decrypted with one call, into one
/// pooled buffer that is cleared as far as it held plaintext when the stream is disposed. A wrong
/// padding in the last block, or a ciphertext that is not a whole number of blocks, is the
/// decryptor's <see cref="CryptographicException"/> at the end of the content.
/// </summary>
internal sealed class CbcDecryptingReadStream : ReadOnlyStreamBase
{
    private const int ChunkSize = 16 * 1024;

    private readonly Stream _source;
    private readonly ICryptoTransform _decryptor;
    private readonly int _blockSize;
    private byte[] _ciphertext = CryptoPool.Rent(ChunkSize);
    private byte[] _plaintext;
    private int _held;
    private int _start;
    private int _end;
    private int _plaintextUsed;
    private bool _sourceEnded;
    private bool _finished;

    /// <param name="source">The ciphertext; not disposed.</param>
    /// <param name="decryptor">A CBC decryptor with PKCS #7 padding (it holds the last block back until the end); not disposed.</param>
    public CbcDecryptingReadStream(Stream source, ICryptoTransform decryptor)
    {
        _source = source;
        _decryptor = decryptor;
        _blockSize = decryptor.InputBlockSize;
        _plaintext = CryptoPool.Rent(ChunkSize + _blockSize);
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_ciphertext.Length == 0, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_start == _end)
        {
            if (_finished)
            {
                return 0;
            }

            // The ciphertext buffer is filled as far as the source goes before each cipher call:
            // a BER OCTET STRING hands its segments over one at a time (often 4 KiB or less), and
            // every call costs its way through the platform and OpenSSL. What is held is less than
            // a block, so the first read always has room.
            while (!_sourceEnded && _held < ChunkSize)
            {
                int read = _source.Read(_ciphertext.AsSpan(_held, ChunkSize - _held));
                _sourceEnded = read == 0;
                _held += read;
            }

            _start = 0;
            _plaintextUsed = Math.Max(_plaintextUsed, Math.Min(_plaintext.Length, _held + _blockSize));
            int whole = _held - (_held % _blockSize);
            if (_sourceEnded && whole == 0)
            {
                byte[] last = _decryptor.TransformFinalBlock(_ciphertext, 0, _held);
                _held = 0;
                last.CopyTo(_plaintext, 0);
                _end = last.Length;
                CryptographicOperations.ZeroMemory(last);
                _finished = true;
                continue;
            }

            _end = whole == 0 ? 0 : _decryptor.TransformBlock(_ciphertext, 0, whole, _plaintext, 0);
            _ciphertext.AsSpan(whole, _held - whole).CopyTo(_ciphertext);
            _held -= whole;
        }

        int n = Math.Min(buffer.Length, _end - _start);
        _plaintext.AsSpan(_start, n).CopyTo(buffer);
        _start += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ciphertext.Length > 0)
        {
            CryptoPool.Return(_ciphertext, 0);
            CryptoPool.Return(_plaintext, _plaintextUsed);
            _ciphertext = [];
            _plaintext = [];
        }

        base.Dispose(disposing);
    }
}
