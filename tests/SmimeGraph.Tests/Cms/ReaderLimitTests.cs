using System.Formats.Asn1;
using SmimeGraph.Cms;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Support;

namespace SmimeGraph.Tests.Cms;

/// <summary>
/// The CMS readers' budget: the work a message can ask for is counted (key operations, content
/// decryptions, SignerInfos, RecipientInfos, attributes) and bounded, and the signed attributes
/// are re-encoded as the platform's DER writer would.
/// </summary>
public class ReaderLimitTests
{
    [Fact]
    public void Repeated_wrong_key_decrypts_the_content_once()
    {
        var budget = new CmsReadBudget { MaxPrivateKeyOperations = 100 };
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(HostileMessages.EnvelopeWithWrongKeys(50, WrongKeys.Repeated), budget);
        DecryptedContent result = reader.Decrypt([HostileMessages.Pki.Recipient]);
        Assert.StartsWith("Content-Type: text/plain", System.Text.Encoding.ASCII.GetString(result.Content));
        Assert.Equal(51, budget.PrivateKeyOperations);
        Assert.Equal(2, budget.ContentDecryptions);
    }

    [Fact]
    public void Failed_key_recoveries_share_one_random_key_and_one_content_decryption()
    {
        var budget = new CmsReadBudget { MaxPrivateKeyOperations = 100 };
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(HostileMessages.EnvelopeWithWrongKeys(50, WrongKeys.Garbage), budget);
        Assert.NotEmpty(reader.Decrypt([HostileMessages.Pki.Recipient]).Content);
        Assert.Equal(51, budget.PrivateKeyOperations);
        Assert.Equal(2, budget.ContentDecryptions);
    }

    [Fact]
    public void Distinct_wrong_keys_cost_one_content_decryption_each_until_the_key_operations_run_out()
    {
        var budget = new CmsReadBudget();
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(HostileMessages.EnvelopeWithWrongKeys(50, WrongKeys.Distinct), budget);
        ReaderLimitExceededException ex = Assert.Throws<ReaderLimitExceededException>(() => reader.Decrypt([HostileMessages.Pki.Recipient]));
        Assert.Equal(nameof(CmsReadBudget.MaxPrivateKeyOperations), ex.LimitName);
        Assert.Equal(CmsReadBudget.DefaultMaxPrivateKeyOperations, ex.Limit);
        Assert.Equal(CmsReadBudget.DefaultMaxPrivateKeyOperations, budget.ContentDecryptions);
    }

    [Fact]
    public void Recipient_infos_past_the_limit_are_refused_while_reading()
    {
        byte[] envelope = HostileMessages.EnvelopeWithWrongKeys(10, WrongKeys.Garbage);
        Assert.NotNull(EnvelopedDataReader.Decode(envelope, new CmsReadBudget { MaxRecipientInfos = 11 }));
        ReaderLimitExceededException ex = Assert.Throws<ReaderLimitExceededException>(() => EnvelopedDataReader.Decode(envelope, new CmsReadBudget { MaxRecipientInfos = 10 }));
        Assert.Equal(nameof(CmsReadBudget.MaxRecipientInfos), ex.LimitName);
    }

    [Fact]
    public void Signer_infos_are_counted_across_every_signed_data_of_a_message()
    {
        byte[] signedData = SignedDataOf(HostileMessages.ManySignerInfos(3));
        var budget = new CmsReadBudget { MaxSignerInfos = 5 };
        Assert.Equal(3, SignedDataReader.Decode(signedData, budget).SignerInfos.Count);
        ReaderLimitExceededException ex = Assert.Throws<ReaderLimitExceededException>(() => SignedDataReader.Decode(signedData, budget));
        Assert.Equal(nameof(CmsReadBudget.MaxSignerInfos), ex.LimitName);
        Assert.Equal(6, budget.SignerInfos);
    }

