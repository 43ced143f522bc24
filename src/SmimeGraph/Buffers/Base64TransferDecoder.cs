using System.Buffers;
using System.Buffers.Text;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SmimeGraph.Buffers;

/// <summary>
/// Decodes a base64 Content-Transfer-Encoding body (RFC 2045 §6.8). Line breaks and other
/// whitespace anywhere are ignored; any other character outside the alphabet, data after the
/// padding, or a dangling single character is an error, reported with its offset in the message.
/// </summary>
internal static class Base64TransferDecoder
{
    private const sbyte Invalid = -1;
    private const sbyte Space = -2;
    private const sbyte Pad = -3;

    /// <summary>Runs shorter than this go through the table: a call costs more than it saves.</summary>
    private const int FastRunMinimum = 16;

    /// <summary>Chunks shorter than this are not compacted, so they need no scratch buffer.</summary>
    internal const int CompactMinimum = 64;

    /// <summary>At most this much encoded text is compacted at once: the largest scratch buffer used.</summary>
    internal const int CompactWindow = 16 * 1024;

    private static readonly sbyte[] Table = BuildTable();
    private static readonly SearchValues<byte> AlphabetBytes = SearchValues.Create(Alphabet);

    /// <summary>RFC 4648 §4, Table 1.</summary>
    private static ReadOnlySpan<byte> Alphabet => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;

    /// <param name="encoded">The encoded body.</param>
    /// <param name="offset">Where <paramref name="encoded"/> starts in the message, for error offsets.</param>
    public static byte[] Decode(ReadOnlySpan<byte> encoded, long offset)
    {
        byte[] output = new byte[(encoded.Length / 4 * 3) + 3];
        var state = default(State);
        int written = DecodeChunk(encoded, output, ref state, offset);
        written += Finish(output.AsSpan(written), ref state, offset + encoded.Length);
        return written == output.Length ? output : output.AsSpan(0, written).ToArray();
    }

    /// <summary>Where a decoding that goes on across chunks stands.</summary>
    internal struct State
    {
        public int Accumulator;
        public int Count;
        public bool Padded;
    }

    /// <summary>
    /// Decodes one chunk of a body read piece by piece into <paramref name="output"/>, which must
    /// hold <c>encoded.Length / 4 * 3 + 3</c> bytes; returns the bytes written.
    /// </summary>
    public static int DecodeChunk(ReadOnlySpan<byte> encoded, Span<byte> output, ref State state, long offset)
    {
        if (state.Padded || encoded.Length < CompactMinimum)
        {
            return DecodeExactly(encoded, output, ref state, offset);
        }

        byte[] scratch = CryptoPool.Rent(Math.Min(encoded.Length, CompactWindow));
        int used = 0;
        try
        {
            return DecodeChunk(encoded, output, ref state, offset, scratch, ref used);
        }
        finally
        {
            CryptoPool.Return(scratch, used);
        }
    }

    /// <summary>
    /// <see cref="DecodeChunk(ReadOnlySpan{byte}, Span{byte}, ref State, long)"/> with the
    /// caller's scratch buffer for the text without its whitespace, which the caller clears:
    /// <paramref name="scratchUsed"/> is raised to how far it was written.
    /// </summary>
    public static int DecodeChunk(ReadOnlySpan<byte> encoded, Span<byte> output, ref State state, long offset, byte[] scratch, ref int scratchUsed)
    {
        if (state.Padded || encoded.Length < CompactMinimum)
        {
            return DecodeExactly(encoded, output, ref state, offset);
        }

        int written = 0;
        int start = 0;
        if (state.Count != 0)
        {
            // The quartet the previous chunk left open is finished through the table.
            start = QuartetEnd(encoded, state.Count);
            if (start < 0)
            {
                return DecodeExactly(encoded, output, ref state, offset);
            }

            written = DecodeExactly(encoded[..start], output, ref state, offset);
            if (encoded.Length - start < CompactMinimum)
            {
                return written + DecodeExactly(encoded[start..], output[written..], ref state, offset + start);
            }
        }

        int windowLimit = Math.Min(scratch.Length, CompactWindow);
        while (encoded.Length - start >= CompactMinimum)
        {
            ReadOnlySpan<byte> window = encoded.Slice(start, Math.Min(encoded.Length - start, windowLimit));
            int length = Compact(window, scratch);
            scratchUsed = Math.Max(scratchUsed, length);
            OperationStatus status = Base64.DecodeFromUtf8(
                scratch.AsSpan(0, length), output[written..], out int consumed, out int produced, isFinalBlock: false);
            if (consumed % 4 != 0 || produced != consumed / 4 * 3)
            {
                // Not what the contract promises for text without whitespace: the table decides.
                break;
            }

            written += produced;
            if (status == OperationStatus.Done && consumed == length)
            {
                start += window.Length;
                continue;
            }

            // Stopped at a quartet it cannot take: a partial one at the end of the window (the
            // next window or the table finishes it), padding, or an error (the table decides,
            // at the exact offset). Resume at that quartet's first character in the chunk.
            int resume = start + NonSpaceFromEnd(window, length - consumed);
            if (status != OperationStatus.NeedMoreData || resume == start || start + window.Length == encoded.Length)
            {
                start = resume;
                break;
            }

            start = resume;
        }

        return written + DecodeExactly(encoded[start..], output[written..], ref state, offset + start);
    }

