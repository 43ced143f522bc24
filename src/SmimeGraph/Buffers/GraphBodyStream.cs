using System.Buffers;
using System.Buffers.Text;

namespace SmimeGraph.Buffers;

/// <summary>
/// A write-only stream that base64-encodes what is written to it, without line breaks (the form
/// Graph's MIME endpoints take), straight into a <see cref="PooledSegmentBuffer"/>. Up to two
/// bytes of a partial triplet are carried between writes; <see cref="Dispose(bool)"/> or
/// <see cref="Complete"/> writes the final quartet with padding.
/// </summary>
internal sealed class GraphBodyStream : WriteOnlyStream
{
    private readonly PooledSegmentBuffer _body;
    private readonly byte[] _carry = new byte[2];
    private int _carryLength;
    private bool _completed;

    public GraphBodyStream(PooledSegmentBuffer body) => _body = body;

    /// <summary>MIME bytes written so far.</summary>
    public long BytesIn { get; private set; }

    /// <summary>The exact base64 length of <paramref name="mimeLength"/> bytes.</summary>
    public static long EncodedLength(long mimeLength) => (mimeLength + 2) / 3 * 4;

    public override void Write(ReadOnlySpan<byte> source)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        BytesIn += source.Length;
        if (_carryLength > 0)
        {
            int take = Math.Min(3 - _carryLength, source.Length);
            Span<byte> triplet = stackalloc byte[3];
            _carry.AsSpan(0, _carryLength).CopyTo(triplet);
            source[..take].CopyTo(triplet[_carryLength..]);
            source = source[take..];
            if (_carryLength + take < 3)
            {
                triplet[..(_carryLength + take)].CopyTo(_carry);
                _carryLength += take;
                return;
            }

            _carryLength = 0;
            Encode(triplet, isFinalBlock: false);
        }

        int whole = source.Length - source.Length % 3;
        Encode(source[..whole], isFinalBlock: false);
        source[whole..].CopyTo(_carry);
        _carryLength = source.Length - whole;
    }

    /// <summary>Writes the final quartet (with padding) of the base64 text.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        Encode(_carry.AsSpan(0, _carryLength), isFinalBlock: true);
        _carryLength = 0;
        _completed = true;
    }

    private void Encode(ReadOnlySpan<byte> data, bool isFinalBlock)
    {
        // Base64.EncodeToUtf8 (RFC 4648 §4), in chunks that fit the current segment.
        while (!data.IsEmpty || isFinalBlock)
        {
            // Fill the current segment to its end rather than asking for a fresh one.
            Span<byte> destination = _body.GetSpan(4);
            int chunk = Math.Min(data.Length, destination.Length / 4 * 3);
            bool last = isFinalBlock && chunk == data.Length;
            OperationStatus status = Base64.EncodeToUtf8(data[..chunk], destination, out int consumed, out int written, last);
            if (status is not (OperationStatus.Done or OperationStatus.NeedMoreData))
            {
                throw new InvalidOperationException($"Base64 encoding stopped with {status}.");
            }

            _body.Advance(written);
            data = data[consumed..];
            if (last)
            {
                break;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Complete();
        }

        base.Dispose(disposing);
    }
}
