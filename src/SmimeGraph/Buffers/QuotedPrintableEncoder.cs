using System.Buffers;

namespace SmimeGraph.Buffers;

/// <summary>
/// Incremental quoted-printable (RFC 2045 §6.7) for canonical text: CRLF is a hard line break,
/// every other byte outside 33..126 (and '=') becomes <c>=XX</c>, a space or tab before a line
/// break or at the end is encoded (rule 3, so no line has trailing whitespace), and lines are
/// broken with soft line breaks so that none exceeds 76 characters (rule 5). A held CR and a
/// held space or tab are carried between calls, so the output does not depend on chunking.
/// </summary>
internal struct QuotedPrintableEncoder
{
    /// <summary>The room an input byte may need in the destination (held whitespace, soft break, escape, CRLF).</summary>
    public const int MaxBytesPerStep = 16;

    // Text before a soft line break ('=' is the 76th character).
    private const int MaxLineText = 75;

    private static ReadOnlySpan<byte> Hex => "0123456789ABCDEF"u8;

    private int _linePosition;
    private int _heldWhitespace; // -1 none, else ' ' or '\t'
    private bool _heldCarriageReturn;
    private bool _started;
    private bool _completed;

    /// <summary>
    /// Encodes as much of <paramref name="source"/> as fits; returns <see cref="OperationStatus.Done"/>
    /// when all of it was consumed (and the held bytes flushed when <paramref name="isFinalBlock"/>),
    /// otherwise <see cref="OperationStatus.DestinationTooSmall"/>. Each step needs
    /// <see cref="MaxBytesPerStep"/> bytes of room.
    /// </summary>
    public OperationStatus Encode(ReadOnlySpan<byte> source, Span<byte> destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The quoted-printable encoder has already written its final block.");
        }

        if (!_started)
        {
            _heldWhitespace = -1;
            _started = true;
        }

        int consumed = 0;
        int written = 0;
        while (consumed < source.Length)
        {
            if (destination.Length - written < MaxBytesPerStep)
            {
                bytesConsumed = consumed;
                bytesWritten = written;
                return OperationStatus.DestinationTooSmall;
            }

            Step(source[consumed++], destination, ref written);
        }

        if (isFinalBlock)
        {
            if (destination.Length - written < MaxBytesPerStep)
            {
                bytesConsumed = consumed;
                bytesWritten = written;
                return OperationStatus.DestinationTooSmall;
            }

            // Rule 3: whitespace at the end of the encoded body is encoded; a lone CR is data.
            FlushHeld(destination, ref written, beforeLineBreak: true);
            _completed = true;
        }

        bytesConsumed = consumed;
        bytesWritten = written;
        return OperationStatus.Done;
    }

    /// <summary>The exact encoded length of <paramref name="source"/>.</summary>
    public static long EncodedLength(ReadOnlySpan<byte> source)
    {
        var encoder = default(QuotedPrintableEncoder);
        Span<byte> scratch = stackalloc byte[1024];
        long total = 0;
        while (true)
        {
            OperationStatus status = encoder.Encode(source, scratch, out int consumed, out int written, isFinalBlock: true);
            total += written;
            source = source[consumed..];
            if (status == OperationStatus.Done)
            {
                return total;
            }
        }
    }

    /// <summary>Encodes a whole buffer into a new array.</summary>
    public static byte[] EncodeToArray(ReadOnlySpan<byte> source)
    {
        var writer = new ArrayBufferWriter<byte>(source.Length + (source.Length / 2) + MaxBytesPerStep);
        var encoder = default(QuotedPrintableEncoder);
        while (true)
        {
            OperationStatus status = encoder.Encode(source, writer.GetSpan(4096), out int consumed, out int written, isFinalBlock: true);
            writer.Advance(written);
            source = source[consumed..];
            if (status == OperationStatus.Done)
            {
                return writer.WrittenSpan.ToArray();
            }
        }
    }

    private void Step(byte b, Span<byte> destination, ref int written)
    {
        if (_heldCarriageReturn)
        {
            _heldCarriageReturn = false;
            if (b == (byte)'\n')
            {
                // RFC 2045 §6.7 rule 4: a line break in canonical text is CRLF.
                FlushHeld(destination, ref written, beforeLineBreak: true);
                destination[written++] = (byte)'\r';
                destination[written++] = (byte)'\n';
                _linePosition = 0;
                return;
            }

            FlushHeld(destination, ref written, beforeLineBreak: false);
            Escaped((byte)'\r', destination, ref written);
        }

        if (b == (byte)'\r')
        {
            _heldCarriageReturn = true;
            return;
        }

        if (_heldWhitespace >= 0)
        {
            FlushHeld(destination, ref written, beforeLineBreak: false);
        }

        if (b is (byte)' ' or (byte)'\t')
        {
            _heldWhitespace = b;
        }
        else if (b is >= 33 and <= 126 && b != (byte)'=')
        {
            Literal(b, destination, ref written);
        }
        else
        {
            Escaped(b, destination, ref written);
        }
    }

    // Writes the held whitespace (encoded when a line break or the end follows) and a held CR.
    private void FlushHeld(Span<byte> destination, ref int written, bool beforeLineBreak)
    {
        if (_heldWhitespace >= 0)
        {
            byte ws = (byte)_heldWhitespace;
            _heldWhitespace = -1;
            if (beforeLineBreak)
            {
                Escaped(ws, destination, ref written);
            }
            else
            {
                Literal(ws, destination, ref written);
            }
        }

        if (_heldCarriageReturn && beforeLineBreak && !_completed)
        {
            // Only reached at the end of the data: a CR without LF is data.
            _heldCarriageReturn = false;
            Escaped((byte)'\r', destination, ref written);
        }
    }

    private void Literal(byte b, Span<byte> destination, ref int written)
    {
        SoftBreakIfNeeded(1, destination, ref written);
        destination[written++] = b;
        _linePosition++;
    }

    private void Escaped(byte b, Span<byte> destination, ref int written)
    {
        SoftBreakIfNeeded(3, destination, ref written);
        destination[written++] = (byte)'=';
        destination[written++] = Hex[b >> 4];
        destination[written++] = Hex[b & 0xF];
        _linePosition += 3;
    }

    private void SoftBreakIfNeeded(int width, Span<byte> destination, ref int written)
    {
        // RFC 2045 §6.7 rule 5: "=" CRLF; the '=' keeps a space before it from trailing the line.
        if (_linePosition + width > MaxLineText)
        {
            destination[written++] = (byte)'=';
            destination[written++] = (byte)'\r';
            destination[written++] = (byte)'\n';
            _linePosition = 0;
        }
    }
}
