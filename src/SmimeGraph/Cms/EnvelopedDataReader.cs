using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// The plaintext of an EnvelopedData / AuthEnvelopedData and how it was reached: the certificate
/// whose private key opened it (null for a key-encryption key or a password).
/// </summary>
internal sealed record DecryptedContent(byte[] Content, X509Certificate2? RecipientCertificate, string KeyManagementAlgorithm);

/// <summary>A content-encryption key recovered from a RecipientInfo, before any content is decrypted; the holder clears <see cref="Key"/>.</summary>
internal sealed record RecoveredContentKey(byte[] Key, X509Certificate2? RecipientCertificate, string KeyManagementAlgorithm);

/// <summary>A symmetric key-encryption key shared in advance (RFC 5652 §6.2.3) and the keyIdentifier it goes by.</summary>
internal readonly record struct SharedKeyEncryptionKey(ReadOnlyMemory<byte> KeyIdentifier, ReadOnlyMemory<byte> Key);

/// <summary>
/// Reads a ContentInfo carrying EnvelopedData (RFC 5652 §6) or AuthEnvelopedData (RFC 5083)
/// and decrypts it with a recipient's private key: key transport (RSA PKCS #1 v1.5, RSAES-OAEP)
/// or ECDH key agreement (RFC 5753) with AES or Triple-DES key wrap.
/// </summary>
internal sealed class EnvelopedDataReader
{
    private readonly ReadOnlyMemory<byte> _encryptedContent;
    private readonly ReadOnlyMemory<byte> _mac;
    private readonly ReadOnlyMemory<byte>? _authenticatedAttributes;
    private readonly CmsReadBudget _budget;

    private EnvelopedDataReader(CmsReadBudget budget, bool isAuthenticated, string contentType, AlgorithmIdentifier contentEncryptionAlgorithm, IReadOnlyList<RecipientInfo> recipients, ReadOnlyMemory<byte> encryptedContent, ReadOnlyMemory<byte> mac, ReadOnlyMemory<byte>? authenticatedAttributes)
    {
        _budget = budget;
        IsAuthenticated = isAuthenticated;
        ContentType = contentType;
        ContentEncryptionAlgorithm = contentEncryptionAlgorithm;
        Recipients = recipients;
        _encryptedContent = encryptedContent;
        _mac = mac;
        _authenticatedAttributes = authenticatedAttributes;
    }

    /// <summary>
    /// The same envelope with <paramref name="encryptedContent"/> as its content: for a reader
    /// that read the structure before the content and the content afterwards (EnvelopedData
    /// only; its RecipientInfos are not read or counted again).
    /// </summary>
    public EnvelopedDataReader WithEncryptedContent(ReadOnlyMemory<byte> encryptedContent) =>
        new(_budget, IsAuthenticated, ContentType, ContentEncryptionAlgorithm, Recipients, encryptedContent, _mac, _authenticatedAttributes);

    /// <summary>True for AuthEnvelopedData (RFC 5083): the content carries an integrity tag.</summary>
    public bool IsAuthenticated { get; }

    /// <summary>The encrypted content's type (id-data for S/MIME).</summary>
    public string ContentType { get; }

    public AlgorithmIdentifier ContentEncryptionAlgorithm { get; }

    public string ContentEncryptionAlgorithmName => ContentEncryptionReader.Describe(ContentEncryptionAlgorithm.Oid).Name;

    /// <summary>True for content encryption under an algorithm no longer recommended (3DES, RC2).</summary>
    public bool IsWeak => ContentEncryptionReader.Describe(ContentEncryptionAlgorithm.Oid).IsWeak;

    public IReadOnlyList<RecipientInfo> Recipients { get; }

    /// <summary>True when the bytes start like a ContentInfo carrying EnvelopedData or AuthEnvelopedData.</summary>
    public static bool IsEnvelopedData(ReadOnlyMemory<byte> encoded) =>
        ContentInfoReader.TryPeekContentType(encoded) is Oids.EnvelopedData or Oids.AuthEnvelopedData;

    /// <summary>
    /// Decodes a ContentInfo(EnvelopedData or AuthEnvelopedData), counting its RecipientInfos
    /// against <paramref name="budget"/> (the message's; a fresh default one when null), which
    /// <see cref="Decrypt"/> also charges its key operations to. Throws
    /// <see cref="CmsFormatException"/> when malformed and <see cref="ReaderLimitExceededException"/> past a limit.
    /// </summary>
    public static EnvelopedDataReader Decode(ReadOnlyMemory<byte> contentInfo, CmsReadBudget? budget = null)
    {
        try
        {
            string? type = ContentInfoReader.TryPeekContentType(contentInfo);
            bool authenticated = type == Oids.AuthEnvelopedData;
            ReadOnlyMemory<byte> content = ContentInfoReader.ReadContent(contentInfo, authenticated ? Oids.AuthEnvelopedData : Oids.EnvelopedData);
            return DecodeEnvelopedData(content, authenticated, budget ?? new CmsReadBudget());
        }
        catch (AsnContentException ex)
        {
            throw new CmsFormatException("The EnvelopedData is malformed: " + ex.Message, ex);
        }
        catch (CryptographicException ex)
        {
            throw new CmsFormatException("The EnvelopedData is malformed: " + ex.Message, ex);
        }
        catch (ArgumentException ex)
        {
            throw new CmsFormatException("The EnvelopedData is malformed: " + ex.Message, ex);
        }
    }