    /// <summary>
    /// Copies <paramref name="window"/> without its whitespace into <paramref name="scratch"/>, so
    /// that <see cref="Base64.DecodeFromUtf8(ReadOnlySpan{byte}, Span{byte}, out int, out int, bool)"/>
    /// sees one block of quartets (it takes whitespace only on a slow path, and not FF or VT).
    /// Any other control byte is kept, for the decoder to stop at.
    /// </summary>
    private static int Compact(ReadOnlySpan<byte> window, byte[] scratch)
    {
        int length = 0;
        int i = 0;
        if (Avx512Vbmi2.IsSupported && Avx512BW.IsSupported)
        {
            // 64 bytes at a time: the whitespace bytes (0x09-0x0D, space) are squeezed out with one
            // compress. Each store lands at or before where its block was read, inside the scratch.
            ref byte source = ref MemoryMarshal.GetReference(window);
            ref byte target = ref MemoryMarshal.GetArrayDataReference(scratch);
            Vector512<byte> tab = Vector512.Create((byte)'\t');
            Vector512<byte> four = Vector512.Create((byte)4);
            Vector512<byte> space = Vector512.Create((byte)' ');
            for (; i + Vector512<byte>.Count <= window.Length; i += Vector512<byte>.Count)
            {
                Vector512<byte> block = Vector512.LoadUnsafe(ref source, (nuint)i);
                Vector512<byte> white = Vector512.LessThanOrEqual(block - tab, four) | Vector512.Equals(block, space);
                if (white == Vector512<byte>.Zero)
                {
                    block.StoreUnsafe(ref target, (nuint)length);
                    length += Vector512<byte>.Count;
                    continue;
                }

                Vector512<byte> keep = ~white;
                Avx512Vbmi2.Compress(Vector512<byte>.Zero, keep, block).StoreUnsafe(ref target, (nuint)length);
                length += BitOperations.PopCount(keep.ExtractMostSignificantBits());
            }
        }

        while (i < window.Length)
        {
            // Every whitespace byte is a control byte or space; the alphabet lies above them.
            ReadOnlySpan<byte> rest = window[i..];
            int run = rest.IndexOfAnyInRange((byte)0, (byte)' ');
            if (run < 0)
            {
                run = rest.Length;
            }

            rest[..run].CopyTo(scratch.AsSpan(length));
            length += run;
            i += run;
            while (i < window.Length && window[i] <= ' ')
            {
                if (Table[window[i]] != Space)
                {
                    scratch[length++] = window[i];
                }

                i++;
            }
        }

        return length;
    }

    /// <summary>Where, in <paramref name="window"/>, the <paramref name="count"/>-th byte other than whitespace counted from its end is.</summary>
    private static int NonSpaceFromEnd(ReadOnlySpan<byte> window, int count)
    {
        int i = window.Length;
        while (count > 0)
        {
            if (Table[window[--i]] != Space)
            {
                count--;
            }
        }

        return i;
    }

