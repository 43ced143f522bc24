using System.Formats.Asn1;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace SmimeGraph.Cms;

/// <summary>
/// PasswordRecipientInfo (RFC 5652 §6.2.4, RFC 3211): a key-encryption key derived from a
/// password with PBKDF2 (RFC 8018 §5.2) wraps the content-encryption key.
/// </summary>
internal sealed partial class RecipientInfo
{
    /// <summary>The keyDerivationAlgorithm of a PasswordRecipientInfo; null for other kinds or when absent.</summary>
    public AlgorithmIdentifier? KeyDerivationAlgorithm { get; private init; }

    // RFC 5652 §6.2.4:
    //   PasswordRecipientInfo ::= SEQUENCE {
    //     version CMSVersion,   -- always set to 0
    //     keyDerivationAlgorithm [0] KeyDerivationAlgorithmIdentifier OPTIONAL,
    //     keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier,
    //     encryptedKey EncryptedKey }
    private static RecipientInfo ReadPassword(AsnReader reader)
    {
        AsnReader sequence = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 3));
        SignedDataReader.ReadSmallInteger(sequence);
        AlgorithmIdentifier? derivation = null;
        var derivationTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (sequence.PeekTag() == derivationTag)
        {
            // [0] IMPLICIT AlgorithmIdentifier: the OID and parameters directly inside the tag.
            AsnReader implicitAlgorithm = sequence.ReadSequence(derivationTag);
            string oid = implicitAlgorithm.ReadObjectIdentifier();
            ReadOnlyMemory<byte>? parameters = implicitAlgorithm.HasData ? implicitAlgorithm.ReadEncodedValue() : null;
            implicitAlgorithm.ThrowIfNotEmpty();
            derivation = new AlgorithmIdentifier(oid, parameters);
        }

        AlgorithmIdentifier algorithm = AlgorithmIdentifierReader.Read(sequence);
        byte[] encryptedKey = sequence.ReadOctetString();
        sequence.ThrowIfNotEmpty();
        return new RecipientInfo(RecipientInfoKind.Password, algorithm, [], [encryptedKey]) { KeyDerivationAlgorithm = derivation };
    }

    /// <summary>
    /// Derives the key-encryption key from <paramref name="password"/> and unwraps the
    /// content-encryption key (RFC 3211 §2.3.2). An iteration count over
    /// <paramref name="maxIterations"/> is refused before any work. Throws CryptographicException
    /// on any failure, <see cref="ReaderLimitExceededException"/> for the iteration count.
    /// </summary>
    public byte[] RecoverWithPassword(ReadOnlySpan<byte> password, int maxIterations)
    {
        if (Kind != RecipientInfoKind.Password || KeyEncryptionAlgorithm is not { } algorithm || KeyDerivationAlgorithm is not { } derivation)
        {
            throw new CryptographicException("This RecipientInfo is not a PasswordRecipientInfo with a key derivation algorithm.");
        }

        (string kekCipher, byte[] iv, int kekLength) = ReadPwriKek(algorithm);
        Pbkdf2Parameters pbkdf2 = ReadPbkdf2Parameters(derivation);
        if (pbkdf2.IterationCount > maxIterations)
        {
            throw new ReaderLimitExceededException(nameof(CmsReadBudget.MaxPasswordIterations), maxIterations, $"The password key derivation asks for {pbkdf2.IterationCount:N0} PBKDF2 iterations, more than the limit of {maxIterations:N0}.");
        }

        if (pbkdf2.KeyLength is { } declared && declared != kekLength)
        {
            throw new CryptographicException("The PBKDF2 key length does not fit the key-encryption algorithm.");
        }

        byte[] kek = DerivePasswordKey(password, pbkdf2, kekLength);
        try
        {
            // RFC 3211 §2.3.2: decrypt the last block with the one before as IV, the rest with
            // that result as IV (the outer layer), then everything with the KEK and the IV (the
            // inner layer); check the length byte and the complemented check bytes.
            var engine = new Rfc3211WrapEngine(kekCipher == Oids.DesEde3Cbc ? new DesEdeEngine() : new AesEngine());
            engine.Init(false, new ParametersWithIV(new KeyParameter(kek), iv));
            byte[] wrapped = _encryptedKeys[0].ToArray();
            return engine.Unwrap(wrapped, 0, wrapped.Length);
        }
        catch (InvalidCipherTextException ex)
        {
            throw new CryptographicException("The password key unwrap check failed.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private string DescribePassword(AlgorithmIdentifier algorithm)
    {
        if (KeyDerivationAlgorithm is not { } derivation)
        {
            return "password (no key derivation algorithm)";
        }

        (string kekCipher, _, _) = ReadPwriKek(algorithm);
        Pbkdf2Parameters p = ReadPbkdf2Parameters(derivation);
        return $"password (PBKDF2 with HMAC {AlgorithmIdentifierReader.DigestName(p.PrfDigestOid)}, {p.IterationCount} iterations; {ContentEncryptionReader.Describe(kekCipher).Name} key wrap)";
    }

    // RFC 3211 §2.3: id-alg-PWRI-KEK, whose parameters name the cipher that wraps (with its IV).
    private static (string Cipher, byte[] Iv, int KeyLength) ReadPwriKek(AlgorithmIdentifier algorithm)
    {
        if (algorithm.Oid != Oids.PwriKek || algorithm.Parameters is not { } parameters)
        {
            throw new CryptographicException($"The password key-encryption algorithm {algorithm.Oid} is not supported.");
        }

        AlgorithmIdentifier cipher = AlgorithmIdentifierReader.Read(new AsnReader(parameters, AsnEncodingRules.BER));
        (_, int keyLength, bool authenticated, _) = ContentEncryptionReader.Describe(cipher.Oid);
        if (keyLength == 0 || authenticated || cipher.Oid == Oids.Rc2Cbc || cipher.Parameters is not { } ivParameters)
        {
            throw new CryptographicException($"The password key wrap cipher {cipher.Oid} is not supported.");
        }

        byte[] iv = new AsnReader(ivParameters, AsnEncodingRules.BER).ReadOctetString();
        return (cipher.Oid, iv, keyLength);
    }

    private readonly record struct Pbkdf2Parameters(byte[] Salt, int IterationCount, int? KeyLength, string PrfDigestOid);

    // RFC 8018 §A.2:
    //   PBKDF2-params ::= SEQUENCE {
    //     salt CHOICE { specified OCTET STRING, otherSource AlgorithmIdentifier },
    //     iterationCount INTEGER (1..MAX),
    //     keyLength INTEGER (1..MAX) OPTIONAL,
    //     prf AlgorithmIdentifier DEFAULT algid-hmacWithSHA1 }
    private static Pbkdf2Parameters ReadPbkdf2Parameters(AlgorithmIdentifier derivation)
    {
        if (derivation.Oid != Oids.Pbkdf2 || derivation.Parameters is not { } parameters)
        {
            throw new CryptographicException($"The key derivation algorithm {derivation.Oid} is not supported.");
        }

        AsnReader sequence = new AsnReader(parameters, AsnEncodingRules.BER).ReadSequence();
        byte[] salt = sequence.ReadOctetString();
        if (!sequence.TryReadInt32(out int iterations) || iterations < 1)
        {
            throw new CryptographicException("The PBKDF2 iteration count is out of range.");
        }

        int? keyLength = null;
        if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            keyLength = SignedDataReader.ReadSmallInteger(sequence);
        }

        string prf = Oids.HmacWithSha1;
        if (sequence.HasData)
        {
            prf = AlgorithmIdentifierReader.Read(sequence).Oid;
        }

        sequence.ThrowIfNotEmpty();
        string prfDigest = prf switch
        {
            Oids.HmacWithSha1 => Oids.DigestSha1,
            Oids.HmacWithSha224 => Oids.DigestSha224,
            Oids.HmacWithSha256 => Oids.DigestSha256,
            Oids.HmacWithSha384 => Oids.DigestSha384,
            Oids.HmacWithSha512 => Oids.DigestSha512,
            _ => throw new CryptographicException($"The PBKDF2 pseudorandom function {prf} is not supported."),
        };
        return new Pbkdf2Parameters(salt, iterations, keyLength, prfDigest);
    }

    // RFC 8018 §5.2 PBKDF2: the platform's for the SHA-1 and SHA-2 HMACs it has, BouncyCastle's for HMAC-SHA-224.
    private static byte[] DerivePasswordKey(ReadOnlySpan<byte> password, Pbkdf2Parameters p, int length)
    {
        AlgorithmIdentifierReader.TryGetHashAlgorithm(p.PrfDigestOid, out HashAlgorithmName hash);
        if (hash != AlgorithmIdentifierReader.Sha224)
        {
            return Rfc2898DeriveBytes.Pbkdf2(password, p.Salt, p.IterationCount, hash, length);
        }

        byte[] passwordBytes = password.ToArray();
        try
        {
            var generator = new Pkcs5S2ParametersGenerator(AlgorithmIdentifierReader.CreateDigest(hash));
            generator.Init(passwordBytes, p.Salt, p.IterationCount);
            return ((KeyParameter)generator.GenerateDerivedMacParameters(length * 8)).GetKey();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }
}
