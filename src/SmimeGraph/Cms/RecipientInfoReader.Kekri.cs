using System.Formats.Asn1;
using System.Security.Cryptography;

namespace SmimeGraph.Cms;

/// <summary>KEKRecipientInfo (RFC 5652 §6.2.3): the content-encryption key wrapped under a symmetric key shared in advance.</summary>
internal sealed partial class RecipientInfo
{
    /// <summary>The KEKIdentifier's keyIdentifier: the name sender and recipient gave the shared key. Null for other kinds.</summary>
    public ReadOnlyMemory<byte>? KeyIdentifier { get; private init; }

    // RFC 5652 §6.2.3:
    //   KEKRecipientInfo ::= SEQUENCE {
    //     version CMSVersion,  -- always set to 4
    //     kekid KEKIdentifier,
    //     keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
    //     encryptedKey EncryptedKey }
    //   KEKIdentifier ::= SEQUENCE {
    //     keyIdentifier OCTET STRING,
    //     date GeneralizedTime OPTIONAL,
    //     other OtherKeyAttribute OPTIONAL }
    private static RecipientInfo ReadKeyEncryptionKey(AsnReader reader)
    {
        AsnReader sequence = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        SignedDataReader.ReadSmallInteger(sequence);
        AsnReader kekid = sequence.ReadSequence();
        byte[] keyIdentifier = kekid.ReadOctetString();
        while (kekid.HasData)
        {
            kekid.ReadEncodedValue();
        }

        AlgorithmIdentifier algorithm = AlgorithmIdentifierReader.Read(sequence);
        byte[] encryptedKey = sequence.ReadOctetString();
        sequence.ThrowIfNotEmpty();
        return new RecipientInfo(RecipientInfoKind.KeyEncryptionKey, algorithm, [], [encryptedKey]) { KeyIdentifier = keyIdentifier };
    }

    /// <summary>True when this is a KEKRecipientInfo naming the key <paramref name="keyIdentifier"/>.</summary>
    public bool IsFor(ReadOnlySpan<byte> keyIdentifier) =>
        Kind == RecipientInfoKind.KeyEncryptionKey && KeyIdentifier is { } identifier && identifier.Span.SequenceEqual(keyIdentifier);

    /// <summary>
    /// Unwraps the content-encryption key with the shared key-encryption key: AES key wrap (RFC
    /// 3394, RFC 3565 §2.3.2) or the CMS Triple-DES key wrap (RFC 3217). Throws
    /// CryptographicException on any failure.
    /// </summary>
    public byte[] RecoverWithKeyEncryptionKey(ReadOnlySpan<byte> keyEncryptionKey)
    {
        if (Kind != RecipientInfoKind.KeyEncryptionKey || KeyEncryptionAlgorithm is not { } algorithm)
        {
            throw new CryptographicException("This RecipientInfo is not a KEKRecipientInfo.");
        }

        if (KeyWrapReader.KeyEncryptionKeyLength(algorithm.Oid) != keyEncryptionKey.Length)
        {
            throw new CryptographicException($"The key-encryption key does not fit {KeyWrapReader.Name(algorithm.Oid)}.");
        }

        return KeyWrapReader.Unwrap(algorithm.Oid, keyEncryptionKey, _encryptedKeys[0].Span);
    }
}
