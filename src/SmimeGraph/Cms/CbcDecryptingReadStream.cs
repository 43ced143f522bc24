using System.Security.Cryptography;
using SmimeGraph.Buffers;

namespace SmimeGraph.Cms;

/// <summary>
/// Decrypts a CBC ciphertext (RFC 5652 §6.3, the content-encryption of an EnvelopedData) as it is
/// read: the ciphertext is read in blocks of 8 to 16 KiB, and each block is decrypted with one
/// call, into one pooled buffer that is cleared as far as it held
/// plaintext when the stream is disposed. The last cipher block is held back until the source
/// ends, and its PKCS #7 padding (RFC 5652 §6.3) is removed here: the platform's padded decryptor
/// holds that block back too, but decrypts it with a call of its own on every block. A wrong
/// padding, or a ciphertext that is not a whole number of blocks, is a
/// <see cref="CryptographicException"/> at the end of the content.
/// </summary>
internal sealed class CbcDecryptingReadStream : ReadOnlyStreamBase
{
    private const int ChunkSize = 16 * 1024;

    // Reads go on until this much is held, so every read asks for more than 8 KiB: a read that
    // large goes past the BER reader's 8 KiB buffer, straight to the base64 decoder below.
    private const int FillTarget = 8 * 1024;

    private readonly Stream _source;
    private readonly ICryptoTransform _decryptor;
    private readonly int _blockSize;
    private byte[] _ciphertext = CryptoPool.Rent(ChunkSize);
    private byte[] _plaintext = CryptoPool.Rent(ChunkSize);
    private int _held;
    private int _start;
    private int _end;
    private int _plaintextUsed;
    private bool _sourceEnded;
    private bool _finished;

    /// <param name="source">The ciphertext; not disposed.</param>
    /// <param name="decryptor">A CBC decryptor without padding (<see cref="PaddingMode.None"/>): the padding is removed here; not disposed.</param>
    public CbcDecryptingReadStream(Stream source, ICryptoTransform decryptor)
    {
        _source = source;
        _decryptor = decryptor;
        _blockSize = decryptor.InputBlockSize;
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

            // The ciphertext buffer is filled before each cipher call: a constructed OCTET STRING
            // hands its segments over one at a time, however small, and every call costs its way
            // through the platform and OpenSSL.
            while (!_sourceEnded && _held < FillTarget)
            {
                int read = _source.Read(_ciphertext.AsSpan(_held, ChunkSize - _held));
                _sourceEnded = read == 0;
                _held += read;
            }

            _start = 0;
            if (_sourceEnded)
            {
                _end = DecryptLast();
                _finished = true;
                continue;
            }

            // All but the last whole block, which may be the padded one.
            int now = _held - (_held % _blockSize) - _blockSize;
            _plaintextUsed = Math.Max(_plaintextUsed, now);
            _end = _decryptor.TransformBlock(_ciphertext, 0, now, _plaintext, 0);
            _ciphertext.AsSpan(now, _held - now).CopyTo(_ciphertext);
            _held -= now;
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

    // Decrypts what is held at the end of the ciphertext and returns the plaintext length without
    // the padding: RFC 5652 §6.3, k - (l mod k) octets each of that value, so 1 to k of them.
    private int DecryptLast()
    {
        if (_held == 0 || _held % _blockSize != 0)
        {
            throw new CryptographicException("The ciphertext is not a whole number of cipher blocks.");
        }

        _plaintextUsed = Math.Max(_plaintextUsed, _held);
        int length = _decryptor.TransformBlock(_ciphertext, 0, _held, _plaintext, 0);
        _held = 0;
        int padding = length == 0 ? 0 : _plaintext[length - 1];
        if (padding == 0 || padding > _blockSize || _plaintext.AsSpan(length - padding, padding).ContainsAnyExcept((byte)padding))
        {
            throw new CryptographicException("Padding is invalid and cannot be removed.");
        }

        return length - padding;
    }
}
