using System.Formats.Asn1;
using SmimeGraph.Cms;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

/// <summary>OpenSSL 3 decrypts what the writer produces, for every recipient kind, in both length forms.</summary>
[Collection(EnvelopedDataTestCertificates.CollectionName)]
public sealed class EnvelopedDataOpenSslTests(EnvelopedDataTestCertificates certs)
{
    public static TheoryData<string, bool> ModesAndForms()
    {
        var data = new TheoryData<string, bool>();
        foreach (string mode in EnvelopedDataModes.All)
        {
            data.Add(mode, true);
            data.Add(mode, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModesAndForms))]
    public void OpenSsl_decrypts_to_the_exact_input_for_every_recipient(string mode, bool announceLength)
    {
        (SmimeEncryptionOptions options, TestRecipient[] readers) = EnvelopedDataModes.Create(mode, certs);
        byte[] content = EnvelopedDataTestHelpers.Content(5000);
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, content, announceLength);

        foreach (TestRecipient reader in readers)
        {
            PeerResult result = EnvelopedDataTestHelpers.OpenSslDecrypt(envelope, reader).EnsureSuccess($"openssl cms -decrypt ({mode}, {reader})");
            Assert.Equal(content, result.StandardOutput);
        }
    }

    [Theory]
    [InlineData(EnvelopedDataModes.Rsa15Aes256, "(1.2.840.113549.1.7.3)", "(2.16.840.1.101.3.4.1.42)", "rsaEncryption (1.2.840.113549.1.1.1)")]
    [InlineData(EnvelopedDataModes.OaepAes256, "(1.2.840.113549.1.7.3)", "(2.16.840.1.101.3.4.1.42)", "rsaesOaep (1.2.840.113549.1.1.7)")]
    [InlineData(EnvelopedDataModes.EcdhP256Aes128, "(1.2.840.113549.1.7.3)", "(2.16.840.1.101.3.4.1.2)", "dhSinglePass-stdDH-sha256kdf-scheme (1.3.132.1.11.1)")]
    [InlineData(EnvelopedDataModes.EcdhP256Aes128, "(1.2.840.113549.1.7.3)", "(2.16.840.1.101.3.4.1.2)", "id-aes128-wrap")]
    [InlineData(EnvelopedDataModes.EcdhP384Aes256, "(1.2.840.113549.1.7.3)", "(2.16.840.1.101.3.4.1.42)", "dhSinglePass-stdDH-sha384kdf-scheme (1.3.132.1.11.2)")]
    [InlineData(EnvelopedDataModes.EcdhP384Aes256, "(1.2.840.113549.1.7.3)", "(2.16.840.1.101.3.4.1.42)", "id-aes256-wrap")]
    [InlineData(EnvelopedDataModes.GcmAes256Rsa, "(1.2.840.113549.1.9.16.1.23)", "(2.16.840.1.101.3.4.1.46)", "rsaEncryption (1.2.840.113549.1.1.1)")]
    public void OpenSsl_reads_the_content_type_and_algorithms(string mode, string contentType, string contentEncryption, string keyEncryption)
    {
        (SmimeEncryptionOptions options, _) = EnvelopedDataModes.Create(mode, certs);
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, EnvelopedDataTestHelpers.Content(100));
        string directory = TestPaths.NewTempDirectory();
        try
        {
            string path = Path.Combine(directory, "env.der");
            File.WriteAllBytes(path, envelope);
            string printed = Peer.OpenSsl("cms", "-cmsout", "-print", "-inform", "DER", "-in", path).EnsureSuccess("openssl cms -cmsout -print").StandardOutputText;
            Assert.Contains("contentType: ", printed);
            Assert.Contains(contentType, printed[..printed.IndexOf('\n', printed.IndexOf("contentType: ", StringComparison.Ordinal))], StringComparison.Ordinal);
            Assert.Contains(contentEncryption, printed, StringComparison.Ordinal);
            Assert.Contains(keyEncryption, printed, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(ModesAndForms))]
    public async Task Async_writes_give_the_same_decryptable_result(string mode, bool announceLength)
    {
        (SmimeEncryptionOptions options, TestRecipient[] readers) = EnvelopedDataModes.Create(mode, certs);
        byte[] content = EnvelopedDataTestHelpers.Content(40_000);
        byte[] envelope = await EnvelopedDataTestHelpers.EncryptAsync(options, content, announceLength, 3000);

        PeerResult result = EnvelopedDataTestHelpers.OpenSslDecrypt(envelope, readers[^1]).EnsureSuccess($"openssl cms -decrypt ({mode})");
        Assert.Equal(content, result.StandardOutput);
    }

    [Theory]
    [InlineData(EnvelopedDataModes.Rsa15Aes256, 1, true)]
    [InlineData(EnvelopedDataModes.Rsa15Aes256, 16, false)]
    [InlineData(EnvelopedDataModes.Rsa15Aes256, 4096, false)]
    [InlineData(EnvelopedDataModes.EcdhP256Aes128, 1, false)]
    [InlineData(EnvelopedDataModes.EcdhP256Aes128, 16, true)]
    [InlineData(EnvelopedDataModes.EcdhP256Aes128, 4096, true)]
    [InlineData(EnvelopedDataModes.GcmAes256Rsa, 1, false)]
    [InlineData(EnvelopedDataModes.GcmAes256Rsa, 16, true)]
    [InlineData(EnvelopedDataModes.MixedWithSender, 4096, false)]
    public void Chunked_writes_give_a_decryptable_result(string mode, int chunk, bool announceLength)
    {
        (SmimeEncryptionOptions options, TestRecipient[] readers) = EnvelopedDataModes.Create(mode, certs);

        // Crosses several 16 KiB encryption steps and ends off a block boundary.
        byte[] content = EnvelopedDataTestHelpers.Content((2 * EnvelopedContentStream.ChunkSize) + 1000 + 7);
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, content, announceLength, chunk);

        PeerResult result = EnvelopedDataTestHelpers.OpenSslDecrypt(envelope, readers[0]).EnsureSuccess($"openssl cms -decrypt ({mode}, chunk {chunk})");
        Assert.Equal(content, result.StandardOutput);
    }

    [Theory]
    [InlineData(EnvelopedDataModes.Rsa15Aes256)]
    [InlineData(EnvelopedDataModes.EcdhP256Aes256)]
    [InlineData(EnvelopedDataModes.OaepAes256)]
    public void A_flipped_ciphertext_byte_fails_or_changes_the_content(string mode)
    {
        (SmimeEncryptionOptions options, TestRecipient[] readers) = EnvelopedDataModes.Create(mode, certs);
        byte[] content = EnvelopedDataTestHelpers.Content(1000);
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, content);

        // The encrypted content is the last 1008 bytes of the definite form (1000 padded to 63 blocks).
        envelope[envelope.Length - 500] ^= 0x01;

        PeerResult result = EnvelopedDataTestHelpers.OpenSslDecrypt(envelope, readers[0]);
        Assert.True(result.ExitCode != 0 || !result.StandardOutput.AsSpan().SequenceEqual(content), "A modified ciphertext decrypted to the original content.");
    }

    [Theory]
    [InlineData(EnvelopedDataModes.GcmAes256Rsa, 20)]
    [InlineData(EnvelopedDataModes.GcmAes128Ecdh, 500)]
    [InlineData(EnvelopedDataModes.GcmAes128Ecdh, 5)]
    public void A_flipped_byte_in_authenticated_content_or_mac_makes_OpenSsl_fail(string mode, int fromEnd)
    {
        (SmimeEncryptionOptions options, TestRecipient[] readers) = EnvelopedDataModes.Create(mode, certs);
        byte[] content = EnvelopedDataTestHelpers.Content(1000);
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, content);
        Assert.Equal(0, EnvelopedDataTestHelpers.OpenSslDecrypt(envelope, readers[0]).ExitCode);

        // The last 18 bytes are the mac OCTET STRING; before them, the ciphertext.
        envelope[envelope.Length - fromEnd] ^= 0x80;

        PeerResult result = EnvelopedDataTestHelpers.OpenSslDecrypt(envelope, readers[0]);
        Assert.NotEqual(0, result.ExitCode);
    }

    [Theory]
    [InlineData(EnvelopedDataModes.Rsa15Aes256, 0, 1)]
    [InlineData(EnvelopedDataModes.OaepAes256, 0, 1)]
    [InlineData(EnvelopedDataModes.EcdhP256Aes256, 2, 1)]
    [InlineData(EnvelopedDataModes.MixedWithSender, 2, 4)]
    [InlineData(EnvelopedDataModes.GcmAes128Ecdh, 0, 1)]
    [InlineData(EnvelopedDataModes.MixedOaepGcm, 0, 4)]
    public void Definite_output_is_DER_with_the_RFC_version_and_fields(string mode, int version, int recipientCount)
    {
        (SmimeEncryptionOptions options, _) = EnvelopedDataModes.Create(mode, certs);
        bool authenticated = options.Algorithm is ContentEncryptionAlgorithm.Aes128Gcm or ContentEncryptionAlgorithm.Aes256Gcm;
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, EnvelopedDataTestHelpers.Content(33));

        // AsnReader under DER rejects indefinite or non-minimal lengths and an unsorted SET OF.
        var reader = new AsnReader(envelope, AsnEncodingRules.DER);
        AsnReader contentInfo = reader.ReadSequence();
        Assert.False(reader.HasData);
        Assert.Equal(authenticated ? "1.2.840.113549.1.9.16.1.23" : "1.2.840.113549.1.7.3", contentInfo.ReadObjectIdentifier());
        AsnReader explicitContent = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        Assert.False(contentInfo.HasData);
        AsnReader enveloped = explicitContent.ReadSequence();
        Assert.False(explicitContent.HasData);
        Assert.Equal(version, (int)enveloped.ReadInteger());

        AsnReader recipientInfos = enveloped.ReadSetOf();
        int count = 0;
        while (recipientInfos.HasData)
        {
            recipientInfos.ReadEncodedValue();
            count++;
        }

        Assert.Equal(recipientCount, count);

        AsnReader encryptedContentInfo = enveloped.ReadSequence();
        Assert.Equal("1.2.840.113549.1.7.1", encryptedContentInfo.ReadObjectIdentifier());
        encryptedContentInfo.ReadSequence();
        byte[] encryptedContent = encryptedContentInfo.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0));
        Assert.False(encryptedContentInfo.HasData);
        Assert.Equal(authenticated ? 33 : 48, encryptedContent.Length);
        if (authenticated)
        {
            Assert.Equal(16, enveloped.ReadOctetString().Length);
        }

        Assert.False(enveloped.HasData);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData((2 * EnvelopedContentStream.ChunkSize) + 5)]
    public void Unannounced_length_gives_BER_with_constructed_OCTET_STRING_chunks(int size)
    {
        (SmimeEncryptionOptions options, _) = EnvelopedDataModes.Create(EnvelopedDataModes.Rsa15Aes256, certs);
        byte[] envelope = EnvelopedDataTestHelpers.Encrypt(options, EnvelopedDataTestHelpers.Content(size), announceLength: false, chunk: 1000);
        Assert.Equal(new byte[] { 0x30, 0x80 }, envelope[..2]);

        var reader = new AsnReader(envelope, AsnEncodingRules.BER);
        AsnReader contentInfo = reader.ReadSequence();
        Assert.False(reader.HasData);
        contentInfo.ReadObjectIdentifier();
        AsnReader enveloped = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
        enveloped.ReadInteger();
        enveloped.ReadSetOf();
        AsnReader encryptedContentInfo = enveloped.ReadSequence();
        encryptedContentInfo.ReadObjectIdentifier();
        encryptedContentInfo.ReadSequence();
        AsnReader chunks = encryptedContentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
        int total = 0;
        int count = 0;
        while (chunks.HasData)
        {
            byte[] chunk = chunks.ReadOctetString();
            Assert.InRange(chunk.Length, 16, EnvelopedContentStream.ChunkSize + 16);
            total += chunk.Length;
            count++;
        }

        Assert.Equal(((size / 16) + 1) * 16, total);
        Assert.Equal((size / EnvelopedContentStream.ChunkSize) + 1, count);
    }
}
