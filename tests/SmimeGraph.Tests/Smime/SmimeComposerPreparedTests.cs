using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SmimeGraph.Cms;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Smime;

/// <summary>
/// A signer and a recipient set kept across messages are prepared once (policy, identifiers,
/// attributes, imported public keys) and reused: what the policy says and what each message
/// carries must be what a fresh signer would give, at every moment and after every change.
/// </summary>
public sealed class SmimeComposerPreparedTests
{
    private static readonly DateTimeOffset InValidity = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    // signer-rsa2048, recipient-rsa2048 and sender-rsa2048-enc are valid until 2050-01-01T00:00:00Z.
    private static readonly DateTimeOffset AfterValidity = new(2050, 1, 1, 0, 0, 1, TimeSpan.Zero);

    [Fact]
    public async Task A_kept_signer_is_refused_once_the_clock_leaves_its_validity_and_accepted_again_inside_it()
    {
        var clock = new MovableClock(InValidity);
        var composer = new SmimeComposer(clock);
        SmimeSigner signer = SmimeFixture.Signer();
        var options = new SmimeOptions { Signer = signer };

        await ComposeMimeAsync(composer, options);
        clock.Now = AfterValidity;
        var ex = await Assert.ThrowsAsync<CertificatePolicyException>(() => ComposeMimeAsync(composer, options));
        Assert.Contains("signer certificate is refused", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);

        clock.Now = InValidity;
        await ComposeMimeAsync(composer, options);
    }