    // RFC 5652 §6.1:
    //   EnvelopedData ::= SEQUENCE {
    //     version CMSVersion,
    //     originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
    //     recipientInfos RecipientInfos,
    //     encryptedContentInfo EncryptedContentInfo,
    //     unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
    //   EncryptedContentInfo ::= SEQUENCE {
    //     contentType ContentType,
    //     contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
    //     encryptedContent [0] IMPLICIT EncryptedContent OPTIONAL }
    // RFC 5083 §2.1:
    //   AuthEnvelopedData ::= SEQUENCE {
    //     version CMSVersion,
    //     originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
    //     recipientInfos RecipientInfos,
    //     authEncryptedContentInfo EncryptedContentInfo,
    //     authAttrs [1] IMPLICIT AuthAttributes OPTIONAL,
    //     mac MessageAuthenticationCode,
    //     unauthAttrs [2] IMPLICIT UnauthAttributes OPTIONAL }
    private static EnvelopedDataReader DecodeEnvelopedData(ReadOnlyMemory<byte> encoded, bool authenticated, CmsReadBudget budget)
    {
        var outer = new AsnReader(encoded, AsnEncodingRules.BER);
        AsnReader sequence = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        SignedDataReader.ReadSmallInteger(sequence);
        var originatorTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (sequence.PeekTag() == originatorTag)
        {
            sequence.ReadEncodedValue();
        }

        var recipients = new List<RecipientInfo>();
        AsnReader recipientSet = sequence.ReadSetOf(skipSortOrderValidation: true);
        while (recipientSet.HasData)
        {
            recipients.Add(RecipientInfo.Read(recipientSet, budget));
        }

        if (recipients.Count == 0)
        {
            throw new CmsFormatException("The EnvelopedData has no RecipientInfo.");
        }

        AsnReader encryptedContentInfo = sequence.ReadSequence();
        string contentType = encryptedContentInfo.ReadObjectIdentifier();
        AlgorithmIdentifier algorithm = AlgorithmIdentifierReader.Read(encryptedContentInfo);
        if (!encryptedContentInfo.HasData)
        {
            throw new CmsFormatException("The encrypted content is detached; SmimeGraph reads only enveloped content that is present.");
        }

        byte[] encryptedContent = encryptedContentInfo.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0));
        encryptedContentInfo.ThrowIfNotEmpty();

        ReadOnlyMemory<byte> mac = default;
        ReadOnlyMemory<byte>? authAttrs = null;
        if (authenticated)
        {
            var authAttrsTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
            if (sequence.PeekTag() == authAttrsTag)
            {
                // RFC 5083 §2.2: the AAD is the DER encoding of authAttrs with the SET OF tag.
                byte[] raw = sequence.ReadEncodedValue().ToArray();
                raw[0] = 0x31;
                authAttrs = raw;
            }

            mac = sequence.ReadOctetString();
            if (sequence.HasData)
            {
                sequence.ReadEncodedValue();
            }
        }
        else if (sequence.HasData)
        {
            sequence.ReadEncodedValue();
        }

        sequence.ThrowIfNotEmpty();
        return new EnvelopedDataReader(budget, authenticated, contentType, algorithm, recipients, encryptedContent, mac, authAttrs);
    }

    /// <summary>
    /// Decrypts with the first supplied secret that opens the content, in this order:
    /// RecipientInfos addressed to a supplied certificate (issuerAndSerialNumber or
    /// subjectKeyIdentifier), KEKRecipientInfos naming a supplied key-encryption key, every
    /// PasswordRecipientInfo with every password, then the certificates on the RecipientInfos not
    /// addressed to them. Each try is one key operation of the budget, and the content is
    /// decrypted at most once per distinct content-encryption key. Every failure, whatever its
    /// cause, is the same <see cref="DecryptionFailedException"/>; running out of key operations is
    /// a <see cref="ReaderLimitExceededException"/>.
    /// </summary>
    public DecryptedContent Decrypt(IEnumerable<X509Certificate2> keys, IReadOnlyList<SharedKeyEncryptionKey>? keyEncryptionKeys = null, IReadOnlyList<ReadOnlyMemory<byte>>? passwords = null)
    {
        (List<Attempt> addressed, List<Attempt> others, int keyLength) = Attempts(keys, keyEncryptionKeys, passwords);
        return TryInOrder(addressed.Concat(others), keyLength);
    }

    /// <summary>
    /// <see cref="Decrypt"/> for a reader whose <see cref="RecoverAddressedKey"/>, given the same
    /// secrets, returned null: the addressed secrets have been tried and counted, so only the
    /// certificates on the RecipientInfos not addressed to them are tried, each on the content.
    /// The key operations of both calls add up to those of one <see cref="Decrypt"/>, and the
    /// result and every failure are the ones <see cref="Decrypt"/> gives.
    /// </summary>
    public DecryptedContent DecryptUnaddressed(IEnumerable<X509Certificate2> keys, IReadOnlyList<SharedKeyEncryptionKey>? keyEncryptionKeys = null, IReadOnlyList<ReadOnlyMemory<byte>>? passwords = null)
    {
        (_, List<Attempt> others, int keyLength) = Attempts(keys, keyEncryptionKeys, passwords);
        return TryInOrder(others, keyLength);
    }

    private DecryptedContent TryInOrder(IEnumerable<Attempt> order, int keyLength)
    {
        var attempts = new ContentDecryptionAttempts(this, keyLength);
        try
        {
            foreach (Attempt attempt in order)
            {
                byte[]? content = attempts.Try(attempt.Recover);
                if (content is not null)
                {
                    return new DecryptedContent(content, attempt.Certificate, attempt.Recipient.Describe());
                }
            }
        }
        finally
        {
            attempts.Clear();
        }

        throw new DecryptionFailedException("The message could not be decrypted with any supplied key.");
    }

    /// <summary>
    /// The number of tries <see cref="RecoverAddressedKey"/> has with these secrets, counted
    /// without any key operation: each RecipientInfo identifier a supplied certificate matches,
    /// each KEKRecipientInfo naming a supplied key-encryption key, and each password on each
    /// PasswordRecipientInfo. With more than one, the first key of the right length need not be
    /// the one that opens the content (a sender can address one reader twice, once with a wrong
    /// key): only <see cref="Decrypt"/>, which checks each key on the content, can tell.
    /// </summary>
    /// <exception cref="DecryptionFailedException">No secret was supplied, or the algorithm is not supported.</exception>
    public int CountAddressedAttempts(IEnumerable<X509Certificate2> keys, IReadOnlyList<SharedKeyEncryptionKey>? keyEncryptionKeys = null, IReadOnlyList<ReadOnlyMemory<byte>>? passwords = null) =>
        Attempts(keys, keyEncryptionKeys, passwords).Addressed.Count;

    /// <summary>
    /// For a reader that decrypts the content as it streams by: recovers the content-encryption
    /// key from the secrets addressed by a RecipientInfo, in <see cref="Decrypt"/>'s order (each
    /// try a key operation of the budget), without touching the content. Returns the first key of
    /// the algorithm's length, or null when no addressed secret gives one: then only the
    /// certificates on RecipientInfos not addressed to them, each key checked on the content, can
    /// open the envelope (<see cref="DecryptUnaddressed"/>, which does not try the addressed
    /// secrets again). The first key of the right length is taken unchecked, so a caller with more
    /// than one addressed try (<see cref="CountAddressedAttempts"/>) uses <see cref="Decrypt"/>
    /// instead. The caller clears the key.
    /// </summary>
    /// <exception cref="DecryptionFailedException">No secret was supplied, or the algorithm is not supported.</exception>
    public RecoveredContentKey? RecoverAddressedKey(IEnumerable<X509Certificate2> keys, IReadOnlyList<SharedKeyEncryptionKey>? keyEncryptionKeys = null, IReadOnlyList<ReadOnlyMemory<byte>>? passwords = null)
    {
        (List<Attempt> addressed, _, int keyLength) = Attempts(keys, keyEncryptionKeys, passwords);
        foreach (Attempt attempt in addressed)
        {
            _budget.CountPrivateKeyOperation();
            byte[]? cek;
            try
            {
                cek = attempt.Recover();
            }
            catch (Exception ex) when (ex is CryptographicException or AsnContentException or ArgumentException or NotSupportedException or PlatformNotSupportedException)
            {
                continue;
            }

            if (cek is not null && cek.Length == keyLength)
            {
                return new RecoveredContentKey(cek, attempt.Certificate, attempt.Recipient.Describe());
            }

            if (cek is not null)
            {
                CryptographicOperations.ZeroMemory(cek);
            }
        }

        return null;
    }

    private (List<Attempt> Addressed, List<Attempt> Others, int KeyLength) Attempts(IEnumerable<X509Certificate2> keys, IReadOnlyList<SharedKeyEncryptionKey>? keyEncryptionKeys, IReadOnlyList<ReadOnlyMemory<byte>>? passwords)
    {
        ArgumentNullException.ThrowIfNull(keys);
        keyEncryptionKeys ??= [];
        passwords ??= [];
        int keyLength = ContentEncryptionReader.KeyLength(ContentEncryptionAlgorithm);
        if (keyLength == 0)
        {
            throw new DecryptionFailedException($"The content-encryption algorithm {ContentEncryptionAlgorithmName} is not supported.");
        }

        var addressed = new List<Attempt>();
        var others = new List<Attempt>();
        bool anyKey = keyEncryptionKeys.Count > 0 || passwords.Count > 0;
        foreach (X509Certificate2 key in keys)
        {
            if (!key.HasPrivateKey)
            {
                continue;
            }

            anyKey = true;
            foreach (RecipientInfo recipient in Recipients)
            {
                for (int i = 0; i < recipient.Identifiers.Count; i++)
                {
                    int index = i;
                    var attempt = new Attempt(recipient, key, () => recipient.RecoverContentEncryptionKey(key, index, keyLength, _budget));
                    (recipient.Identifiers[i].Matches(key) ? addressed : others).Add(attempt);
                }
            }
        }

        if (!anyKey)
        {
            throw new DecryptionFailedException("No private key was supplied to decrypt the message.");
        }

        foreach (RecipientInfo recipient in Recipients)
        {
            foreach (SharedKeyEncryptionKey kek in keyEncryptionKeys)
            {
                if (recipient.IsFor(kek.KeyIdentifier.Span))
                {
                    addressed.Add(new Attempt(recipient, null, () => recipient.RecoverWithKeyEncryptionKey(kek.Key.Span)));
                }
            }

            if (recipient.Kind == RecipientInfoKind.Password)
            {
                foreach (ReadOnlyMemory<byte> password in passwords)
                {
                    addressed.Add(new Attempt(recipient, null, () => recipient.RecoverWithPassword(password.Span, _budget.MaxPasswordIterations)));
                }
            }
        }

        return (addressed, others, keyLength);
    }

    private sealed record Attempt(RecipientInfo Recipient, X509Certificate2? Certificate, Func<byte[]> Recover);

    /// <summary>
    /// The content-encryption keys one <see cref="Decrypt"/> call has tried. A key that failed is
    /// never tried on the content again, and every failed key recovery decrypts with the same
    /// random key (RFC 3218 §2.3: a key-transport failure must look like a content failure), so
    /// thousands of RecipientInfos cost thousands of key operations at most, never thousands of
    /// content decryptions: and the key operations are capped by the budget.
    /// </summary>
    private sealed class ContentDecryptionAttempts(EnvelopedDataReader envelope, int keyLength)
    {
        private readonly List<byte[]> _failed = [];
        private byte[]? _decoy;

        public byte[]? Try(Func<byte[]> recover)
        {
            envelope._budget.CountPrivateKeyOperation();
            byte[]? cek;
            try
            {
                cek = recover();
            }
            catch (Exception ex) when (ex is CryptographicException or AsnContentException or ArgumentException or NotSupportedException or PlatformNotSupportedException)
            {
                cek = null;
            }

            bool keyRecoveryFailed = cek is null || cek.Length != keyLength;
            if (keyRecoveryFailed)
            {
                if (cek is not null)
                {
                    CryptographicOperations.ZeroMemory(cek);
                }

                cek = _decoy ??= RandomNumberGenerator.GetBytes(keyLength);
            }

            foreach (byte[] failed in _failed)
            {
                if (CryptographicOperations.FixedTimeEquals(failed, cek!))
                {
                    if (!keyRecoveryFailed)
                    {
                        CryptographicOperations.ZeroMemory(cek!);
                    }

                    return null;
                }
            }

            byte[]? plaintext = envelope.DecryptContent(cek!);
            if (plaintext is not null && !keyRecoveryFailed)
            {
                CryptographicOperations.ZeroMemory(cek!);
                return plaintext;
            }

            if (plaintext is not null)
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }

            _failed.Add(cek!);
            return null;
        }

        public void Clear()
        {
            foreach (byte[] failed in _failed)
            {
                CryptographicOperations.ZeroMemory(failed);
            }

            if (_decoy is not null)
            {
                CryptographicOperations.ZeroMemory(_decoy);
            }

            _failed.Clear();
        }
    }

    // Any failure (padding, tag, parameters) is null.
    private byte[]? DecryptContent(byte[] cek)
    {
        _budget.CountContentDecryption();
        try
        {
            return ContentEncryptionReader.Decrypt(ContentEncryptionAlgorithm, cek, _encryptedContent.Span, _mac.Span, _authenticatedAttributes is { } aad ? aad.Span : default);
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            return null;
        }
    }
}
