using System.Security.Cryptography;
using SmimeGraph.Cms;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Cms;

/// <summary>The AES key wrap and X9.63 KDF underneath key agreement (BouncyCastle), against pyca/cryptography.</summary>
public sealed class EnvelopedDataKeyDerivationTests
{
    [Theory]
    [InlineData(16, 16)]
    [InlineData(32, 16)]
    [InlineData(32, 32)]
    [InlineData(24, 40)]
    public void Aes_key_wrap_matches_pyca_cryptography_and_unwraps(int kekLength, int keyLength)
    {
        byte[] kek = RandomNumberGenerator.GetBytes(kekLength);
        byte[] key = RandomNumberGenerator.GetBytes(keyLength);
        byte[] wrapped = new byte[AesKeyWrap.WrappedLength(keyLength)];
        AesKeyWrap.Wrap(kek, key, wrapped);

        const string script = "import sys\nfrom cryptography.hazmat.primitives.keywrap import aes_key_wrap\nprint(aes_key_wrap(bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2])).hex())";
        string expected = Peer.Python(script, Convert.ToHexString(kek), Convert.ToHexString(key)).EnsureSuccess("python aes_key_wrap").StandardOutputText.Trim();
        Assert.Equal(expected, Convert.ToHexString(wrapped), ignoreCase: true);

        byte[] unwrapped = new byte[keyLength];
        Assert.True(AesKeyWrap.TryUnwrap(kek, wrapped, unwrapped));
        Assert.Equal(key, unwrapped);

        wrapped[3] ^= 1;
        Assert.False(AesKeyWrap.TryUnwrap(kek, wrapped, unwrapped));
    }

    [Theory]
    [InlineData("SHA256", 32, 16)]
    [InlineData("SHA256", 32, 32)]
    [InlineData("SHA256", 32, 80)]
    [InlineData("SHA384", 48, 32)]
    [InlineData("SHA512", 66, 32)]
    [InlineData("SHA224", 28, 32)]
    [InlineData("SHA1", 32, 32)]
    public void X963_kdf_matches_pyca_cryptography(string hash, int zLength, int keyLength)
    {
        byte[] z = RandomNumberGenerator.GetBytes(zLength);
        byte[] sharedInfo = RandomNumberGenerator.GetBytes(27);
        byte[] key = new byte[keyLength];
        X963Kdf.DeriveKey(new HashAlgorithmName(hash), z, sharedInfo, key);

        const string script = "import sys\nfrom cryptography.hazmat.primitives import hashes\nfrom cryptography.hazmat.primitives.kdf.x963kdf import X963KDF\n" +
            "h = getattr(hashes, sys.argv[1])()\nprint(X963KDF(algorithm=h, length=int(sys.argv[4]), sharedinfo=bytes.fromhex(sys.argv[3])).derive(bytes.fromhex(sys.argv[2])).hex())";
        string expected = Peer.Python(script, hash, Convert.ToHexString(z), Convert.ToHexString(sharedInfo), keyLength.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .EnsureSuccess("python X963KDF").StandardOutputText.Trim();
        Assert.Equal(expected, Convert.ToHexString(key), ignoreCase: true);
    }
}
