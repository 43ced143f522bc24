using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities.Collections;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>The fixture's certificates and signing key in BouncyCastle's types (converted once, outside the timing, as an app would).</summary>
internal sealed class BouncyCastleKeys
{
    public BouncyCastleKeys(TestCertificates certificates)
    {
        Signer = DotNetUtilities.FromX509Certificate(certificates.Signer);
        Recipient = DotNetUtilities.FromX509Certificate(certificates.Recipient);
        SenderEncryption = DotNetUtilities.FromX509Certificate(certificates.SenderEncryption);
        using RSA rsa = certificates.Signer.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The signer certificate has no RSA private key.");
        SignerKey = DotNetUtilities.GetRsaKeyPair(rsa).Private;
        SignerStore = CollectionUtilities.CreateStore(new[] { Signer });
    }

    public X509Certificate Signer { get; }

    public X509Certificate Recipient { get; }

    public X509Certificate SenderEncryption { get; }

    public AsymmetricKeyParameter SignerKey { get; }

    public IStore<X509Certificate> SignerStore { get; }
}
