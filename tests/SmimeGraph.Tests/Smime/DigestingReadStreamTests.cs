using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// The hashing stream the streaming inspector checks signatures with: the digest of the bytes as
/// they came, and of their canonical form (RFC 8551 §3.1.1: every line ending CRLF), whatever
/// sizes the content is read in, against SHA-256 of the same text made canonical by
/// <see cref="string.Replace(string, string)"/>.
/// </summary>
public class DigestingReadStreamTests
{
    public static TheoryData<int, int> SeedsAndReadSizes()
    {
        var data = new TheoryData<int, int>();
        foreach (int seed in new[] { 1, 2, 3, 4, 5, 6, 7, 8 })
        {
            foreach (int readSize in new[] { 1, 7, 31, 32, 33, 64, 4096 })
            {
                data.Add(seed, readSize);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SeedsAndReadSizes))]
    public void Digests_match_the_content_and_its_crlf_form_for_every_read_size(int seed, int readSize)
    {
        // Lines of 0 to 80 bytes; most end CRLF, some LF alone, a few in CR CR LF; and a lone CR now and then.
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < 6_000)
        {
            text.Append('x', random.Next(81));
            int kind = random.Next(seed % 2 == 0 ? 10 : 40);
            text.Append(kind switch
            {
                0 => "\n",
                1 => "\r\r\n",
                2 => "\r",
                _ => "\r\n",
            });
        }

