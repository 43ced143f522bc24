namespace SmimeGraph.Cms;

/// <summary>
/// What the CMS readers may do for one message, and what they have done so far. Everything an
/// attacker can multiply is counted across the whole message (SignerInfos, countersignatures
/// included; RecipientInfos; private-key operations) or per structure (attribute values of one
/// SignerInfo; the size of an RSA public exponent), and a count past its limit ends the read with
/// a <see cref="ReaderLimitExceededException"/>. Plain values: the policy that sets them lives above Cms.
/// </summary>
internal sealed class CmsReadBudget
{
    public const int DefaultMaxSignerInfos = 32;
    public const int DefaultMaxSignedAttributes = 64;
    public const int DefaultMaxRecipientInfos = 1024;
    public const int DefaultMaxPrivateKeyOperations = 16;
    public const int DefaultMaxRsaPublicExponentBits = 64;
    public const int DefaultMaxCertificates = 128;
    public const int DefaultMaxPasswordIterations = 100_000;

    /// <summary>The most SignerInfos (countersignatures included) read in one message.</summary>
    public int MaxSignerInfos { get; init; } = DefaultMaxSignerInfos;

    /// <summary>The most attribute values in the signedAttrs of one SignerInfo, and in its unsignedAttrs.</summary>
    public int MaxSignedAttributes { get; init; } = DefaultMaxSignedAttributes;

    /// <summary>The most RecipientInfos read in one message (each RecipientEncryptedKey of a key agreement counts).</summary>
    public int MaxRecipientInfos { get; init; } = DefaultMaxRecipientInfos;

    /// <summary>The most private- or secret-key operations in one message: RSA decryptions, ECDH agreements (each KDF form), key unwraps, password derivations.</summary>
    public int MaxPrivateKeyOperations { get; init; } = DefaultMaxPrivateKeyOperations;

    /// <summary>The widest RSA public exponent a signature is checked with, in bits.</summary>
    public int MaxRsaPublicExponentBits { get; init; } = DefaultMaxRsaPublicExponentBits;

    /// <summary>The most certificates the SignedData structures of one message may carry.</summary>
    public int MaxCertificates { get; init; } = DefaultMaxCertificates;

    /// <summary>The most PBKDF2 iterations one password RecipientInfo may ask for (each derivation is also a key operation).</summary>
    public int MaxPasswordIterations { get; init; } = DefaultMaxPasswordIterations;

    public int SignerInfos { get; private set; }

    public int RecipientInfos { get; private set; }

    public int PrivateKeyOperations { get; private set; }

    public int Certificates { get; private set; }

    /// <summary>How many times encrypted content was decrypted (at most once per distinct content-encryption key).</summary>
    public int ContentDecryptions { get; private set; }

    public void CountSignerInfo() => Count(SignerInfos = SignerInfos + 1, MaxSignerInfos, nameof(MaxSignerInfos), "SignerInfos in one message");

    public void CountRecipientInfo() => Count(RecipientInfos = RecipientInfos + 1, MaxRecipientInfos, nameof(MaxRecipientInfos), "RecipientInfos in one message");

    public void CountPrivateKeyOperation() => Count(PrivateKeyOperations = PrivateKeyOperations + 1, MaxPrivateKeyOperations, nameof(MaxPrivateKeyOperations), "private-key operations in one message");

    public void CountCertificate() => Count(Certificates = Certificates + 1, MaxCertificates, nameof(MaxCertificates), "certificates in one message");

    public void CountContentDecryption() => ContentDecryptions++;

    /// <summary>Throws when one SignerInfo's signedAttrs or unsignedAttrs hold more than the limit's attribute values.</summary>
    public void CheckAttributeCount(int count)
    {
        if (count > MaxSignedAttributes)
        {
            throw new ReaderLimitExceededException(nameof(MaxSignedAttributes), MaxSignedAttributes, $"The SignerInfo has more than {MaxSignedAttributes} signed attributes (or unsigned attributes); it is not read.");
        }
    }

    private static void Count(int count, int limit, string name, string what)
    {
        if (count > limit)
        {
            throw new ReaderLimitExceededException(name, limit, $"More than {limit} {what}; the rest are not read.");
        }
    }
}
