using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;

namespace SmimeGraph.Tests.Cms;

/// <summary>
/// The memo of certificates decoded from messages and of signers' RSA keys: each answer is what
/// the platform's own loader or import gives, each caller owns what it gets, and the memo stays
/// within its bounds whatever a sender puts in a message.
/// </summary>
public class DecodedCertificatesTests
{
    [Fact]
    public void A_second_load_is_answered_from_the_memo_with_a_certificate_of_its_own()
    {
        using RSA key = RSA.Create(2048);
        using X509Certificate2 original = SelfSigned(key, "CN=Memo");
        byte[] der = original.RawData;
        var memo = new DecodedCertificates();

        X509Certificate2 first = memo.Load(der);
        X509Certificate2 second = memo.Load(der);
        Assert.Equal(1, memo.Hits);
        Assert.Equal(1, memo.Count);
        Assert.NotSame(first, second);

        using X509Certificate2 platform = X509CertificateLoader.LoadCertificate(der);
        Assert.Equal(platform.RawData, second.RawData);
        Assert.Equal(platform.Thumbprint, second.Thumbprint);
        Assert.Equal(platform.SubjectName.Name, second.SubjectName.Name);

        // Whoever disposes theirs takes nothing from the others.
        first.Dispose();
        using (second)
        using (X509Certificate2 third = memo.Load(der))
        {
            Assert.Equal(2, memo.Hits);
            Assert.Equal("CN=Memo", second.Subject);
            using RSA? fromSecond = second.GetRSAPublicKey();
            using RSA? fromThird = third.GetRSAPublicKey();
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), fromSecond!.ExportSubjectPublicKeyInfo());
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), fromThird!.ExportSubjectPublicKeyInfo());
        }
    }

    [Fact]
    public void Bytes_that_are_not_a_certificate_are_refused_as_by_the_platform_and_not_kept()
    {
        byte[] garbage = [0x30, 0x03, 0x02, 0x01, 0x01];
        Assert.ThrowsAny<CryptographicException>(() => X509CertificateLoader.LoadCertificate(garbage));
        var memo = new DecodedCertificates();
        Assert.ThrowsAny<CryptographicException>(() => memo.Load(garbage));
        Assert.Equal(0, memo.Count);
    }

    [Fact]
    public void Many_different_certificates_never_hold_more_than_the_capacity()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var memo = new DecodedCertificates(capacity: 4);
        for (int i = 0; i < 11; i++)
        {
            using X509Certificate2 certificate = memo.Load(SelfSigned(key, $"CN=Sender {i}").RawData);
            Assert.Equal($"CN=Sender {i}", certificate.Subject);
            Assert.InRange(memo.Count, 1, 4);
        }

        Assert.Equal(0, memo.Hits);
    }

    [Fact]
    public void A_certificate_over_the_size_limit_is_decoded_every_time()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Large", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension("1.3.6.1.4.1.99999.1", new byte[DecodedCertificates.MaxLength], critical: false));
        using X509Certificate2 large = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        byte[] der = large.RawData;
        Assert.True(der.Length > DecodedCertificates.MaxLength);

        var memo = new DecodedCertificates();
        using X509Certificate2 first = memo.Load(der);
        using X509Certificate2 second = memo.Load(der);
        Assert.Equal(der, second.RawData);
        Assert.Equal(0, memo.Count);
        Assert.Equal(0, memo.Hits);
    }

    [Fact]
    public void A_returned_rsa_key_is_reused_and_one_in_use_is_never_shared()
    {
        using RSA key = RSA.Create(2048);
        byte[] digest = SHA256.HashData("signed attributes"u8);
        byte[] signature = key.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = SelfSigned(key, "CN=Signer");
        using X509Certificate2 sameKey = SelfSigned(key, "CN=Same key other certificate");
        var keys = new RsaPublicKeys();

        RSA first;
        using (RsaPublicKeys.Lease lease = keys.Rent(certificate))
        using (RsaPublicKeys.Lease concurrent = keys.Rent(sameKey))
        {
            first = lease.Key!;
            Assert.NotSame(first, concurrent.Key);
            Assert.True(first.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            Assert.True(concurrent.Key!.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }

        Assert.Equal(1, keys.Count);
        using (RsaPublicKeys.Lease again = keys.Rent(certificate))
        {
            // The key given back last is the one handed out next: nothing was imported again.
            Assert.Same(first, again.Key);
            Assert.Equal(key.ExportSubjectPublicKeyInfo(), again.Key!.ExportSubjectPublicKeyInfo());
        }
    }

    [Fact]
    public void Keys_that_are_not_rsa_are_not_kept_and_the_count_stays_bounded()
    {
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keys = new RsaPublicKeys(capacity: 2);
        using X509Certificate2 ecCertificate = SelfSigned(ec, "CN=EC");
        using (RsaPublicKeys.Lease lease = keys.Rent(ecCertificate))
        {
            Assert.Null(lease.Key);
        }

        Assert.Equal(0, keys.Count);
        for (int i = 0; i < 5; i++)
        {
            using RSA rsa = RSA.Create(2048);
            using X509Certificate2 certificate = SelfSigned(rsa, $"CN=Signer {i}");
            using RsaPublicKeys.Lease lease = keys.Rent(certificate);
            Assert.Equal(rsa.ExportSubjectPublicKeyInfo(), lease.Key!.ExportSubjectPublicKeyInfo());
            Assert.InRange(keys.Count, 1, 2);
        }
    }

    [Fact]
    public void Concurrent_readers_of_a_memo_that_keeps_emptying_each_get_their_own_certificate_and_key()
    {
        // Readers on several threads share the memos; with room for 3 of 8 certificates, entries
        // are added, answered and dropped under one another. Every answer must still be the
        // certificate whose DER was asked for and a key that verifies that signer's signature.
        byte[] digest = SHA256.HashData("signed attributes"u8);
        var signers = new List<(byte[] Der, byte[] Signature)>();
        for (int i = 0; i < 8; i++)
        {
            using RSA rsa = RSA.Create(2048);
            using X509Certificate2 certificate = SelfSigned(rsa, $"CN=Concurrent {i}");
            signers.Add((certificate.RawData, rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        }

        var memo = new DecodedCertificates(capacity: 3);
        var keys = new RsaPublicKeys(capacity: 3);
        Parallel.For(0, 4 * Math.Max(2, Environment.ProcessorCount), new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var random = new Random(worker);
            for (int round = 0; round < 200; round++)
            {
                (byte[] der, byte[] signature) = signers[random.Next(signers.Count)];
                using X509Certificate2 certificate = memo.Load(der);
                Assert.Equal(der, certificate.RawData);
                using RsaPublicKeys.Lease lease = keys.Rent(certificate);
                Assert.True(lease.Key!.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            }
        });

        Assert.InRange(memo.Count, 1, 3);
        Assert.InRange(keys.Count, 1, 3);
        Assert.True(memo.Hits > 0);
    }

    private static X509Certificate2 SelfSigned(AsymmetricAlgorithm key, string subject)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        CertificateRequest request = key switch
        {
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("RSA or ECDSA only.", nameof(key)),
        };
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }
}
