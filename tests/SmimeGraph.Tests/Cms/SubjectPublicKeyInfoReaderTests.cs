using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Cms;
using SmimeGraph.Tests.Support;
using Xunit;

namespace SmimeGraph.Tests.Cms;

/// <summary>
/// The key sizes read from a certificate's SubjectPublicKeyInfo without importing the key, held
/// to what the platform reports for the imported key.
/// </summary>
public sealed class SubjectPublicKeyInfoReaderTests
{
    [Theory]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(16_384)]
    public void Rsa_public_exponent_bits_are_those_of_the_imported_key(int exponentBits)
    {
        X509Certificate2 certificate = HostileMessages.Pki.LargeExponentSigner(exponentBits).Certificate;

        int? bits = SubjectPublicKeyInfoReader.RsaPublicExponentBits(certificate);

        using RSA key = certificate.GetRSAPublicKey()!;
        Assert.Equal(BitLength(key.ExportParameters(false).Exponent!), bits);
        Assert.Equal(exponentBits, bits);
    }

    [Fact]
    public void Rsa_modulus_and_exponent_of_an_ordinary_key_are_those_of_the_imported_key()
    {
        using RSA rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=spki", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        RSAParameters parameters = rsa.ExportParameters(false);

        Assert.Equal(BitLength(parameters.Modulus!), SubjectPublicKeyInfoReader.RsaModulusBits(certificate));
        Assert.Equal(BitLength(parameters.Exponent!), SubjectPublicKeyInfoReader.RsaPublicExponentBits(certificate));
    }

    [Fact]
    public void An_ec_key_has_no_rsa_exponent()
    {
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=spki-ec", ec, HashAlgorithmName.SHA256);
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Null(SubjectPublicKeyInfoReader.RsaPublicExponentBits(certificate));
        Assert.Equal(256, SubjectPublicKeyInfoReader.KeyBits(certificate));
    }

    private static int BitLength(byte[] bigEndian)
    {
        int start = Array.FindIndex(bigEndian, b => b != 0);
        return start < 0 ? 0 : ((bigEndian.Length - start - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)bigEndian[start]));
    }
}
