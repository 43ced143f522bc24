namespace SmimeGraph.Smime;

/// <summary>
/// The codes of <see cref="InspectionProblem"/>: stable strings that scripts and the
/// <c>--json</c> output can rely on. Every one makes a message not valid.
/// </summary>
public static class InspectionProblemCodes
{
    // --- What protects the displayed content -------------------------------------------------

    /// <summary>No S/MIME layer at all: neither signed nor encrypted.</summary>
    public const string NotSigned = "not-signed";

    /// <summary>Encrypted, but no signature covers the decrypted content: confidentiality is not authenticity (anyone with the recipient's certificate can encrypt, and CBC ciphertext can be altered).</summary>
    public const string EncryptedNotSigned = "encrypted-not-signed";

    /// <summary>Every signature sits outside the encryption and covers only ciphertext: the signer need not have seen the content (encrypt-then-sign).</summary>
    public const string SignedOutsideEncryption = "signed-outside-encryption";

    /// <summary>A signature covers only part of the message (a signed attachment inside an unsigned multipart).</summary>
    public const string PartialSignature = "partial-signature";

    // --- Signatures (RFC 5652 §5.6) --------------------------------------------------------------

    /// <summary>A SignerInfo does not verify: digest mismatch, bad signature value, malformed signed attributes, or no signer certificate.</summary>
    public const string SignatureInvalid = "signature-invalid";

    /// <summary>The SignedData has no SignerInfo, or no content to verify.</summary>
    public const string NothingSigned = "nothing-signed";

    /// <summary>The signature part or the SignedData cannot be read.</summary>
    public const string SignatureUnreadable = "signature-unreadable";

    /// <summary>A multipart/signed is not two parts, or its second part is not application/pkcs7-signature (RFC 1847 §2.1).</summary>
    public const string MultipartSignedMalformed = "multipart-signed-malformed";

    /// <summary>The micalg parameter does not name the signer's digest (RFC 8551 §3.5.3.2).</summary>
    public const string MicAlgMismatch = "micalg-mismatch";

    /// <summary>A weak algorithm or key is in use (SHA-1, MD5, RSA under 2048 bits, 3DES, RC2).</summary>
    public const string WeakAlgorithm = "weak-algorithm";

    /// <summary>The signingTime attribute lies in the future: a false claim.</summary>
    public const string SigningTimeInFuture = "signing-time-in-future";

    /// <summary>The message's Date is far from the signingTime: a signed body replayed under a new Date.</summary>
    public const string DateFarFromSigningTime = "date-far-from-signing-time";

    // --- Certificates (RFC 5280 §6, RFC 8550 §4) ---------------------------------------------------

    /// <summary>The signer's chain does not end at a configured trust anchor (or at a system root when none is configured).</summary>
    public const string NoTrustAnchor = "no-trust-anchor";

    /// <summary>A certificate of the chain is outside its validity period at the validation time.</summary>
    public const string CertificateExpired = "certificate-not-time-valid";

    /// <summary>A certificate of the chain is revoked by a supplied CRL.</summary>
    public const string CertificateRevoked = "certificate-revoked";

    /// <summary>The chain fails another RFC 5280 check (signature, basic constraints, name constraints, key usage of a CA).</summary>
    public const string CertificateChainInvalid = "certificate-chain-invalid";

    /// <summary>The signer certificate fails the S/MIME certificate policy (key usage, extended key usage, key size).</summary>
    public const string CertificatePolicy = "certificate-policy";

    /// <summary>A certificate or one of its extensions cannot be decoded.</summary>
    public const string CertificateUnreadable = "certificate-unreadable";

    // --- Encryption (RFC 5652 §6, RFC 5083) --------------------------------------------------------

    /// <summary>No supplied key opens the enveloped-data, or decryption failed.</summary>
    public const string DecryptionFailed = "decryption-failed";

    /// <summary>The enveloped-data cannot be read.</summary>
    public const string EncryptionUnreadable = "encryption-unreadable";

    /// <summary>
    /// The decrypted content is not the MIME entity a sender encrypts (no Content-Type, a broken
    /// header line, an unknown top-level media type): the ciphertext was most likely altered.
    /// </summary>
    public const string DecryptedContentMalformed = "decrypted-content-malformed";

    /// <summary>Content inside a layer is not readable MIME.</summary>
    public const string ContentUnreadable = "content-unreadable";

    /// <summary>An S/MIME part holds no CMS SmimeGraph reads (compressed-data, garbage).</summary>
    public const string UnsupportedCms = "unsupported-cms";

    /// <summary>More S/MIME layers are nested than <see cref="InspectionLimits.MaxLayers"/> allows.</summary>
    public const string LayerLimit = "layer-limit";

    /// <summary>
    /// Another of the <see cref="InspectionLimits"/> was reached (SignerInfos, RecipientInfos,
    /// signed attributes, certificates, private-key operations, pkcs7 parts, the RSA exponent):
    /// the rest of that layer or message is not read.
    /// </summary>
    public const string LimitExceeded = "limit-exceeded";

    // --- Sender binding (RFC 8550 §3, RFC 5322 §3.6.2) ---------------------------------------------

    /// <summary>The message has no From field.</summary>
    public const string FromMissing = "from-missing";

    /// <summary>The From field holds no mailbox at all.</summary>
    public const string FromEmpty = "from-empty";

    /// <summary>A From element is not a mailbox (a display name without an address, stray text, a group).</summary>
    public const string FromMalformed = "from-malformed";

    /// <summary>The message has more than one From field (RFC 5322 §3.6 allows exactly one).</summary>
    public const string FromRepeated = "from-repeated";

    /// <summary>A From display name is itself an email address other than the mailbox's own.</summary>
    public const string FromDisplayNameIsAnotherAddress = "from-display-name-address";

    /// <summary>A From mailbox is not an address of any valid signature covering the content.</summary>
    public const string FromNotSigner = "from-not-signer";

    /// <summary>The signer is the Sender, not the From: the author shown is not who signed.</summary>
    public const string SignerIsOnlySender = "signer-is-only-sender";

    // --- Header protection (RFC 9788) --------------------------------------------------------------

    /// <summary>An outer From, To, Cc, Reply-To or Subject differs from the protected value inside the signature.</summary>
    public const string ProtectedHeaderMismatch = "protected-header-mismatch";
}
