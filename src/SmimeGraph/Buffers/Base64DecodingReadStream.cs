namespace SmimeGraph.Buffers;

/// <summary>
/// Decodes a base64 Content-Transfer-Encoding body (RFC 2045 §6.8) as it is read, with the rules
/// of <see cref="Base64TransferDecoder"/>: whitespace ignored, anything else outside the alphabet,
/// data after the padding or a lone last character is a <see cref="MimeFormatException"/>.
/// The text is decoded where the MIME reader (<see cref="Mime.BufferedReadSource"/>) buffers it,
/// and that reader is advanced past what was decoded.
/// </summary>
internal sealed class Base64DecodingReadStream : ReadOnlyStreamBase
{
    private const int EncodedChunk = 16 * 1024;

    /// <summary>Reads with room for at least this much text are decoded into the caller's buffer.</summary>
    private const int DirectMinimum = 4 * 1024;

    private readonly Mime.BufferedReadSource _source;
    private readonly long _offset;
    private byte[] _decoded = CryptoPool.Rent((EncodedChunk / 4 * 3) + 3);
    private byte[]? _scratch;
    private int _scratchUsed;
    private Base64TransferDecoder.State _state;
    private int _decodedStart;
    private int _decodedEnd;
    private long _consumed;
    private int _decodedUsed;
    private bool _finished;

    /// <param name="source">The encoded body; not disposed.</param>
    /// <param name="offset">Where the body starts in the message, for error offsets.</param>
    public Base64DecodingReadStream(Mime.BufferedReadSource source, long offset)
    {
        _source = source;
        _offset = offset;
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_decoded.Length == 0, this);

        // A large read is decoded straight into the caller's buffer, which saves copying every
        // decoded byte once more.
        int direct = (buffer.Length - 3) / 3 * 4;
        while (_decodedStart == _decodedEnd)
        {
            if (_finished)
            {
                return 0;
            }

            ReadOnlySpan<byte> text = _source.Peek(1);
            if (direct >= DirectMinimum)
            {
                int take = Math.Min(text.Length, direct);
                int decoded = Decode(text[..take], buffer);
                _source.Advance(take);
                if (decoded > 0 || _finished)
                {
                    return decoded;
                }

                continue;
            }

            int length = Math.Min(text.Length, EncodedChunk);

            // The most the decoder may write, counted before it runs: a throw leaves bytes too.
            _decodedUsed = Math.Max(_decodedUsed, Math.Min(_decoded.Length, (length / 4 * 3) + 3));
            _decodedStart = 0;
            _decodedEnd = Decode(text[..length], _decoded);
            _source.Advance(length);
        }

        return TakeDecoded(buffer);
    }

    private int TakeDecoded(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _decodedEnd - _decodedStart);
        _decoded.AsSpan(_decodedStart, n).CopyTo(buffer);
        _decodedStart += n;
        return n;
    }

    // Decodes text just read, or finishes at the end of the text (when there is none).
    private int Decode(ReadOnlySpan<byte> text, Span<byte> output)
    {
        if (text.IsEmpty)
        {
            int last = Base64TransferDecoder.Finish(output, ref _state, _offset + _consumed);
            _finished = true;
            return last;
        }

        // The text without its whitespace goes to one scratch buffer for the whole body, cleared
        // once when the stream is disposed rather than after every chunk.
        if (text.Length >= Base64TransferDecoder.CompactMinimum)
        {
            _scratch ??= CryptoPool.Rent(Base64TransferDecoder.CompactWindow);
        }

        int decoded = _scratch is null
            ? Base64TransferDecoder.DecodeChunk(text, output, ref _state, _offset + _consumed)
            : Base64TransferDecoder.DecodeChunk(text, output, ref _state, _offset + _consumed, _scratch, ref _scratchUsed);
        _consumed += text.Length;
        return decoded;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _decoded.Length > 0)
        {
            // Cleared as far as they were written: a short body leaves most of them untouched.
            CryptoPool.Return(_decoded, _decodedUsed);
            if (_scratch is not null)
            {
                CryptoPool.Return(_scratch, _scratchUsed);
                _scratch = null;
            }

            _decoded = [];
        }

        base.Dispose(disposing);
    }
}
