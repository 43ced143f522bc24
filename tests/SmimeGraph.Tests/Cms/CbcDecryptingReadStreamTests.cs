using System.Security.Cryptography;
using SmimeGraph.Cms;
using SmimeGraph.Tests.Support;
using Xunit;

namespace SmimeGraph.Tests.Cms;

/// <summary>
/// The streaming CBC decryption of an EnvelopedData's content, held to the platform's one-shot
/// <see cref="SymmetricAlgorithm.DecryptCbc(byte[], byte[], PaddingMode)"/> over the same ciphertext.
/// </summary>
public sealed class CbcDecryptingReadStreamTests
{
    [Theory]
    [InlineData(0, 1, 16_384)]
    [InlineData(1, 7, 1)]
    [InlineData(15, 16, 3)]
    [InlineData(16, 17, 40_000)]
    [InlineData(16_384, 5_000, 64)]
    [InlineData(16_385, 16_384, 16_384)]
    [InlineData(100_000, 70_000, 9_000)]
    public void Decrypts_what_the_platform_decrypts_whatever_the_read_sizes(int length, int largestSourceRead, int largestRead)
    {
        foreach (SymmetricAlgorithm cipher in new SymmetricAlgorithm[] { Aes.Create(), TripleDES.Create() })
        {
            using (cipher)
            {
                byte[] plaintext = RandomNumberGenerator.GetBytes(length);
                byte[] ciphertext = cipher.EncryptCbc(plaintext, cipher.IV, PaddingMode.PKCS7);

                Assert.Equal(cipher.DecryptCbc(ciphertext, cipher.IV, PaddingMode.PKCS7), ReadAll(cipher, ciphertext, largestSourceRead, largestRead));
            }
        }
    }

    [Fact]
    public void A_wrong_padding_in_the_last_block_is_the_decryptors_error_at_the_end()
    {
        using Aes aes = Aes.Create();
        byte[] ciphertext = aes.EncryptCbc(RandomNumberGenerator.GetBytes(1000), aes.IV, PaddingMode.PKCS7);
        ciphertext[^17] ^= 0x01; // changes the last plaintext byte: the padding length
        Assert.Throws<CryptographicException>(() => aes.DecryptCbc(ciphertext, aes.IV, PaddingMode.PKCS7));

        Assert.ThrowsAny<CryptographicException>(() => ReadAll(aes, ciphertext, 100, 100));
    }

    [Fact]
    public void A_ciphertext_that_is_not_whole_blocks_is_refused()
    {
        using Aes aes = Aes.Create();
        byte[] ciphertext = aes.EncryptCbc(RandomNumberGenerator.GetBytes(1000), aes.IV, PaddingMode.PKCS7);

        Assert.ThrowsAny<CryptographicException>(() => ReadAll(aes, ciphertext[..^5], 64, 64));
    }

    // RFC 5652 §6.3: the last block ends in 1 to 16 octets of its count. Each final block is
    // encrypted without padding, so the stream sees exactly these plaintext bytes at the end.
    [Theory]
    [InlineData(new byte[] { 1 }, true)]
    [InlineData(new byte[] { 4, 4, 4, 4 }, true)]
    [InlineData(new byte[] { 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16 }, true)]
    [InlineData(new byte[] { 0 }, false)]
    [InlineData(new byte[] { 17 }, false)]
    [InlineData(new byte[] { 255 }, false)]
    [InlineData(new byte[] { 3, 4, 4, 4 }, false)]
    [InlineData(new byte[] { 4, 3, 4, 4 }, false)]
    public void The_padding_is_checked_as_the_platform_checks_it(byte[] tail, bool valid)
    {
        using Aes aes = Aes.Create();
        AssertPaddingCheckedAsThePlatformChecksIt(aes, tail, valid);
    }

    // RFC 3370 §5.1 with RFC 5652 §6.3: Triple-DES blocks are 8 octets, so its padding is 1 to 8
    // octets; 9 to 16, which AES would take, are wrong.
    [Theory]
    [InlineData(new byte[] { 1 }, true)]
    [InlineData(new byte[] { 8, 8, 8, 8, 8, 8, 8, 8 }, true)]
    [InlineData(new byte[] { 9, 9, 9, 9, 9, 9, 9, 9, 9 }, false)]
    [InlineData(new byte[] { 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16 }, false)]
    [InlineData(new byte[] { 2, 8, 8, 8, 8, 8, 8, 8 }, false)]
    public void Triple_des_padding_is_checked_against_its_8_octet_block(byte[] tail, bool valid)
    {
        using var des = TripleDES.Create();
        Assert.Equal(64, des.BlockSize);
        AssertPaddingCheckedAsThePlatformChecksIt(des, tail, valid);
    }

    [Fact]
    public void An_empty_ciphertext_is_refused()
    {
        using Aes aes = Aes.Create();
        Assert.ThrowsAny<CryptographicException>(() => aes.DecryptCbc(Array.Empty<byte>(), aes.IV, PaddingMode.PKCS7));
        Assert.ThrowsAny<CryptographicException>(() => ReadAll(aes, [], 64, 64));
    }

    // The last block's plaintext ends in `tail`, encrypted without padding, so the stream sees
    // exactly these bytes at the end; the platform's one-shot decryption is the judge.
    private static void AssertPaddingCheckedAsThePlatformChecksIt(SymmetricAlgorithm cipher, byte[] tail, bool valid)
    {
        byte[] plaintext = RandomNumberGenerator.GetBytes(40_000 - tail.Length);
        byte[] padded = [.. plaintext, .. tail];
        byte[] ciphertext = cipher.EncryptCbc(padded, cipher.IV, PaddingMode.None);

        if (valid)
        {
            byte[] expected = cipher.DecryptCbc(ciphertext, cipher.IV, PaddingMode.PKCS7);
            Assert.Equal(expected, ReadAll(cipher, ciphertext, 5_000, 5_000));
        }
        else
        {
            Assert.ThrowsAny<CryptographicException>(() => cipher.DecryptCbc(ciphertext, cipher.IV, PaddingMode.PKCS7));
            Assert.ThrowsAny<CryptographicException>(() => ReadAll(cipher, ciphertext, 5_000, 5_000));
        }
    }

    private static byte[] ReadAll(SymmetricAlgorithm cipher, byte[] ciphertext, int largestSourceRead, int largestRead)
    {
        var random = new Random(largestSourceRead ^ largestRead);
        cipher.Padding = PaddingMode.None;
        using ICryptoTransform decryptor = cipher.CreateDecryptor();
        using var stream = new CbcDecryptingReadStream(new RandomBlockStream(ciphertext, largestSourceRead, random), decryptor);
        var output = new MemoryStream();
        byte[] buffer = new byte[largestRead];
        int read;
        while ((read = stream.Read(buffer, 0, random.Next(1, largestRead + 1))) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }
}
