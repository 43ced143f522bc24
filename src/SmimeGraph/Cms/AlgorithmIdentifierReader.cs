using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace SmimeGraph.Cms;

/// <summary>An AlgorithmIdentifier as read: the OID and the encoded parameters, if any.</summary>
internal readonly record struct AlgorithmIdentifier(string Oid, ReadOnlyMemory<byte>? Parameters)
{
    /// <summary>True when the parameters are absent or an ASN.1 NULL.</summary>
    public bool HasNoParameters => Parameters is not { } p || p.Span.SequenceEqual(new byte[] { 0x05, 0x00 });
}

/// <summary>Reads AlgorithmIdentifiers and maps digest OIDs to the platform's names.</summary>
internal static class AlgorithmIdentifierReader
{
    /// <summary>
    /// SHA-224 (FIPS 180-4 §6.3), which the platform lacks but CMS peers use (sha224 digests, the
    /// X9.63 KDF of dhSinglePass-stdDH-sha224kdf-scheme): hashed with BouncyCastle.
    /// </summary>
    public static readonly HashAlgorithmName Sha224 = new("SHA224");

    // RFC 5280 §4.1.1.2:
    //   AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY DEFINED BY algorithm OPTIONAL }
    public static AlgorithmIdentifier Read(AsnReader reader)
    {
        AsnReader sequence = reader.ReadSequence();
        string oid = sequence.ReadObjectIdentifier();
        ReadOnlyMemory<byte>? parameters = sequence.HasData ? sequence.ReadEncodedValue() : (ReadOnlyMemory<byte>?)null;
        sequence.ThrowIfNotEmpty();
        return new AlgorithmIdentifier(oid, parameters);
    }

    /// <summary>The platform hash for a digest OID; false for unknown or unsupported digests.</summary>
    public static bool TryGetHashAlgorithm(string oid, out HashAlgorithmName name)
    {
        name = oid switch
        {
            Oids.DigestSha1 => HashAlgorithmName.SHA1,
            Oids.DigestSha256 => HashAlgorithmName.SHA256,
            Oids.DigestSha384 => HashAlgorithmName.SHA384,
            Oids.DigestSha512 => HashAlgorithmName.SHA512,
            Oids.DigestMd5 => HashAlgorithmName.MD5,
            Oids.DigestSha224 => Sha224,
            _ => default,
        };
        return name.Name is not null;
    }

    /// <summary>A readable name for a digest OID ("SHA-256"), or the OID itself.</summary>
    public static string DigestName(string oid) => oid switch
    {
        Oids.DigestSha1 => "SHA-1",
        Oids.DigestSha224 => "SHA-224",
        Oids.DigestSha256 => "SHA-256",
        Oids.DigestSha384 => "SHA-384",
        Oids.DigestSha512 => "SHA-512",
        Oids.DigestMd5 => "MD5",
        _ => oid,
    };

    /// <summary>True for digests no longer collision resistant (RFC 8551 §2.1: SHA-1 and MD5 are not to be used).</summary>
    public static bool IsWeakDigest(string oid) => oid is Oids.DigestSha1 or Oids.DigestMd5;

    /// <summary>Hashes <paramref name="data"/> with the named algorithm: the platform's, or BouncyCastle's SHA-224.</summary>
    public static byte[] Hash(HashAlgorithmName name, ReadOnlySpan<byte> data)
    {
        if (name == Sha224)
        {
            var sha224 = new Sha224Digest();
            sha224.BlockUpdate(data);
            byte[] digest = new byte[sha224.GetDigestSize()];
            sha224.DoFinal(digest);
            return digest;
        }

        using var hash = IncrementalHash.CreateHash(name);
        hash.AppendData(data);
        return hash.GetHashAndReset();
    }

    /// <summary>The BouncyCastle digest for a hash, for the BouncyCastle primitives the platform has no counterpart of.</summary>
    public static IDigest CreateDigest(HashAlgorithmName name) => name.Name switch
    {
        "MD5" => new MD5Digest(),
        "SHA1" => new Sha1Digest(),
        "SHA224" => new Sha224Digest(),
        "SHA256" => new Sha256Digest(),
        "SHA384" => new Sha384Digest(),
        "SHA512" => new Sha512Digest(),
        _ => throw new CryptographicException($"Unsupported hash {name.Name}."),
    };

    /// <summary>The output size of a hash in bytes.</summary>
    public static int HashSize(HashAlgorithmName name) => name.Name switch
    {
        "MD5" => 16,
        "SHA1" => 20,
        "SHA224" => 28,
        "SHA256" => 32,
        "SHA384" => 48,
        "SHA512" => 64,
        _ => throw new CryptographicException($"Unsupported hash {name.Name}."),
    };

    /// <summary>Reads a UTCTime or GeneralizedTime (RFC 5652 §11.3 Time).</summary>
    public static DateTimeOffset ReadTime(AsnReader reader)
    {
        Asn1Tag tag = reader.PeekTag();
        if (tag.HasSameClassAndValue(Asn1Tag.UtcTime))
        {
            return reader.ReadUtcTime();
        }

        if (tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime))
        {
            return reader.ReadGeneralizedTime();
        }

        throw new AsnContentException("Time is neither UTCTime nor GeneralizedTime.");
    }
}