    [Fact]
    public void Duplicated_signed_attributes_verify_under_a_raised_limit_with_the_sorted_re_encoding()
    {
        // 4.3 MB of attributes: once a 5 s, 4.6 GB re-encoding. The signature covers the DER
        // form, so a valid verdict proves the re-encoding exact.
        byte[] signedData = SignedDataOf(HostileMessages.DuplicatedSignedAttributes(4_300_000));
        SignedDataReader reader = SignedDataReader.Decode(signedData, new CmsReadBudget { MaxSignedAttributes = 1_000_000 });
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        SignatureVerdict verdict = Assert.Single(reader.Verify(HostileMessages.SignedEntity));
        Assert.True(verdict.IsSignatureValid, verdict.Failure);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < 200L * 1024 * 1024, $"{allocated:N0} bytes allocated");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(40)]
    public void Signed_attribute_re_encoding_matches_the_platform_der_writer(int seed)
    {
        var random = new Random(seed);
        var attributes = new List<(string Type, IReadOnlyList<ReadOnlyMemory<byte>> Values)>();
        for (int i = 0; i < 1 + random.Next(12); i++)
        {
            var values = new List<ReadOnlyMemory<byte>>();
            for (int v = 0; v < 1 + random.Next(4); v++)
            {
                var value = new AsnWriter(AsnEncodingRules.DER);
                byte[] octets = new byte[random.Next(300)];
                random.NextBytes(octets);
                if (random.Next(3) == 0)
                {
                    // Trailing zero octets: where X.690's "pad the shorter with zeros" rule matters.
                    octets.AsSpan(octets.Length / 2).Clear();
                }

                value.WriteOctetString(octets);
                values.Add(value.Encode());
            }

            attributes.Add(($"1.2.840.113549.1.9.{random.Next(1, 30)}", values));
        }

        var platform = new AsnWriter(AsnEncodingRules.DER);
        platform.PushSetOf();
        foreach ((string type, IReadOnlyList<ReadOnlyMemory<byte>> values) in attributes)
        {
            platform.PushSequence();
            platform.WriteObjectIdentifier(type);
            platform.PushSetOf();
            foreach (ReadOnlyMemory<byte> value in values)
            {
                platform.WriteEncodedValue(value.Span);
            }

            platform.PopSetOf();
            platform.PopSequence();
        }

        platform.PopSetOf();
        byte[] expected = platform.Encode();

        // The same attributes in transmitted (unsorted) order inside a SignerInfo, read back.
        Assert.Equal(expected, SignerInfoWith(attributes).ReencodeSignedAttributes());
    }

    [Fact]
    public void Signed_attributes_past_the_limit_are_refused_while_reading()
    {
        var attributes = Enumerable.Range(0, 65).Select(i => ("1.2.840.113549.1.9.15", (IReadOnlyList<ReadOnlyMemory<byte>>)[new byte[] { 0x30, 0x00 }])).ToList();
        ReaderLimitExceededException ex = Assert.Throws<ReaderLimitExceededException>(() => SignerInfoWith(attributes));
        Assert.Equal(nameof(CmsReadBudget.MaxSignedAttributes), ex.LimitName);
        Assert.Equal(64, SignerInfoWith(attributes[..64]).AttributeList.Count);
    }

    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData(16_384, false)]
    public void Rsa_public_exponent_is_checked_against_the_limit_before_use(int exponentBits, bool verified)
    {
        byte[] signedData = SignedDataOf(HostileMessages.LargeExponentSignature(signerInfos: 1, exponentBits));
        SignatureVerdict verdict = Assert.Single(SignedDataReader.Decode(signedData).Verify(HostileMessages.SignedEntity, [HostileMessages.Pki.Root]));
        Assert.Equal(verified, verdict.IsSignatureValid);
        if (!verified)
        {
            Assert.Contains($"the RSA public exponent has {exponentBits} bits, more than the limit of 64", verdict.Failure);
        }
    }

    private static SignerInfo SignerInfoWith(IReadOnlyList<(string Type, IReadOnlyList<ReadOnlyMemory<byte>> Values)> attributes)
    {
        // RFC 5652 §5.3 SignerInfo with signedAttrs written in the given order (BER keeps it).
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteInteger(3);
        writer.WriteOctetString([1, 2, 3], new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PushSequence();
        writer.WriteObjectIdentifier("2.16.840.1.101.3.4.2.1");
        writer.PopSequence();
        writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        foreach ((string type, IReadOnlyList<ReadOnlyMemory<byte>> values) in attributes)
        {
            writer.PushSequence();
            writer.WriteObjectIdentifier(type);
            writer.PushSetOf();
            foreach (ReadOnlyMemory<byte> value in values.Reverse())
            {
                writer.WriteEncodedValue(value.Span);
            }

            writer.PopSetOf();
            writer.PopSequence();
        }

        writer.PopSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PushSequence();
        writer.WriteObjectIdentifier("1.2.840.113549.1.1.11");
        writer.PopSequence();
        writer.WriteOctetString(new byte[256]);
        writer.PopSequence();
        return SignerInfo.Read(new AsnReader(writer.Encode(), AsnEncodingRules.BER), new CmsReadBudget());
    }

    /// <summary>The SignedData in the signature part of a multipart/signed message from <see cref="HostileMessages"/>.</summary>
    private static byte[] SignedDataOf(byte[] message)
    {
        SmimeGraph.Mime.MimeEntity root = SmimeGraph.Mime.MimeParser.Parse(message);
        return root.Children[1].DecodeContent();
    }
}
