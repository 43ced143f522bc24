using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Reads a certificate's key size from its SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) without
/// importing the key: importing a public key costs more than everything else the writers and the
/// certificate policy do with it.
/// </summary>
internal static class SubjectPublicKeyInfoReader
{
    /// <summary>The bit length of an RSA certificate's modulus; 0 when unreadable.</summary>
    // RFC 8017 §A.1.1: RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
    public static int RsaModulusBits(X509Certificate2 certificate)
    {
        try
        {
            // BER: the platform imports a key whose RSAPublicKey uses long-form lengths, so its size
            // must be read from such a key too (a policy that read 0 bits would misreport it).
            AsnReader sequence = new AsnReader(certificate.PublicKey.EncodedKeyValue.RawData, AsnEncodingRules.BER).ReadSequence();
            ReadOnlySpan<byte> modulus = sequence.ReadIntegerBytes().Span.TrimStart((byte)0);
            return modulus.IsEmpty ? 0 : ((modulus.Length - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[0]));
        }
        catch (AsnContentException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The bit length of an RSA certificate's public exponent, read from the certificate as
    /// <see cref="RsaModulusBits"/> reads the modulus; null when the key is not a DER RSAPublicKey
    /// with a positive exponent. Exporting the parameters of an imported key instead costs
    /// more than verifying a signature with it.
    /// </summary>
    public static int? RsaPublicExponentBits(X509Certificate2 certificate)
    {
        if (certificate.PublicKey.Oid.Value != Oids.RsaEncryption)
        {
            return null;
        }

        try
        {
            AsnReader sequence = new AsnReader(certificate.PublicKey.EncodedKeyValue.RawData, AsnEncodingRules.DER).ReadSequence();
            _ = sequence.ReadIntegerBytes();
            ReadOnlySpan<byte> exponent = sequence.ReadIntegerBytes().Span;
            sequence.ThrowIfNotEmpty();
            if ((exponent[0] & 0x80) != 0)
            {
                return null;
            }

            int start = exponent.IndexOfAnyExcept((byte)0);
            return start < 0 ? 0 : ((exponent.Length - start - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)exponent[start]));
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The RSA modulus length or the EC field size; 0 when unknown.</summary>
    public static int KeyBits(X509Certificate2 certificate)
    {
        if (certificate.PublicKey.Oid.Value != Oids.EcPublicKey)
        {
            return RsaModulusBits(certificate);
        }

        // RFC 5480 §2.1.1: ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER, ... }
        try
        {
            string curve = new AsnReader(certificate.PublicKey.EncodedParameters?.RawData ?? [], AsnEncodingRules.DER).ReadObjectIdentifier();
            return curve switch
            {
                Oids.CurveP256 => 256,
                Oids.CurveP384 => 384,
                Oids.CurveP521 => 521,
                _ => 0,
            };
        }
        catch (AsnContentException)
        {
            return 0;
        }
    }
}
