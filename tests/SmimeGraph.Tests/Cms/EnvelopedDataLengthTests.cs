using SmimeGraph.Cms;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

/// <summary>PredictLength equals the bytes written, and announced lengths are enforced.</summary>
[Collection(EnvelopedDataTestCertificates.CollectionName)]
public sealed class EnvelopedDataLengthTests(EnvelopedDataTestCertificates certs)
{
    private static readonly int[] s_sizes = [0, 1, 15, 16, 17, 4096, 1024 * 1024];

    public static TheoryData<string, int> ModesAndSizes()
    {
        var data = new TheoryData<string, int>();
        foreach (string mode in EnvelopedDataModes.All)
        {
            foreach (int size in s_sizes)
            {
                data.Add(mode, size);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModesAndSizes))]
    public void Predicted_length_equals_produced_length(string mode, int size)
    {
        (SmimeEncryptionOptions options, TestRecipient[] readers) = EnvelopedDataModes.Create(mode, certs);
        var writer = SendingAgent.CreateEnvelopedDataWriter(options);
        byte[] content = EnvelopedDataTestHelpers.Content(size);
        using var output = new MemoryStream();
        using (Stream plaintext = writer.Open(output, size))
        {
            plaintext.Write(content);
        }

        Assert.Equal(writer.PredictLength(size), output.Length);

        // The sizes at the edges of padding and of the length encodings also decrypt.
        if (size is 0 or 15 or 16 or 17 or 1024 * 1024)
        {
            PeerResult result = EnvelopedDataTestHelpers.OpenSslDecrypt(output.ToArray(), readers[0]).EnsureSuccess($"openssl cms -decrypt ({mode}, {size})");
            Assert.Equal(content, result.StandardOutput);
        }
    }

    [Fact]
    public void Prediction_grows_with_padding_for_CBC_and_byte_for_byte_for_GCM()
    {
        var cbc = SendingAgent.CreateEnvelopedDataWriter(EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa));
        Assert.Equal(cbc.PredictLength(0), cbc.PredictLength(15));
        Assert.Equal(cbc.PredictLength(0) + 16, cbc.PredictLength(16));

        var gcm = SendingAgent.CreateEnvelopedDataWriter(EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Gcm, false, certs.RecipientRsa));
        Assert.True(gcm.IsAuthenticated);
        Assert.False(cbc.IsAuthenticated);
        Assert.Equal(gcm.PredictLength(20) + 1, gcm.PredictLength(21));
    }

    [Fact]
    public void Writing_more_than_announced_is_refused()
    {
        var writer = SendingAgent.CreateEnvelopedDataWriter(EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa));
        using var output = new MemoryStream();
        Stream plaintext = writer.Open(output, 10);
        Assert.Throws<InvalidOperationException>(() => plaintext.Write(new byte[11]));
        plaintext.Dispose();
    }

    [Theory]
    [InlineData(ContentEncryptionAlgorithm.Aes256Cbc)]
    [InlineData(ContentEncryptionAlgorithm.Aes128Gcm)]
    public void Writing_less_than_announced_is_refused_on_dispose(ContentEncryptionAlgorithm algorithm)
    {
        var writer = SendingAgent.CreateEnvelopedDataWriter(EnvelopedDataTestHelpers.Options(algorithm, false, certs.RecipientRsa));
        using var output = new MemoryStream();
        Stream plaintext = writer.Open(output, 10);
        plaintext.Write(new byte[9]);
        Assert.Throws<InvalidOperationException>(plaintext.Dispose);
    }

    [Fact]
    public void A_negative_length_is_refused()
    {
        var writer = SendingAgent.CreateEnvelopedDataWriter(EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientRsa));
        Assert.Throws<ArgumentOutOfRangeException>("contentLength", () => writer.Open(Stream.Null, -1));
        Assert.Throws<ArgumentOutOfRangeException>("contentLength", () => writer.PredictLength(-1));
    }

    [Fact]
    public void Each_message_gets_a_fresh_key_and_IV()
    {
        var writer = SendingAgent.CreateEnvelopedDataWriter(EnvelopedDataTestHelpers.Options(ContentEncryptionAlgorithm.Aes256Cbc, false, certs.RecipientEcdhP256));
        byte[] content = EnvelopedDataTestHelpers.Content(64);
        byte[] first = Write(writer, content);
        byte[] second = Write(writer, content);
        Assert.Equal(first.Length, second.Length);

        // The last 80 bytes are the ciphertext: equal plaintext, different key and IV.
        Assert.False(first.AsSpan(first.Length - 80).SequenceEqual(second.AsSpan(second.Length - 80)));

        static byte[] Write(EnvelopedDataWriter writer, byte[] content)
        {
            using var output = new MemoryStream();
            using (Stream plaintext = writer.Open(output, content.Length))
            {
                plaintext.Write(content);
            }

            return output.ToArray();
        }
    }
}
