using SmimeGraph.Buffers;

namespace SmimeGraph.Mime;

/// <summary>
/// Splits a multipart body into its parts as it is read (RFC 2046 §5.1.1), with the same rules
/// as <see cref="MimeParser"/>: a delimiter line is "--" boundary followed only by optional
/// whitespace, a close-delimiter adds "--"; the line break before a delimiter belongs to it; the
/// preamble and epilogue are skipped; without a close-delimiter the last part runs to the end of
/// the body. Memory is one line of lookahead, whatever the part sizes.
/// </summary>
internal sealed class MultipartBodyReader
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    private readonly BufferedReadSource _source;
    private readonly byte[] _dashBoundary;
    private readonly bool _dropFinalBreak;
    private readonly byte[] _pending = new byte[2];
    private int _pendingStart;
    private int _pendingEnd;
    private int _held;
    private bool _endAfterPending;
    private bool _atLineStart = true;
    private bool _partEnded;
    private bool _finished;
    private bool _endedByDelimiter;

    /// <param name="source">The body, positioned at its first byte.</param>
    /// <param name="dashBoundary">"--" and the boundary.</param>
    /// <param name="dropFinalBreak">
    /// True when the body ends where the whole input ends: a last part without a close-delimiter
    /// then loses its final line break, as <see cref="MimeParser"/> does at the end of its input.
    /// </param>
    public MultipartBodyReader(BufferedReadSource source, byte[] dashBoundary, bool dropFinalBreak)
    {
        _source = source;
        _dashBoundary = dashBoundary;
        _dropFinalBreak = dropFinalBreak;
    }

    /// <summary>The part <see cref="MoveNext"/> moved to, as a read-only stream that ends where the part ends.</summary>
    public Stream Current => new PartStream(this);

    /// <summary>True once a close-delimiter was read.</summary>
    public bool SawCloseDelimiter { get; private set; }

    /// <summary>
    /// Skips what is left of the current part (or the preamble) and moves to the next part.
    /// False after a close-delimiter or at the end of the body.
    /// </summary>
    public bool MoveNext()
    {
        if (_finished)
        {
            return false;
        }

        _ = SkipPart();

        if (!_endedByDelimiter)
        {
            _finished = true;
            return false;
        }

        _partEnded = false;
        _endedByDelimiter = false;
        _atLineStart = true;
        _pendingStart = _pendingEnd = _held = 0;
        return true;
    }

    private enum LineKind
    {
        Content,
        Delimiter,
        Close,
        End,
    }

    /// <summary>Reads the current part's bytes; 0 when it has ended.</summary>
    private int ReadPart(Span<byte> destination) => (int)Consume(destination, discard: false);

    /// <summary>Consumes the rest of the current part without copying it; returns its length.</summary>
    private long SkipPart()
    {
        long skipped = 0;
        while (!_partEnded)
        {
            skipped += Consume(default, discard: true);
        }

        return skipped;
    }

    /// <summary>
    /// Moves through the current part: into <paramref name="destination"/> until it is full, or,
    /// when <paramref name="discard"/>, through everything buffered without copying it anywhere.
    /// Returns the part's bytes passed.
    /// </summary>
    private long Consume(Span<byte> destination, bool discard)
    {
        long written = 0;
        while ((discard || written < destination.Length) && !_partEnded)
        {
            // What may still be passed in this call.
            long room = discard ? int.MaxValue : destination.Length - written;
            if (_pendingStart < _pendingEnd)
            {
                int n = (int)Math.Min(_pendingEnd - _pendingStart, room);
                if (!discard)
                {
                    _pending.AsSpan(_pendingStart, n).CopyTo(destination[(int)written..]);
                }

                _pendingStart += n;
                written += n;
                continue;
            }

            if (_endAfterPending)
            {
                _endAfterPending = false;
                _partEnded = true;
                break;
            }

            if (_atLineStart)
            {
                LineKind kind = ClassifyLine();
                if (kind == LineKind.End)
                {
                    // No close-delimiter: the part runs to the end of the body.
                    if (_held > 0 && !_dropFinalBreak)
                    {
                        ReleaseHeld();
                        _endAfterPending = true;
                    }
                    else
                    {
                        _partEnded = true;
                    }

                    _held = 0;
                    continue;
                }

                if (kind is LineKind.Delimiter or LineKind.Close)
                {
                    SkipLine();
                    _held = 0;
                    _partEnded = true;
                    _endedByDelimiter = kind == LineKind.Delimiter;
                    SawCloseDelimiter |= kind == LineKind.Close;
                    break;
                }

                ReleaseHeld();
                _held = 0;
                _atLineStart = false;
                continue;
            }

            ReadOnlySpan<byte> buffered = _source.Peek(1);
            if (buffered.IsEmpty)
            {
                _atLineStart = true;
                continue;
            }

            // Only a line that starts with "--" can be a delimiter: everything before the next
            // LF-dash-dash goes on at once, but the last bytes, which may begin one. The search
            // stops where the destination is full, so a small destination does not make the
            // rest of the buffer be searched again on every read.
            ReadOnlySpan<byte> window = buffered.Length - 3 > room ? buffered[..((int)room + 3)] : buffered;
            int lf = window.IndexOf("\n--"u8);
            if (lf < 0)
            {
                int safe = (int)Math.Min(window.Length - 3, room);
                if (safe > 0)
                {
                    Pass(buffered[..safe], destination, ref written, discard);
                    continue;
                }

                lf = buffered.IndexOf(LF);
            }

            if (lf >= 0)
            {
                int breakLength = lf > 0 && buffered[lf - 1] == CR ? 2 : 1;
                int contentLength = lf + 1 - breakLength;
                int n = (int)Math.Min(contentLength, room);
                Pass(buffered[..n], destination, ref written, discard);
                if (n < contentLength)
                {
                    break;
                }

                // The line break is held back until the next line shows it is not a delimiter's.
                _source.Advance(breakLength);
                _held = breakLength;
                _atLineStart = true;
                continue;
            }

            int available = buffered.Length;
            if (buffered[^1] == CR)
            {
                // A CR at the end of what is buffered may start a line break.
                if (available == 1)
                {
                    if (_source.Peek(2).Length == 1)
                    {
                        Pass([CR], destination, ref written, discard);
                    }

                    continue;
                }

                available--;
            }

            Pass(buffered[..(int)Math.Min(available, room)], destination, ref written, discard);
        }

        return written;
    }

    // Passes bytes at the front of the source on: copied to the destination unless discarded.
    private void Pass(ReadOnlySpan<byte> bytes, Span<byte> destination, ref long written, bool discard)
    {
        if (!discard)
        {
            bytes.CopyTo(destination[(int)written..]);
        }

        _source.Advance(bytes.Length);
        written += bytes.Length;
    }

    // Emits the held line break: the line after it is content.
    private void ReleaseHeld()
    {
        if (_held == 2)
        {
            _pending[0] = CR;
            _pending[1] = LF;
        }
        else
        {
            _pending[0] = LF;
        }

        _pendingStart = 0;
        _pendingEnd = _held;
    }

    private LineKind ClassifyLine()
    {
        ReadOnlySpan<byte> head = _source.Peek(_dashBoundary.Length + 2);
        if (head.IsEmpty)
        {
            return LineKind.End;
        }

        if (!head.StartsWith(_dashBoundary))
        {
            return LineKind.Content;
        }

        ReadOnlySpan<byte> rest = head[_dashBoundary.Length..];
        if (rest.StartsWith("--"u8))
        {
            return LineKind.Close;
        }

        ReadOnlySpan<byte> line = _source.PeekLine(out bool complete);
        if (!complete)
        {
            return LineKind.Content;
        }

        rest = line[_dashBoundary.Length..];
        if (rest.EndsWith("\n"u8))
        {
            rest = rest[..^1];
            if (rest.EndsWith("\r"u8))
            {
                rest = rest[..^1];
            }
        }

        // RFC 2046 §5.1.1: transport-padding (LWSP) may follow the boundary.
        return rest.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0 ? LineKind.Delimiter : LineKind.Content;
    }

    // Consumes a delimiter line through its LF, however long its tail.
    private void SkipLine()
    {
        while (true)
        {
            ReadOnlySpan<byte> line = _source.PeekLine(out bool complete);
            _source.Advance(line.Length);
            if (complete || line.IsEmpty)
            {
                return;
            }
        }
    }

    private sealed class PartStream(MultipartBodyReader reader) : ReadOnlyStreamBase, ISkippingStream
    {
        public override int Read(Span<byte> buffer) => reader.ReadPart(buffer);

        public long SkipToEnd() => reader.SkipPart();
    }
}
