using SmimeGraph.Cms;

namespace SmimeGraph.Smime;

/// <summary>
/// How much work one received message may ask of <see cref="SmimeInspector"/>. Everything an
/// attacker can multiply inside a few megabytes is counted (S/MIME layers and parts, SignerInfos,
/// attributes, RecipientInfos, certificates, private-key operations, the size of an RSA public
/// exponent); past a limit the part is left unread and its layer carries a problem naming the
/// limit, so the message is not valid. The defaults leave room for any message a mail client
/// writes. The MIME structure itself is bounded by <see cref="Mime.MimeParserOptions"/>.
/// </summary>
public sealed class InspectionLimits
{
    private readonly int _maxLayers = 16;
    private readonly int _maxPkcs7Parts = 32;
    private readonly int _maxSignerInfos = CmsReadBudget.DefaultMaxSignerInfos;
    private readonly int _maxSignedAttributes = CmsReadBudget.DefaultMaxSignedAttributes;
    private readonly int _maxRecipientInfos = CmsReadBudget.DefaultMaxRecipientInfos;
    private readonly int _maxPrivateKeyOperations = CmsReadBudget.DefaultMaxPrivateKeyOperations;
    private readonly int _maxRsaPublicExponentBits = CmsReadBudget.DefaultMaxRsaPublicExponentBits;
    private readonly int _maxCertificates = CmsReadBudget.DefaultMaxCertificates;
    private readonly int _maxPasswordIterations = CmsReadBudget.DefaultMaxPasswordIterations;

    /// <summary>The most S/MIME layers (signed or enveloped) unwrapped one inside another. Default 16.</summary>
    public int MaxLayers
    {
        get => _maxLayers;
        init => _maxLayers = AtLeast(value, 1);
    }

    /// <summary>
    /// The most CMS objects read in one message, at any depth: each application/pkcs7-mime (or
    /// .p7m) part and the signature of each multipart/signed. Parts past it are not read, and the
    /// first of them is reported. Default 32.
    /// </summary>
    public int MaxPkcs7Parts
    {
        get => _maxPkcs7Parts;
        init => _maxPkcs7Parts = AtLeast(value, 1);
    }

    /// <summary>The most SignerInfos (RFC 5652 §5.3) in one message, over all its signed parts, countersignatures included. Default 32.</summary>
    public int MaxSignerInfos
    {
        get => _maxSignerInfos;
        init => _maxSignerInfos = AtLeast(value, 1);
    }

    /// <summary>
    /// The most attribute values in one SignerInfo's signed attributes (and, separately, in its
    /// unsigned attributes). The signature covers them re-encoded in DER order (RFC 5652 §5.4),
    /// which sorts them. Default 64; a mail client writes about eight.
    /// </summary>
    public int MaxSignedAttributes
    {
        get => _maxSignedAttributes;
        init => _maxSignedAttributes = AtLeast(value, 3);
    }

    /// <summary>
    /// The most RecipientInfos (RFC 5652 §6.2) in one message, over all its enveloped parts; each
    /// RecipientEncryptedKey of a key-agreement RecipientInfo counts as one. Default 1,024.
    /// </summary>
    public int MaxRecipientInfos
    {
        get => _maxRecipientInfos;
        init => _maxRecipientInfos = AtLeast(value, 1);
    }

    /// <summary>
    /// The most key operations in one message: each RSA key-transport decryption, each ECDH
    /// agreement and each KDF form tried with it, each key-encryption-key unwrap and each password
    /// derivation. RecipientInfos addressed to a supplied key are tried first, so a message meant
    /// for the reader needs one per layer. Default 16.
    /// </summary>
    public int MaxPrivateKeyOperations
    {
        get => _maxPrivateKeyOperations;
        init => _maxPrivateKeyOperations = AtLeast(value, 1);
    }

    /// <summary>
    /// The widest RSA public exponent a signature is checked with, in bits. RFC 8017 sets no bound,
    /// and checking costs one modular squaring per bit; OpenSSL refuses more than 64 bits for keys
    /// over 3,072 bits, FIPS 186-5 more than 256. Default 64 (real keys use 65,537: 17 bits).
    /// </summary>
    public int MaxRsaPublicExponentBits
    {
        get => _maxRsaPublicExponentBits;
        init => _maxRsaPublicExponentBits = AtLeast(value, 17);
    }

    /// <summary>The most certificates the signed parts of one message may carry together. Default 128.</summary>
    public int MaxCertificates
    {
        get => _maxCertificates;
        init => _maxCertificates = AtLeast(value, 1);
    }

    /// <summary>
    /// The most PBKDF2 iterations (RFC 8018 §5.2) a PasswordRecipientInfo may ask for; each
    /// password tried is also a key operation. Default 100,000 (OpenSSL writes 2,048).
    /// </summary>
    public int MaxPasswordIterations
    {
        get => _maxPasswordIterations;
        init => _maxPasswordIterations = AtLeast(value, 1);
    }

    /// <summary>A fresh count of the CMS work for one message under these limits.</summary>
    internal CmsReadBudget NewBudget() => new()
    {
        MaxSignerInfos = MaxSignerInfos,
        MaxSignedAttributes = MaxSignedAttributes,
        MaxRecipientInfos = MaxRecipientInfos,
        MaxPrivateKeyOperations = MaxPrivateKeyOperations,
        MaxRsaPublicExponentBits = MaxRsaPublicExponentBits,
        MaxCertificates = MaxCertificates,
        MaxPasswordIterations = MaxPasswordIterations,
    };

    private static int AtLeast(int value, int minimum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, minimum);
        return value;
    }
}
