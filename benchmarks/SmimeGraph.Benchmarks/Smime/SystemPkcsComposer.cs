using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The baseline: what a .NET user writes today with System.Security.Cryptography.Pkcs. SignedCms
/// (detached, SHA-256, RSA PKCS#1 v1.5, signer certificate included) over the canonical entity,
/// multipart/signed by hand, EnvelopedCms (AES-256-CBC, RSA PKCS#1 v1.5 key transport to the
/// recipient and to the sender's encryption certificate) over that,
/// application/pkcs7-mime by hand, and <see cref="Convert.ToBase64String(byte[])"/> of the whole
/// message for Graph. Every step holds its whole input and output in arrays.
/// </summary>
internal static class SystemPkcsComposer
{
    private static readonly Oid s_sha256 = new("2.16.840.1.101.3.4.2.1");
    private static readonly Oid s_aes256Cbc = new("2.16.840.1.101.3.4.1.42");

    /// <summary>The Graph request body (base64 of the MIME, no line breaks).</summary>
    public static string ComposeGraphBody(MessageFixture fixture, SmimeOperation operation) =>
        Convert.ToBase64String(Compose(fixture, operation).Mime);

    public static Composition Compose(MessageFixture fixture, SmimeOperation operation)
    {
        byte[] entity = HandBuiltMime.BodyEntity(fixture);
        byte[] signature = [];
        byte[] envelope = [];
        byte[] content = entity;
        if (operation is SmimeOperation.Sign or SmimeOperation.SignAndEncrypt)
        {
            signature = SignDetached(entity, fixture.Certificates.Signer);
            content = HandBuiltMime.MultipartSigned(entity, signature);
        }

        int encrypted = 0;
        if (operation is SmimeOperation.Encrypt or SmimeOperation.SignAndEncrypt)
        {
            encrypted = content.Length;
            envelope = Envelope(content, fixture.Certificates);
            content = HandBuiltMime.EnvelopedMime(envelope);
        }

        byte[] mime = HandBuiltMime.Message(HandBuiltMime.RoutingHeaders(fixture), content);
        return new Composition(mime, entity.Length, encrypted, signature.Length, envelope.Length);
    }

    /// <summary>RFC 5652 §5: SignedData without eContent; signed attributes content-type, message-digest, signing-time.</summary>
    private static byte[] SignDetached(byte[] entity, X509Certificate2 certificate)
    {
        var cms = new SignedCms(new ContentInfo(entity), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate)
        {
            DigestAlgorithm = s_sha256,
            SignaturePadding = RSASignaturePadding.Pkcs1,
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime(MessageFixture.Date.UtcDateTime));
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    /// <summary>RFC 5652 §6: EnvelopedData, a KeyTransRecipientInfo (issuerAndSerialNumber) for the recipient and one for the sender's copy.</summary>
    private static byte[] Envelope(byte[] content, TestCertificates certificates)
    {
        var cms = new EnvelopedCms(new ContentInfo(content), new AlgorithmIdentifier(s_aes256Cbc, 256));
        cms.Encrypt(new CmsRecipientCollection
        {
            new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, certificates.Recipient, RSAEncryptionPadding.Pkcs1),
            new CmsRecipient(SubjectIdentifierType.IssuerAndSerialNumber, certificates.SenderEncryption, RSAEncryptionPadding.Pkcs1),
        });
        return cms.Encode();
    }
}
