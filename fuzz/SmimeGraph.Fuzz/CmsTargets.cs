using System.Text;
using SmimeGraph.Cms;
using SmimeGraph.Smime;

namespace SmimeGraph.Fuzz;

/// <summary>
/// The CMS readers on raw DER/BER: SignedData (decode, verify over the eContent and over a
/// fixed detached content), EnvelopedData and AuthEnvelopedData (decode, decrypt with the fixed
/// keys), and the ContentInfo dispatch the inspector does (peek the content type, then the
/// matching reader). The readers' contract: <see cref="CmsFormatException"/> for malformed
/// input, <see cref="DecryptionFailedException"/> for anything that cannot be decrypted.
/// </summary>
internal static class CmsTargets
{
    /// <summary>
    /// The content the detached-signature seeds sign (fuzz/corpus/signed-data/SOURCE.txt), so a
    /// mutated detached SignedData still reaches a matching digest and the signature check.
    /// </summary>
    public static readonly byte[] DetachedContent = Encoding.ASCII.GetBytes("Content-Type: text/plain\r\n\r\nSmimeGraph fuzz seed\r\n");

    public static void SignedData(byte[] input)
    {
        SignedDataReader reader = SignedDataReader.Decode(input);
        Touch(reader.Verify(null));
        Touch(reader.Verify(DetachedContent));
        foreach (SignerInfo signer in reader.SignerInfos)
        {
            _ = signer.ReadSigningTime();
        }
    }

    public static void EnvelopedData(byte[] input)
    {
        EnvelopedDataReader reader = EnvelopedDataReader.Decode(input);
        _ = (reader.ContentType, reader.ContentEncryptionAlgorithmName, reader.IsWeak, reader.IsAuthenticated);
        foreach (RecipientInfo recipient in reader.Recipients)
        {
            _ = recipient.Describe();
        }

        DecryptedContent decrypted = reader.Decrypt(FuzzKeys.DecryptionCertificates);
        Harness.Check(decrypted.RecipientCertificate?.HasPrivateKey != false, "decrypted with a certificate that has no private key");
        _ = decrypted.KeyManagementAlgorithm;
    }

    public static void ContentInfo(byte[] input)
    {
        switch (ContentInfoReader.TryPeekContentType(input))
        {
            case Oids.ContentTypeSignedData:
                Harness.Check(SignedDataReader.IsSignedData(input), "IsSignedData disagrees with the peeked content type");
                SignedData(input);
                break;
            case Oids.EnvelopedData or Oids.AuthEnvelopedData:
                Harness.Check(EnvelopedDataReader.IsEnvelopedData(input), "IsEnvelopedData disagrees with the peeked content type");
                EnvelopedData(input);
                break;
            default:
                Harness.Check(!SignedDataReader.IsSignedData(input) && !EnvelopedDataReader.IsEnvelopedData(input), "a reader claims a content type the peek did not see");
                break;
        }
    }

    private static void Touch(IReadOnlyList<SignatureVerdict> verdicts)
    {
        foreach (SignatureVerdict verdict in verdicts)
        {
            _ = (verdict.SignerIdentifier, verdict.DigestAlgorithm, verdict.SignatureAlgorithm, verdict.Failure, verdict.SigningTime, verdict.IsSignatureValid);
            _ = verdict.SignerCertificate?.Subject;
        }
    }
}