        byte[] content = Encoding.Latin1.GetBytes(text.ToString());
        byte[] canonical = Encoding.Latin1.GetBytes(text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        bool bare = !canonical.AsSpan().SequenceEqual(content);

        using var stream = new DigestingReadStream(new MemoryStream(content), [HashAlgorithmName.SHA256], canonical: true);
        byte[] buffer = new byte[readSize];
        while (stream.Read(buffer) > 0)
        {
        }

        Assert.Equal(SHA256.HashData(content), stream.Digest(HashAlgorithmName.SHA256));
        Assert.Equal(SHA256.HashData(canonical), stream.CanonicalDigest(HashAlgorithmName.SHA256));
        Assert.Equal(bare, stream.SawBareLineFeed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Dense_line_ends_read_in_random_sizes_digest_as_a_byte_loop_canonicalises_them(int seed)
    {
        // Runs of CR and LF in any order (lone CR, CR CR LF, LF LF, CR at the end of one read and
        // LF at the start of the next) between stretches of text long and short, read in sizes
        // drawn per read: the canonical digest is that of a byte loop that puts a CR before every
        // LF not already after one.
        var random = new Random(seed);
        for (int round = 0; round < 40; round++)
        {
            var content = new List<byte>();
            while (content.Count < 5_000)
            {
                content.AddRange(Enumerable.Repeat((byte)'t', random.Next(3) == 0 ? random.Next(0, 200) : random.Next(0, 4)));
                for (int run = random.Next(0, 5); run > 0; run--)
                {
                    content.Add(random.Next(2) == 0 ? (byte)'\r' : (byte)'\n');
                }
            }

            byte[] bytes = [.. content];
            var canonical = new List<byte>();
            for (int i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'\n' && (i == 0 || bytes[i - 1] != (byte)'\r'))
                {
                    canonical.Add((byte)'\r');
                }

                canonical.Add(bytes[i]);
            }

            using var stream = new DigestingReadStream(new MemoryStream(bytes), [HashAlgorithmName.SHA256, HashAlgorithmName.SHA384], canonical: true);
            byte[] buffer = new byte[300];
            while (stream.Read(buffer.AsSpan(0, random.Next(3) == 0 ? 1 : random.Next(1, buffer.Length + 1))) > 0)
            {
            }

            Assert.Equal(SHA256.HashData(bytes), stream.Digest(HashAlgorithmName.SHA256));
            Assert.Equal(SHA256.HashData([.. canonical]), stream.CanonicalDigest(HashAlgorithmName.SHA256));
            Assert.Equal(SHA384.HashData([.. canonical]), stream.CanonicalDigest(HashAlgorithmName.SHA384));
            Assert.Equal(canonical.Count != bytes.Length, stream.SawBareLineFeed);
        }
    }

    [Fact]
    public void The_bare_line_feed_search_finds_the_first_lf_without_a_cr_before_it()
    {
        var random = new Random(20261202);
        byte[] alphabet = "a\r\n"u8.ToArray();
        for (int round = 0; round < 3_000; round++)
        {
            byte[] chunk = new byte[random.Next(0, 200)];
            for (int i = 0; i < chunk.Length; i++)
            {
                // Mostly text and CRLF, so the first bare LF lands anywhere in or past a vector.
                chunk[i] = random.Next(8) == 0 ? alphabet[random.Next(3)] : (byte)'a';
            }

            bool crBefore = random.Next(2) == 0;
            int expected = -1;
            for (int i = 0; i < chunk.Length && expected < 0; i++)
            {
                bool afterCr = i == 0 ? crBefore : chunk[i - 1] == (byte)'\r';
                if (chunk[i] == (byte)'\n' && !afterCr)
                {
                    expected = i;
                }
            }

            Assert.Equal(expected, DigestingReadStream.IndexOfBareLineFeed(chunk, crBefore));
        }
    }

    public static TheoryData<int, long, int, bool> SecondCoreCases()
    {
        var data = new TheoryData<int, long, int, bool>();
        foreach (int seed in new[] { 1, 2, 3 })
        {
            // From the first byte, a few bytes in, inside and at the end of a chunk, past the
            // first bare LF; read in sizes smaller and larger than a chunk.
            foreach (long after in new long[] { 0, 5, 65_535, 65_536, 300_000 })
            {
                foreach (int readSize in new[] { 1_000, 100_000 })
                {
                    data.Add(seed, after, readSize, false);
                }
            }

            // The second core wanted elsewhere every other few chunks: the hashing moves back
            // to the reading thread and out again.
            data.Add(seed, 0, 1_000, true);
            data.Add(seed, 65_536, 100_000, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SecondCoreCases))]
    public void Hashing_moved_to_a_second_core_gives_the_digests_of_the_content_and_its_crlf_form(int seed, long secondCoreAfter, int readSize, bool contended)
    {
        int asked = 0;
        Func<bool>? coreFree = contended ? () => Interlocked.Increment(ref asked) / 3 % 2 == 0 : null;
        // 800 KB, more than the hand-over's chunks hold at once: CRLF lines for the first
        // 200 KB (or all of them for odd seeds), then some lines end LF alone or CR CR LF.
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < 800_000)
        {
            text.Append('y', random.Next(81));
            int kind = text.Length < 200_000 || seed % 2 == 1 ? 9 : random.Next(20);
            text.Append(kind switch
            {
                0 => "\n",
                1 => "\r\r\n",
                2 => "\r",
                _ => "\r\n",
            });
        }

        byte[] content = Encoding.Latin1.GetBytes(text.ToString());
        byte[] canonical = Encoding.Latin1.GetBytes(text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(seed % 2 == 0, !canonical.AsSpan().SequenceEqual(content));

        int movedBefore = DigestingReadStream.HashedOnSecondCoreOnThisThread;
        int outstanding = SmimeGraph.Buffers.CryptoPool.OutstandingOnThisThread;
        using (var stream = new DigestingReadStream(new MemoryStream(content), [HashAlgorithmName.SHA256, HashAlgorithmName.SHA512], canonical: true, secondCoreAfter, coreFree))
        {
            byte[] buffer = new byte[readSize];
            while (stream.Read(buffer) > 0)
            {
            }

            Assert.True(stream.HashedOnSecondCore);
            Assert.Equal(1, DigestingReadStream.HashedOnSecondCoreOnThisThread - movedBefore);
            Assert.Equal(SHA256.HashData(content), stream.Digest(HashAlgorithmName.SHA256));
            Assert.Equal(SHA512.HashData(content), stream.Digest(HashAlgorithmName.SHA512));
            Assert.Equal(SHA256.HashData(canonical), stream.CanonicalDigest(HashAlgorithmName.SHA256));
            Assert.Equal(SHA512.HashData(canonical), stream.CanonicalDigest(HashAlgorithmName.SHA512));
            Assert.Equal(seed % 2 == 0, stream.SawBareLineFeed);
        }

        // Asked at every chunk of the 800 KB: it said no some of the time.
        Assert.True(!contended || asked >= 6, $"asked {asked} times");

        // The hand-over's chunks were cleared and given back.
        Assert.Equal(outstanding, SmimeGraph.Buffers.CryptoPool.OutstandingOnThisThread);
    }

    [Fact]
    public void A_stream_given_up_while_a_second_core_hashes_gives_every_chunk_back()
    {
        byte[] content = new byte[1_000_000];
        new Random(4).NextBytes(content);
        int outstanding = SmimeGraph.Buffers.CryptoPool.OutstandingOnThisThread;
        var stream = new DigestingReadStream(new MemoryStream(content), [HashAlgorithmName.SHA256], canonical: true, secondCoreAfter: 0);
        byte[] buffer = new byte[200_000];
        Assert.Equal(buffer.Length, stream.Read(buffer));
        Assert.Equal(buffer.Length, stream.Read(buffer));
        Assert.True(stream.HashedOnSecondCore);

        stream.Dispose();

        Assert.Equal(outstanding, SmimeGraph.Buffers.CryptoPool.OutstandingOnThisThread);
        Assert.Throws<ObjectDisposedException>(() => stream.Read(buffer));
    }

    [Fact]
    public void By_default_every_byte_is_hashed_on_the_reading_thread()
    {
        byte[] content = new byte[1_000_000];
        new Random(5).NextBytes(content);
        using var stream = new DigestingReadStream(new MemoryStream(content), [HashAlgorithmName.SHA256], canonical: false);
        stream.CopyTo(Stream.Null);

        Assert.False(stream.HashedOnSecondCore);
        Assert.Equal(SHA256.HashData(content), stream.Digest(HashAlgorithmName.SHA256));
    }
}
