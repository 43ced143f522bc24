using MimeKit;
using MimeKit.Cryptography;
using SmimeGraph.MimeKit.Tests.TestSupport;
using SmimeGraph.Smime;

namespace SmimeGraph.MimeKit.Tests.Interop;

/// <summary>
/// SmimeGraph writes, MimeKit reads: a MimeKit message composed by SmimeGraph (through this
/// adapter) is verified and decrypted by MimeKit's own S/MIME (TemporarySecureMimeContext,
/// BouncyCastle), and MimeKit gets back the very entity the app built.
/// </summary>
public sealed class MimeKitReadsSmimeGraphTests
{
    public static TheoryData<string> ReadableModes() => new(InteropMode.All.Where(m => !m.IsEcdh).Select(m => m.Name));

    public static TheoryData<string> EcdhModes() => new(InteropMode.All.Where(m => m.IsEcdh).Select(m => m.Name));

    [Theory]
    [MemberData(nameof(ReadableModes))]
    public async Task MimeKit_verifies_and_decrypts_and_gets_the_same_entity(string name)
    {
        InteropMode mode = InteropMode.Named(name);
        MimeMessage original = SampleMessages.Create(from: mode.Signer is null ? "alice@example.com" : TestPki.Address(mode.Signer));
        byte[] mime = await ComposeAsync(original, mode);

        MimeMessage received = MessageBytes.Load(mime);
        Assert.Equal(original.Subject, received.Subject);
        Assert.Equal(original.MessageId, received.MessageId);
        Assert.Equal(original.Cc.Mailboxes.Select(m => m.Address), received.Cc.Mailboxes.Select(m => m.Address));

        using TemporarySecureMimeContext context = MimeKitPeer.Context(mode.Recipient is null ? [] : [mode.Recipient]);
        (MimeEntity content, IReadOnlyList<IDigitalSignature> signatures) = Unwrap(context, received.Body!, mode);
        if (mode.Signer is not null)
        {
            IDigitalSignature signature = Assert.Single(signatures);
            Assert.True(signature.Verify(), $"MimeKit refused the {mode} signature.");
            Assert.Equal(TestPki.Address(mode.Signer), signature.SignerCertificate?.Email);
        }

        EntityAssert.Same(original.Body!, content);
    }

    /// <summary>
    /// MimeKit's BouncyCastle context cannot unwrap the content key of RFC 5753 ECDH as
    /// SmimeGraph and OpenSSL write it ("checksum failed": it derives another key-encryption
    /// key): the limitation is MimeKit's, shown here on OpenSSL's own envelope too.
    /// </summary>
    [Theory]
    [MemberData(nameof(EcdhModes))]
    public async Task MimeKit_cannot_decrypt_RFC_5753_ECDH_as_OpenSSL_and_SmimeGraph_write_it(string name)
    {
        InteropMode mode = InteropMode.Named(name);
        byte[] mime = await ComposeAsync(SampleMessages.Simple(from: mode.Signer is null ? "alice@example.com" : TestPki.Address(mode.Signer)), mode);
        var enveloped = Assert.IsType<ApplicationPkcs7Mime>(MessageBytes.Load(mime).Body);
        using (TemporarySecureMimeContext context = MimeKitPeer.Context(mode.Recipient!))
        {
            Assert.Throws<Org.BouncyCastle.Cms.CmsException>(() => enveloped.Decrypt(context));
        }

        // OpenSSL's ECDH P-256 envelope (AES-128 wrap, X9.63 KDF with SHA-256), from NSS's interop set.
        using var fran = new TemporarySecureMimeContext();
        using (FileStream pfx = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "TestData", "nss-interop", "Fran-ec.p12")))
        {
            fran.Import(pfx, "nss");
        }

        using FileStream openSsl = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "TestData", "nss-interop", "fran-ec_ossl-aes128-sha256.env"));
        Assert.Throws<Org.BouncyCastle.Cms.CmsException>(() => fran.DecryptTo(openSsl, Stream.Null));
    }

    [Fact]
    public async Task MimeKit_sees_a_tampered_signed_body()
    {
        InteropMode mode = InteropMode.Named("detached RSA PKCS#1 v1.5");
        byte[] mime = await ComposeAsync(SampleMessages.Simple(text: "Pay 100 EUR\r\n"), mode);
        string text = System.Text.Encoding.ASCII.GetString(mime).Replace("Pay 100 EUR", "Pay 900 EUR", StringComparison.Ordinal);
        MimeMessage received = MessageBytes.Load(System.Text.Encoding.ASCII.GetBytes(text));

        using TemporarySecureMimeContext context = MimeKitPeer.Context();
        IDigitalSignature signature = Assert.Single(((MultipartSigned)received.Body!).Verify(context));
        Assert.False(Holds(signature));
    }

    // MimeKit reports a signature that does not hold either as false or as DigitalSignatureVerifyException.
    private static bool Holds(IDigitalSignature signature)
    {
        try
        {
            return signature.Verify();
        }
        catch (DigitalSignatureVerifyException)
        {
            return false;
        }
    }

    /// <summary>Composes with SmimeGraph through the Graph body, the way it is uploaded, and returns the MIME it stands for.</summary>
    internal static async Task<byte[]> ComposeAsync(MimeMessage message, InteropMode mode)
    {
        SmimeOptions options = SmimeGraphOptions(mode);
        using Graph.GraphPayload payload = await new SmimeComposer().ComposeAsync(message, options);
        return MessageBytes.FromGraphBody(payload);
    }

    internal static SmimeOptions SmimeGraphOptions(InteropMode mode, ContentEncryptionAlgorithm algorithm = ContentEncryptionAlgorithm.Aes256Cbc)
    {
        SmimeSigner? signer = null;
        if (mode.Signer is not null)
        {
            signer = new SmimeSigner(TestPki.WithKey(mode.Signer)) { UseRsaPss = mode.Pss };
            signer.Chain.AddRange(TestPki.Chain());
        }

        SmimeEncryptionOptions? encryption = null;
        if (mode.Recipient is not null)
        {
            encryption = new SmimeEncryptionOptions { UseRsaOaep = mode.Oaep, Algorithm = algorithm };
            encryption.Recipients.Add(TestPki.Certificate(mode.Recipient));
        }

        return new SmimeOptions { Signer = signer, OpaqueSignature = mode.Opaque, Encryption = encryption };
    }

    /// <summary>Opens every S/MIME layer the MimeKit way: decrypt, then verify (detached or opaque).</summary>
    private static (MimeEntity Content, IReadOnlyList<IDigitalSignature> Signatures) Unwrap(SecureMimeContext context, MimeEntity entity, InteropMode mode)
    {
        var signatures = new List<IDigitalSignature>();
        for (int layer = 0; layer < 4; layer++)
        {
            switch (entity)
            {
                case ApplicationPkcs7Mime { SecureMimeType: SecureMimeType.EnvelopedData } enveloped:
                    Assert.NotNull(mode.Recipient);
                    entity = enveloped.Decrypt(context);
                    continue;
                case ApplicationPkcs7Mime { SecureMimeType: SecureMimeType.SignedData } opaque:
                    Assert.True(mode.Opaque);
                    signatures.AddRange(opaque.Verify(context, out entity));
                    continue;
                case MultipartSigned signed:
                    Assert.False(mode.Opaque);
                    signatures.AddRange(signed.Verify(context));
                    entity = signed[0];
                    continue;
            }

            break;
        }

        return (entity, signatures);
    }
}