    [Fact]
    public async Task Kept_recipients_are_refused_once_the_clock_leaves_their_validity()
    {
        var clock = new MovableClock(InValidity);
        var composer = new SmimeComposer(clock);
        var options = new SmimeOptions { Encryption = SmimeFixture.Encryption() };

        await ComposeMimeAsync(composer, options);
        clock.Now = AfterValidity;
        var ex = await Assert.ThrowsAsync<CertificatePolicyException>(() => ComposeMimeAsync(composer, options));
        Assert.Contains("recipient certificate is refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_message_of_a_kept_signer_carries_its_own_signing_time_and_a_valid_signature()
    {
        var clock = new MovableClock(InValidity);
        var composer = new SmimeComposer(clock);
        var options = new SmimeOptions { Signer = SmimeFixture.Signer() };
        DateTimeOffset[] times = [InValidity, InValidity.AddSeconds(1), InValidity.AddDays(400).AddMilliseconds(700)];

        foreach (DateTimeOffset time in times)
        {
            clock.Now = time;
            SignedCms signed = DetachedSignature(await ComposeMimeAsync(composer, options));
            signed.CheckSignature(verifySignatureOnly: true);
            Pkcs9SigningTime signingTime = Assert.Single(signed.SignerInfos[0].SignedAttributes.OfType<CryptographicAttributeObject>()
                .Where(a => a.Oid.Value == "1.2.840.113549.1.9.5")
                .Select(a => new Pkcs9SigningTime(a.Values[0].RawData)));
            Assert.Equal(new DateTime(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc), signingTime.SigningTime);
        }
    }

    [Fact]
    public async Task A_change_to_a_kept_signer_takes_effect_on_the_next_message()
    {
        var composer = new SmimeComposer(new MovableClock(InValidity));
        SmimeSigner signer = SmimeFixture.Signer();
        var options = new SmimeOptions { Signer = signer };

        Assert.Contains("micalg=sha-256", await ComposeMimeAsync(composer, options), StringComparison.Ordinal);
        signer.DigestAlgorithm = HashAlgorithmName.SHA512;
        string sha512 = await ComposeMimeAsync(composer, options);
        Assert.Contains("micalg=sha-512", sha512, StringComparison.Ordinal);
        DetachedSignature(sha512).CheckSignature(verifySignatureOnly: true);

        signer.DigestAlgorithm = HashAlgorithmName.SHA1;
        await Assert.ThrowsAsync<CertificatePolicyException>(() => ComposeMimeAsync(composer, options));
    }

    [Fact]
    public async Task A_recipient_added_to_kept_options_gets_a_RecipientInfo_on_the_next_message()
    {
        var composer = new SmimeComposer(new MovableClock(InValidity));
        SmimeEncryptionOptions encryption = SmimeFixture.Encryption();
        var options = new SmimeOptions { Encryption = encryption };

        Assert.Single(Envelope(await ComposeMimeAsync(composer, options)).RecipientInfos);
        encryption.SenderCertificate = SmimeFixture.LoadPem("sender-rsa2048-enc");
        EnvelopedCms both = Envelope(await ComposeMimeAsync(composer, options));

        Assert.Equal(2, both.RecipientInfos.Count);
        both.Decrypt(new X509Certificate2Collection(SmimeFixture.LoadPfx("sender-rsa2048-enc")));
        Assert.StartsWith("Content-Type: multipart/mixed", Encoding.ASCII.GetString(both.ContentInfo.Content), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kept_signer_and_recipient_set_are_prepared_once_while_nothing_changes()
    {
        var clock = new MovableClock(InValidity);
        SmimeSigner signer = SmimeFixture.Signer();
        SmimeEncryptionOptions encryption = SmimeFixture.Encryption();

        SignedDataWriter first = signer.CreateWriter(clock);
        EnvelopedDataWriter envelope = encryption.CreateWriter(clock);

        // Same second: the very same writers; a later second: a writer for that signing time.
        Assert.Same(first, signer.CreateWriter(clock));
        Assert.Same(envelope, encryption.CreateWriter(clock));
        clock.Now = InValidity.AddMinutes(5);
        SignedDataWriter later = signer.CreateWriter(clock);
        Assert.NotSame(first, later);
        Assert.Equal(clock.Now, later.SigningTime);
        Assert.Same(envelope, encryption.CreateWriter(clock));
    }

    [Fact]
    public void A_signer_moved_to_a_GeneralizedTime_year_predicts_the_length_it_writes()
    {
        // RFC 5652 §11.3: signingTime from 2050 on is a GeneralizedTime, two bytes longer.
        SignedDataWriter prepared = new SmimeSigner(SmimeFixture.LoadPfx("signer-rsa2048")).CreateWriter(new MovableClock(InValidity));
        SignedDataWriter later = prepared.ForMessage(new DateTimeOffset(2051, 3, 4, 5, 6, 7, TimeSpan.Zero));

        byte[] digest = SHA256.HashData("content"u8);
        byte[] signature = later.CompleteDetached(digest);

        Assert.Equal(prepared.DetachedLength + 2, later.DetachedLength);
        Assert.Equal(later.DetachedLength, signature.Length);
        var signed = new SignedCms(new ContentInfo("content"u8.ToArray()), detached: true);
        signed.Decode(signature);
        signed.CheckSignature(verifySignatureOnly: true);
    }

    [Fact]
    public void A_public_key_is_imported_once_for_many_uses_and_once_more_for_each_use_at_the_same_moment()
    {
        int imports = 0;
        X509Certificate2 certificate = SmimeFixture.LoadPem("recipient-rsa2048");
        var pool = new PublicKeyPool<RSA>(() =>
        {
            Interlocked.Increment(ref imports);
            return certificate.GetRSAPublicKey()!;
        });

        for (int i = 0; i < 20; i++)
        {
            pool.Return(pool.Rent());
        }

        Assert.Equal(1, imports);
        RSA first = pool.Rent();
        RSA second = pool.Rent();
        Assert.NotSame(first, second);
        Assert.Equal(2, imports);
        pool.Return(first);
        pool.Return(second);
        Assert.Equal(2, imports);
    }

    [Fact]
    public async Task A_kept_signer_and_recipient_set_used_by_two_threads_at_once_give_two_valid_messages()
    {
        // The prepared SignerInfo encoding is shared by every message: each message fills in its own
        // copy, so two signatures made at the same moment must not see each other's digest or time.
        SmimeSigner signer = SmimeFixture.Signer();
        SmimeEncryptionOptions encryption = SmimeFixture.Encryption();
        var options = new SmimeOptions { Signer = signer };
        var composer = new SmimeComposer();
        _ = await ComposeMimeAsync(composer, options);
        for (int round = 0; round < 20; round++)
        {
            using var start = new Barrier(2);
            Task<string>[] work = [.. Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
            {
                start.SignalAndWait();
                using var output = new MemoryStream();
                await composer.WriteMimeAsync(SmimeFixture.Message(1000 + (i * 777)), options, output);
                return Encoding.ASCII.GetString(output.ToArray());
            }))];
            string[] messages = await Task.WhenAll(work);
            Assert.NotEqual(messages[0], messages[1]);
            foreach (string mime in messages)
            {
                DetachedSignature(mime).CheckSignature(verifySignatureOnly: true);
            }
        }

        // The same with encryption: each envelope opens with the recipient's key and holds a signature that verifies.
        var both = new SmimeOptions { Signer = signer, Encryption = encryption };
        using var go = new Barrier(2);
        Task<string>[] encrypted = [.. Enumerable.Range(0, 2).Select(i => Task.Run(async () =>
        {
            go.SignalAndWait();
            using var output = new MemoryStream();
            await composer.WriteMimeAsync(SmimeFixture.Message(1500 + (i * 333)), both, output);
            return Encoding.ASCII.GetString(output.ToArray());
        }))];
        foreach (string mime in await Task.WhenAll(encrypted))
        {
            EnvelopedCms enveloped = Envelope(mime);
            enveloped.Decrypt(new X509Certificate2Collection(SmimeFixture.LoadPfx("recipient-rsa2048")));
            DetachedSignature(Encoding.ASCII.GetString(enveloped.ContentInfo.Content)).CheckSignature(verifySignatureOnly: true);
        }
    }

    private static async Task<string> ComposeMimeAsync(SmimeComposer composer, SmimeOptions options)
    {
        using var output = new MemoryStream();
        await composer.WriteMimeAsync(SmimeFixture.Message(2000), options, output);
        return Encoding.ASCII.GetString(output.ToArray());
    }

    // RFC 8551 §3.5.3: the first part of multipart/signed and its detached signature.
    private static SignedCms DetachedSignature(string mime)
    {
        string boundary = mime[(mime.IndexOf("boundary=\"", StringComparison.Ordinal) + 10)..];
        boundary = boundary[..boundary.IndexOf('"', StringComparison.Ordinal)];
        string[] parts = mime.Split("--" + boundary);
        string content = parts[1][2..^2];
        string signaturePart = parts[2];
        byte[] signature = Convert.FromBase64String(signaturePart[(signaturePart.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        var signed = new SignedCms(new ContentInfo(Encoding.ASCII.GetBytes(content)), detached: true);
        signed.Decode(signature);
        return signed;
    }

    private static EnvelopedCms Envelope(string mime)
    {
        var enveloped = new EnvelopedCms();
        enveloped.Decode(Convert.FromBase64String(mime[(mime.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]));
        return enveloped;
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
