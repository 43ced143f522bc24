using System.Buffers;
using System.Buffers.Text;

namespace SmimeGraph.Buffers;

/// <summary>
/// Incremental base64 (RFC 4648 §4) in lines of 76 characters, each ended by CRLF
/// (RFC 2045 §6.8). Carries the partial triplet (up to two bytes) and the position on the
/// current line between calls, so the output does not depend on how the input is chunked.
/// </summary>
internal struct Base64LineEncoder
{
    /// <summary>RFC 2045 §6.8: encoded lines are no more than 76 characters.</summary>
    public const int LineLength = 76;

    private const int TripletsPerLine = LineLength / 4;

    private byte _carry0;
    private byte _carry1;
    private int _carryLength;
    private int _linePosition; // characters on the current line; LineLength means its CRLF is still owed
    private bool _completed;

    /// <summary>The exact output for <paramref name="inputLength"/> bytes: every line, the last included, ends with CRLF.</summary>
    public static long EncodedLength(long inputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        long characters = (inputLength + 2) / 3 * 4;
        long lines = (characters + LineLength - 1) / LineLength;
        return characters + (2 * lines);
    }

    /// <summary>
    /// Encodes as much of <paramref name="source"/> as fits in <paramref name="destination"/>.
    /// Returns <see cref="OperationStatus.Done"/> when all input was consumed (and, with
    /// <paramref name="isFinalBlock"/>, the final quartet and CRLF written), otherwise
    /// <see cref="OperationStatus.DestinationTooSmall"/>.
    /// </summary>
    public OperationStatus Encode(ReadOnlySpan<byte> source, Span<byte> destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The base64 encoder has already written its final block.");
        }

        int consumed = 0;
        int written = 0;
        try
        {
            while (true)
            {
                if (_linePosition == LineLength)
                {
                    if (destination.Length - written < 2)
                    {
                        return OperationStatus.DestinationTooSmall;
                    }

                    destination[written++] = (byte)'\r';
                    destination[written++] = (byte)'\n';
                    _linePosition = 0;
                }

                if (_carryLength > 0)
                {
                    // Complete the carried triplet first.
                    while (_carryLength < 3 && consumed < source.Length)
                    {
                        if (_carryLength == 1)
                        {
                            _carry1 = source[consumed++];
                            _carryLength = 2;
                        }
                        else
                        {
                            if (destination.Length - written < 4)
                            {
                                return OperationStatus.DestinationTooSmall;
                            }

                            ReadOnlySpan<byte> triplet = [_carry0, _carry1, source[consumed++]];
                            Base64.EncodeToUtf8(triplet, destination[written..], out _, out int quartet);
                            written += quartet;
                            _linePosition += 4;
                            _carryLength = 0;
                            break;
                        }
                    }

                    if (_carryLength > 0)
                    {
                        break; // input exhausted with a partial triplet
                    }

                    continue;
                }

                int triplets = Math.Min((source.Length - consumed) / 3, (LineLength - _linePosition) / 4);
                triplets = Math.Min(triplets, (destination.Length - written) / 4);
                if (triplets == 0)
                {
                    if ((source.Length - consumed) >= 3)
                    {
                        return OperationStatus.DestinationTooSmall;
                    }

                    // Fewer than three bytes left: carry them.
                    int rest = source.Length - consumed;
                    if (rest > 0)
                    {
                        _carry0 = source[consumed++];
                        _carryLength = 1;
                    }

                    if (rest > 1)
                    {
                        _carry1 = source[consumed++];
                        _carryLength = 2;
                    }

                    break;
                }

                Base64.EncodeToUtf8(source.Slice(consumed, triplets * 3), destination[written..], out int used, out int produced, isFinalBlock: false);
                consumed += used;
                written += produced;
                _linePosition += produced;
            }

            if (!isFinalBlock)
            {
                return OperationStatus.Done;
            }

            // RFC 4648 §4: the final quantum is padded with '='; the last line ends with CRLF.
            int needed = (_carryLength > 0 ? 4 : 0) + ((_carryLength > 0 || _linePosition > 0) ? 2 : 0);
            if (destination.Length - written < needed)
            {
                return OperationStatus.DestinationTooSmall;
            }

            if (_carryLength > 0)
            {
                ReadOnlySpan<byte> last = _carryLength == 1 ? [_carry0] : [_carry0, _carry1];
                Base64.EncodeToUtf8(last, destination[written..], out _, out int quartet, isFinalBlock: true);
                written += quartet;
                _linePosition += quartet;
                _carryLength = 0;
            }

            if (_linePosition > 0)
            {
                destination[written++] = (byte)'\r';
                destination[written++] = (byte)'\n';
                _linePosition = 0;
            }

            _completed = true;
            return OperationStatus.Done;
        }
        finally
        {
            bytesConsumed = consumed;
            bytesWritten = written;
        }
    }

    /// <summary>Encodes a whole buffer into a new array of exactly <see cref="EncodedLength"/> bytes.</summary>
    public static byte[] EncodeToArray(ReadOnlySpan<byte> source)
    {
        var result = new byte[EncodedLength(source.Length)];
        var encoder = default(Base64LineEncoder);
        OperationStatus status = encoder.Encode(source, result, out _, out int written, isFinalBlock: true);
        if (status != OperationStatus.Done || written != result.Length)
        {
            throw new InvalidOperationException($"Base64 encoding stopped with {status} after {written} of {result.Length} bytes.");
        }

        return result;
    }
}
