using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Store;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>The fixture's certificates and signing key in BouncyCastle's types (converted once, outside the timing).</summary>
internal sealed class BouncyCastleKeys
{
    public BouncyCastleKeys(TestCertificates certificates)
    {
        Signer = DotNetUtilities.FromX509Certificate(certificates.Signer);
        Recipient = DotNetUtilities.FromX509Certificate(certificates.Recipient);
        using RSA rsa = certificates.Signer.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The signer certificate has no RSA private key.");
        SignerKey = DotNetUtilities.GetRsaKeyPair(rsa).Private;
        SignerStore = X509StoreFactory.Create("Certificate/Collection", new X509CollectionStoreParameters(new[] { Signer }));
    }

    public X509Certificate Signer { get; }

    public X509Certificate Recipient { get; }

    public AsymmetricKeyParameter SignerKey { get; }

    public IX509Store SignerStore { get; }
}
