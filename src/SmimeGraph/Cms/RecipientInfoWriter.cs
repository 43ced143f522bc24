using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Writes one RecipientInfo (RFC 5652 §6.2) carrying the content-encryption key to one recipient
/// certificate. Every kind encodes to a length that depends only on the certificate and the key
/// size, so the EnvelopedData length can be predicted before the key exists.
/// </summary>
internal abstract class RecipientInfoWriter
{
    // Encoded on first use: the writer serves every message to this recipient.
    private byte[]? _issuerAndSerialNumber;

    protected RecipientInfoWriter(X509Certificate2 certificate)
    {
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The RecipientInfo's CMSVersion: 0 for ktri with issuerAndSerialNumber, 3 for kari.</summary>
    public abstract int Version { get; }

    /// <summary>
    /// Chooses key transport for RSA certificates and key agreement for EC certificates (the
    /// key usage each needs is checked by the caller's certificate policy); throws
    /// <see cref="CertificatePolicyException"/> when the key cannot receive a content key.
    /// </summary>
    public static RecipientInfoWriter Create(X509Certificate2 certificate, bool useRsaOaep, int contentKeyLength)
    {
        switch (certificate.PublicKey.Oid.Value)
        {
            case Oids.RsaEncryption:
                return new KeyTransRecipientInfoWriter(certificate, useRsaOaep);
            case Oids.EcPublicKey:
                return KeyAgreeRecipientInfoWriter.Create(certificate, contentKeyLength);
            default:
                throw new CertificatePolicyException(
                    $"The recipient certificate is refused: its key algorithm ({certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value}) cannot receive an encrypted message.",
                    certificate);
        }
    }

    /// <summary>Writes the RecipientInfo CHOICE carrying <paramref name="contentEncryptionKey"/>.</summary>
    public abstract void WriteTo(AsnWriter writer, ReadOnlySpan<byte> contentEncryptionKey);

    /// <summary>
    /// Writes a RecipientInfo of exactly the length <see cref="WriteTo"/> writes for a key of
    /// <paramref name="keyLength"/> bytes, for sizing. By default it encodes a zero key.
    /// </summary>
    public virtual void WriteSizingPlaceholder(AsnWriter writer, int keyLength) => WriteTo(writer, new byte[keyLength]);

    // RFC 5652 §10.2.4:
    // IssuerAndSerialNumber ::= SEQUENCE {
    //   issuer Name,
    //   serialNumber CertificateSerialNumber }
    protected void WriteIssuerAndSerialNumber(AsnWriter writer) => writer.WriteEncodedValue(_issuerAndSerialNumber ??= EncodeIssuerAndSerialNumber(Certificate));

    private static byte[] EncodeIssuerAndSerialNumber(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteEncodedValue(certificate.IssuerName.RawData);

        // The serial exactly as the certificate encodes it (RFC 5280 §4.1.2.2 tolerates
        // non-minimal encodings in the wild); recipients match it byte for byte.
        ReadOnlySpan<byte> serial = certificate.SerialNumberBytes.Span;
        var serialNumber = new AsnWriter(AsnEncodingRules.BER);
        serialNumber.WriteOctetString(serial);
        byte[] encoded = serialNumber.Encode();
        encoded[0] = 0x02;
        writer.WriteEncodedValue(encoded);
        writer.PopSequence();
        return writer.Encode();
    }

    private protected static CryptographicException Unexpected(string what) => new($"The {what} has an unexpected length.");
}
