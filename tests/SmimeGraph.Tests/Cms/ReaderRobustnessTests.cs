using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Cms;

/// <summary>
/// Hostile input: the OpenSSL CMS fuzz corpus and seeded random mutations of the vectors. The
/// readers may only fail with the documented exceptions, never hang, never crash.
/// </summary>
public class ReaderRobustnessTests
{
    private static readonly Lazy<X509Certificate2[]> Keys = new(() =>
    [
        ReaderVectors.NssKey("thunderbird-nss", "smime/Bob.p12"),
        ReaderVectors.NssKey("nss", "interop-openssl/Fran.p12"),
        ReaderVectors.NssKey("nss", "interop-openssl/Fran-ec.p12"),
    ]);

    [Fact]
    public void OpenSsl_fuzz_corpus_raises_only_documented_exceptions()
    {
        string[] files = Directory.GetFiles(ReaderVectors.Path("openssl", "fuzz-corpora", "cms"));
        Assert.True(files.Length > 1000);
        var unexpected = new List<string>();
        foreach (string file in files)
        {
            Exception? ex = Exercise(File.ReadAllBytes(file));
            if (ex is not null)
            {
                unexpected.Add($"{Path.GetFileName(file)}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    [Fact]
    public void Seeded_mutations_of_the_vectors_raise_only_documented_exceptions()
    {
        byte[][] seeds =
        [
            ReaderVectors.Bytes("thunderbird-nss", "smime", "alice.textplain.sig.SHA256"),
            ReaderVectors.Bytes("thunderbird-nss", "smime", "alice.mime.dsig.SHA512"),
            ReaderVectors.SmimeBody("thunderbird-nss", "smime", "alice.env.eml"),
            ReaderVectors.Bytes("nss", "interop-openssl", "fran-oaep-sha256hash-label_ossl.env"),
            ReaderVectors.Bytes("nss", "interop-openssl", "fran-ec_ossl-aes128-sha224.env"),
            ReaderVectors.Bytes("bc-csharp", "cms", "sigs", "PSSSignDataSHA256Enc.sig"),
            ReaderVectors.Der("bc-java", "pkix-cms", "ecdh", "encSessC.asc"),
            ReaderVectors.Bytes("openssl", "80-test_cms_data", "ct_multiple_attr.cms"),
            ReaderVectors.Bytes("rfc4134", "4.4.bin"),
            ReaderVectors.Bytes("rfc4134", "5.1.bin"),
        ];
        var random = new Random(20261121);
        var unexpected = new List<string>();
        for (int i = 0; i < 3000; i++)
        {
            byte[] seed = seeds[random.Next(seeds.Length)];
            byte[] mutated = Mutate(seed, random);
            Exception? ex = Exercise(mutated);
            if (ex is not null)
            {
                unexpected.Add($"#{i}: {ex.GetType().Name}: {ex.Message} {ex.StackTrace}");
            }
        }

        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }

    [Theory]
    [InlineData("alice.textplain.sig.SHA256")]
    [InlineData("alice.textplain.sig.SHA1")]
    public void Every_flip_in_content_signed_attributes_or_signature_invalidates(string file)
    {
        byte[] cms = ReaderVectors.Bytes("thunderbird-nss", "smime", file);
        SignedDataReader original = SignedDataReader.Decode(cms);
        Assert.True(Assert.Single(original.Verify(null)).IsSignatureValid);
        var covered = new List<(int Start, int Length)>
        {
            Locate(cms, original.EncapsulatedContent!.Value.ToArray()),
            Locate(cms, original.SignerInfos[0].SignedAttributes!.Value.ToArray()),
            Locate(cms, original.SignerInfos[0].Signature.ToArray()),
        };

        foreach ((int start, int length) in covered)
        {
            for (int i = start; i < start + length; i++)
            {
                byte[] flipped = ReaderVectors.Flip(cms, i);
                try
                {
                    IReadOnlyList<SignatureVerdict> verdicts = SignedDataReader.Decode(flipped).Verify(null);
                    Assert.True(verdicts.All(v => !v.IsSignatureValid), $"flip at {i} still verifies");
                }
                catch (CmsFormatException)
                {
                    // A flip in a tag or length octet makes the structure unreadable: also a rejection.
                }
            }
        }
    }

    private static (int Start, int Length) Locate(byte[] haystack, byte[] needle)
    {
        int at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0);
        return (at, needle.Length);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] data = (byte[])seed.Clone();
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && data.Length > 0; e++)
        {
            int at = random.Next(data.Length);
            switch (random.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data = data[..at];
                    break;
                case 3:
                    byte[] insert = new byte[1 + random.Next(8)];
                    random.NextBytes(insert);
                    data = [.. data[..at], .. insert, .. data[at..]];
                    break;
                case 4:
                    // Length octets are where parsers break: long-form and indefinite markers.
                    data[at] = (byte)(random.Next(2) == 0 ? 0x80 : 0x84 + random.Next(4));
                    break;
                default:
                    int count = Math.Min(data.Length - at, 1 + random.Next(64));
                    data = [.. data[..at], .. data.AsSpan(at, count).ToArray(), .. data[at..]];
                    break;
            }
        }

        return data;
    }

    /// <summary>Runs every reader entry point; returns an exception outside the documented family.</summary>
    private static Exception? Exercise(byte[] input)
    {
        try
        {
            try
            {
                SignedDataReader signed = SignedDataReader.Decode(input);
                signed.Verify(null);
                signed.Verify("detached"u8.ToArray());
            }
            catch (Exception ex) when (ex is CmsFormatException or ReaderLimitExceededException)
            {
            }

            try
            {
                EnvelopedDataReader.Decode(input).Decrypt(Keys.Value);
            }
            catch (CmsFormatException)
            {
            }
            catch (DecryptionFailedException)
            {
            }
            catch (ReaderLimitExceededException)
            {
            }

            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