    /// <summary>
    /// Where the quartet holding <paramref name="count"/> characters already ends in
    /// <paramref name="encoded"/> (after the character that completes it), or -1 when anything but
    /// the alphabet and whitespace comes first or the chunk ends before.
    /// </summary>
    private static int QuartetEnd(ReadOnlySpan<byte> encoded, int count)
    {
        for (int i = 0; i < encoded.Length; i++)
        {
            sbyte value = Table[encoded[i]];
            if (value >= 0)
            {
                if (++count == 4)
                {
                    return i + 1;
                }
            }
            else if (value != Space)
            {
                return -1;
            }
        }

        return -1;
    }

    /// <summary>
    /// Decodes with the table deciding every byte that is not inside a line of whole quartets:
    /// exact rules and offsets for padding, errors and quartets split across lines.
    /// </summary>
    private static int DecodeExactly(ReadOnlySpan<byte> encoded, Span<byte> output, ref State state, long offset)
    {
        int written = 0;
        int accumulator = state.Accumulator;
        int count = state.Count;
        bool padded = state.Padded;
        for (int i = 0; i < encoded.Length; i++)
        {
            if (count == 0 && !padded)
            {
                // Fast path: a whole number of quartets of the alphabet alone (a line of the body, up
                // to its line break) decodes as one vectorized block; whatever stops the run (a line
                // break, padding, a stray byte, a quartet split across lines) goes through the table
                // below, one byte at a time, with the same rules and offsets.
                ReadOnlySpan<byte> rest = encoded[i..];
                int run = rest.IndexOfAnyExcept(AlphabetBytes);
                int whole = (run < 0 ? rest.Length : run) & ~3;
                if (whole >= FastRunMinimum
                    && Base64.DecodeFromUtf8(rest[..whole], output[written..], out int consumed, out int produced) == OperationStatus.Done
                    && consumed == whole)
                {
                    written += produced;
                    i += whole;

                    // The line break (or other whitespace) after the run, without a search per byte.
                    while (i < encoded.Length && Table[encoded[i]] == Space)
                    {
                        i++;
                    }

                    i--;
                    continue;
                }
            }

            sbyte value = Table[encoded[i]];
            if (value >= 0)
            {
                if (padded)
                {
                    throw Garbage("Base64 data continues after the padding", offset + i);
                }

                accumulator = (accumulator << 6) | (byte)value;
                if (++count == 4)
                {
                    output[written++] = (byte)(accumulator >> 16);
                    output[written++] = (byte)(accumulator >> 8);
                    output[written++] = (byte)accumulator;
                    accumulator = 0;
                    count = 0;
                }
            }
            else if (value == Pad)
            {
                if (!padded)
                {
                    // RFC 4648 §4: "==" after two characters, "=" after three.
                    written += Flush(output[written..], accumulator, count, offset + i);
                    accumulator = 0;
                    count = 0;
                    padded = true;
                }
            }
            else if (value != Space)
            {
                throw Garbage($"Byte 0x{encoded[i]:X2} is not base64", offset + i);
            }
        }

        state.Accumulator = accumulator;
        state.Count = count;
        state.Padded = padded;
        return written;
    }

    /// <summary>Ends a decoding: writes what the last, unpadded quartet holds (up to 2 bytes).</summary>
    public static int Finish(Span<byte> output, ref State state, long offset)
    {
        int written = Flush(output, state.Accumulator, state.Count, offset);
        state = default;
        return written;
    }

    private static int Flush(Span<byte> output, int accumulator, int count, long offset)
    {
        switch (count)
        {
            case 0:
                return 0;
            case 1:
                throw Garbage("The base64 data ends with a lone character (truncated quartet)", offset);
            case 2:
                output[0] = (byte)(accumulator >> 4);
                return 1;
            default:
                output[0] = (byte)(accumulator >> 10);
                output[1] = (byte)(accumulator >> 2);
                return 2;
        }
    }

    private static MimeFormatException Garbage(string what, long offset) =>
        new($"{what} at offset {offset}.") { Offset = offset };

    private static sbyte[] BuildTable()
    {
        var table = new sbyte[256];
        Array.Fill(table, Invalid);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        foreach (char c in " \t\r\n\f\v")
        {
            table[c] = Space;
        }

        table['='] = Pad;
        return table;
    }
}
