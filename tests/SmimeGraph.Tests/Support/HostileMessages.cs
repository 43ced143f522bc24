using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace SmimeGraph.Tests.Support;

/// <summary>
/// Messages an attacker can send, each under Graph's 4 MB, that multiply the reader's work:
/// a huge RSA public exponent, duplicated signed attributes, thousands of RecipientInfos,
/// SignerInfos or enveloped parts. The CMS is written here with <see cref="AsnWriter"/> (the
/// hostile parts cannot be made by a well-behaved library); signatures, key transport and
/// content encryption use the platform. A throwaway PKI is made once per process.
/// Compiled into the test project and the benchmarks.
/// </summary>
internal static class HostileMessages
{
    public const string Sender = "alice@example.com";
    public const string Recipient = "bob@example.com";

    private const string IdData = "1.2.840.113549.1.7.1";
    private const string IdSignedData = "1.2.840.113549.1.7.2";
    private const string IdEnvelopedData = "1.2.840.113549.1.7.3";
    private const string Sha256 = "2.16.840.1.101.3.4.2.1";
    private const string RsaEncryption = "1.2.840.113549.1.1.1";
    private const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    private const string RsassaPss = "1.2.840.113549.1.1.10";
    private const string Mgf1 = "1.2.840.113549.1.1.8";
    private const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";
    private const string ContentTypeAttribute = "1.2.840.113549.1.9.3";
    private const string MessageDigestAttribute = "1.2.840.113549.1.9.4";
    private const string SmimeCapabilitiesAttribute = "1.2.840.113549.1.9.15";

    private static readonly Lazy<HostilePki> s_pki = new(HostilePki.Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The PKI the hostile messages are made with.</summary>
    public static HostilePki Pki => s_pki.Value;

    /// <summary>The signed text every signed message carries (a MIME entity).</summary>
    public static byte[] SignedEntity { get; } = "Content-Type: text/plain; charset=us-ascii\r\n\r\nThe figures are attached.\r\n"u8.ToArray();

    /// <summary>
    /// multipart/signed with <paramref name="signerInfos"/> valid RSASSA-PSS SignerInfos made by a
    /// key whose public exponent has <paramref name="exponentBits"/> bits (RFC 8017 sets no bound;
    /// verifying costs one modular squaring per exponent bit).
    /// </summary>
    public static byte[] LargeExponentSignature(int signerInfos = 3, int exponentBits = 16_384)
    {
        (X509Certificate2 certificate, RSA key) = Pki.LargeExponentSigner(exponentBits);
        byte[] attributes = SignedAttributes(SHA256.HashData(SignedEntity), extraCopies: 0);
        byte[] signature = key.SignHash(SHA256.HashData(attributes), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        byte[] signerInfo = SignerInfo(certificate, attributes, PssAlgorithm(), signature);
        return MultipartSigned(SignedData([certificate, Pki.Root], Enumerable.Repeat(signerInfo, signerInfos)));
    }

    /// <summary>
    /// multipart/signed whose one SignerInfo repeats an smimeCapabilities attribute until the
    /// message reaches about <paramref name="messageBytes"/> bytes. Reading it re-encodes the
    /// signed attributes as a DER SET OF (RFC 5652 §5.4), which sorts every copy.
    /// </summary>
    public static byte[] DuplicatedSignedAttributes(int messageBytes = 4_300_000)
    {
        // Base64 makes every DER byte 4/3 bytes (plus line ends) in the message.
        int copies = Math.Max(1, (messageBytes - 4000) * 3 / 4 / DuplicatedAttribute.Length);
        byte[] attributes = SignedAttributes(SHA256.HashData(SignedEntity), copies);
        byte[] signature = Pki.Signer.GetRSAPrivateKey()!.SignHash(SHA256.HashData(attributes), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        byte[] signerInfo = SignerInfo(Pki.Signer, attributes, Sha256WithRsaAlgorithm(), signature);
        return MultipartSigned(SignedData([Pki.Signer, Pki.Root], [signerInfo]));
    }

    /// <summary>multipart/signed with <paramref name="count"/> copies of one valid SignerInfo.</summary>
    public static byte[] ManySignerInfos(int count = 3600)
    {
        byte[] attributes = SignedAttributes(SHA256.HashData(SignedEntity), extraCopies: 0);
        byte[] signature = Pki.Signer.GetRSAPrivateKey()!.SignHash(SHA256.HashData(attributes), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        byte[] signerInfo = SignerInfo(Pki.Signer, attributes, Sha256WithRsaAlgorithm(), signature);
        return MultipartSigned(SignedData([Pki.Signer, Pki.Root], Enumerable.Repeat(signerInfo, count)));
    }

    /// <summary>
    /// application/pkcs7-mime enveloped-data with <paramref name="count"/> KeyTransRecipientInfos,
    /// every one addressed to <see cref="HostilePki.Recipient"/>: all but the last carry a
    /// different random content-encryption key (well-formed PKCS #1 blocks, so each key recovery
    /// succeeds and only the content decryption can tell), the last the right one.
    /// </summary>
    public static byte[] ManyRecipientInfos(int count = 5000, int contentBytes = 1_000_000)
    {
        byte[] cek = RandomNumberGenerator.GetBytes(32);
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        using RSA recipientKey = Pki.Recipient.GetRSAPublicKey()!;
        var recipients = new List<byte[]>(count);
        byte[] content = TextEntity(contentBytes);
        byte[] lastBlocks = Encrypt(cek, iv, content)[^32..];
        for (int i = 0; i < count - 1; i++)
        {
            recipients.Add(KeyTransRecipientInfo(Pki.Recipient, recipientKey.Encrypt(WrongKey(lastBlocks), RSAEncryptionPadding.Pkcs1)));
        }

        recipients.Add(KeyTransRecipientInfo(Pki.Recipient, recipientKey.Encrypt(cek, RSAEncryptionPadding.Pkcs1)));
        return PkcsMime(EnvelopedData(recipients, cek, iv, content), "enveloped-data");
    }

    /// <summary>
    /// An EnvelopedData (a ContentInfo, no MIME) with <paramref name="wrongCount"/> RecipientInfos
    /// addressed to <see cref="HostilePki.Recipient"/> that do not open the content, then one that
    /// does. <paramref name="wrong"/> says what the wrong ones carry.
    /// </summary>
    public static byte[] EnvelopeWithWrongKeys(int wrongCount, WrongKeys wrong)
    {
        byte[] cek = RandomNumberGenerator.GetBytes(32);
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        byte[] content = TextEntity(4096);
        byte[] lastBlocks = Encrypt(cek, iv, content)[^32..];
        using RSA recipientKey = Pki.Recipient.GetRSAPublicKey()!;
        byte[] repeated = recipientKey.Encrypt(WrongKey(lastBlocks), RSAEncryptionPadding.Pkcs1);
        var recipients = new List<byte[]>(wrongCount + 1);
        for (int i = 0; i < wrongCount; i++)
        {
            byte[] encryptedKey = wrong switch
            {
                WrongKeys.Distinct => recipientKey.Encrypt(WrongKey(lastBlocks), RSAEncryptionPadding.Pkcs1),
                WrongKeys.Repeated => repeated,
                _ => RandomNumberGenerator.GetBytes(256),
            };
            recipients.Add(KeyTransRecipientInfo(Pki.Recipient, encryptedKey));
        }

        recipients.Add(KeyTransRecipientInfo(Pki.Recipient, recipientKey.Encrypt(cek, RSAEncryptionPadding.Pkcs1)));
        return EnvelopedData(recipients, cek, iv, content);
    }

    /// <summary>
    /// multipart/mixed with <paramref name="parts"/> copies of one small enveloped-data addressed
    /// to a certificate none of the reader's keys belongs to, so every key is tried on every part.
    /// The encrypted key is 256 random bytes (a 2048-bit key's length: one private-key operation
    /// for each key that tries it); the parts are bare DER with no Content-Transfer-Encoding and
    /// the content is empty, to fit 9,000 of them in 4 MB.
    /// </summary>
    public static byte[] ManyEnvelopedParts(int parts = 9000)
    {
        byte[] cek = RandomNumberGenerator.GetBytes(32);
        byte[] iv = RandomNumberGenerator.GetBytes(16);
        byte[] envelope;
        do
        {
            envelope = EnvelopedData([KeyTransRecipientInfo(Pki.Stranger, RandomNumberGenerator.GetBytes(256), bySubjectKeyIdentifier: true)], cek, iv, []);
        }
        while (envelope.AsSpan().IndexOf("\r\n--"u8) >= 0 || envelope.AsSpan().IndexOf("\n--"u8) >= 0);

        byte[] header = "--p\r\nContent-Type: application/pkcs7-mime\r\n\r\n"u8.ToArray();
        byte[] head = Message("multipart/mixed; boundary=\"p\"", null, string.Empty);
        using var message = new MemoryStream(head.Length + parts * (header.Length + envelope.Length + 2) + 8);
        message.Write(head);
        for (int i = 0; i < parts; i++)
        {
            message.Write(header);
            message.Write(envelope);
            message.Write("\r\n"u8);
        }

        message.Write("--p--\r\n"u8);
        return message.ToArray();
    }

    // A random AES-256 key under which the content's last block does not end in valid PKCS #7
    // padding: the attacker knows every key, so no wrong key ever passes for the right one.
    private static byte[] WrongKey(byte[] lastTwoBlocks)
    {
        while (true)
        {
            byte[] key = RandomNumberGenerator.GetBytes(32);
            using Aes aes = Aes.Create();
            aes.Key = key;
            byte[] last = aes.DecryptCbc(lastTwoBlocks.AsSpan(16), lastTwoBlocks.AsSpan(0, 16), PaddingMode.None);
            int pad = last[^1];
            if (pad is 0 or > 16 || last.AsSpan(16 - pad).ContainsAnyExcept((byte)pad))
            {
                return key;
            }
        }
    }

    private static byte[] Encrypt(byte[] cek, byte[] iv, byte[] content)
    {
        using Aes aes = Aes.Create();
        aes.Key = cek;
        return aes.EncryptCbc(content, iv, PaddingMode.PKCS7);
    }

    /// <summary>A text/plain MIME entity of at least <paramref name="length"/> bytes.</summary>
    public static byte[] TextEntity(int length)
    {
        var text = new StringBuilder("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        while (text.Length < length)
        {
            text.Append("The quarterly figures are attached; nothing else is in this message.\r\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    // RFC 5652 §5.3 SignedAttributes as the signature covers them: extraCopies of one
    // smimeCapabilities attribute, then contentType and messageDigest. Written in BER mode, which
    // keeps this order; it is also the DER order (X.690 §11.6 compares whole encodings: the copy
    // "30 0F" sorts before contentType "30 18", which sorts before messageDigest "30 2F"), so the
    // SET OF is DER. The SignerInfo carries it under [0] IMPLICIT.
    private static byte[] SignedAttributes(byte[] digest, int extraCopies)
    {
        byte[] contentType = AttributeBytes(ContentTypeAttribute, w => w.WriteObjectIdentifier(IdData));
        byte[] messageDigest = AttributeBytes(MessageDigestAttribute, w => w.WriteOctetString(digest));
        int length = (extraCopies * DuplicatedAttribute.Length) + contentType.Length + messageDigest.Length;

        // The SET OF header by hand: an AsnWriter grows 1 KiB at a time, quadratic for megabytes.
        var header = new AsnWriter(AsnEncodingRules.DER);
        header.WriteOctetString(new byte[length]);
        byte[] lengthOctets = header.Encode()[1..^length];
        using var set = new MemoryStream(1 + lengthOctets.Length + length);
        set.WriteByte(0x31);
        set.Write(lengthOctets);
        for (int i = 0; i < extraCopies; i++)
        {
            set.Write(DuplicatedAttribute);
        }

        set.Write(contentType);
        set.Write(messageDigest);
        return set.ToArray();
    }

    // smimeCapabilities (RFC 8551 §2.5.2) with an empty SMIMECapabilities SEQUENCE.
    private static byte[] DuplicatedAttribute { get; } = AttributeBytes(SmimeCapabilitiesAttribute, w => w.PushSequence().Dispose());

    private static byte[] AttributeBytes(string type, Action<AsnWriter> value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        WriteAttribute(writer, type, value);
        return writer.Encode();
    }

    private static void WriteAttribute(AsnWriter writer, string type, Action<AsnWriter> value)
    {
        writer.PushSequence();
        writer.WriteObjectIdentifier(type);
        writer.PushSetOf();
        value(writer);
        writer.PopSetOf();
        writer.PopSequence();
    }

    // RFC 5652 §5.3 SignerInfo, version 1, issuerAndSerialNumber.
    private static byte[] SignerInfo(X509Certificate2 certificate, byte[] signedAttributes, byte[] signatureAlgorithm, byte[] signature)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteInteger(1);
        WriteIssuerAndSerialNumber(writer, certificate);
        WriteAlgorithm(writer, Sha256, withNull: false);
        byte[] implicitAttributes = (byte[])signedAttributes.Clone();
        implicitAttributes[0] = 0xA0;
        writer.WriteEncodedValue(implicitAttributes);
        writer.WriteEncodedValue(signatureAlgorithm);
        writer.WriteOctetString(signature);
        writer.PopSequence();
        return writer.Encode();
    }

    // RFC 5652 §5.1 SignedData inside a ContentInfo, detached (no eContent).
    private static byte[] SignedData(IEnumerable<X509Certificate2> certificates, IEnumerable<byte[]> signerInfos)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(IdSignedData);
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PushSequence();
        writer.WriteInteger(1);
        writer.PushSetOf();
        WriteAlgorithm(writer, Sha256, withNull: false);
        writer.PopSetOf();
        writer.PushSequence();
        writer.WriteObjectIdentifier(IdData);
        writer.PopSequence();
        writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        foreach (X509Certificate2 certificate in certificates)
        {
            writer.WriteEncodedValue(certificate.RawData);
        }

        writer.PopSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PushSetOf();
        foreach (byte[] signerInfo in signerInfos)
        {
            writer.WriteEncodedValue(signerInfo);
        }

        writer.PopSetOf();
        writer.PopSequence();
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PopSequence();
        return writer.Encode();
    }

    // RFC 5652 §6.2.1 KeyTransRecipientInfo with RSA PKCS #1 v1.5 key transport.
    private static byte[] KeyTransRecipientInfo(X509Certificate2 recipient, byte[] encryptedKey, bool bySubjectKeyIdentifier = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        if (bySubjectKeyIdentifier)
        {
            writer.WriteInteger(2);
            writer.WriteOctetString(SubjectKeyIdentifier(recipient), new Asn1Tag(TagClass.ContextSpecific, 0));
        }
        else
        {
            writer.WriteInteger(0);
            WriteIssuerAndSerialNumber(writer, recipient);
        }

        WriteAlgorithm(writer, RsaEncryption, withNull: true);
        writer.WriteOctetString(encryptedKey);
        writer.PopSequence();
        return writer.Encode();
    }

    // RFC 5652 §6.1 EnvelopedData inside a ContentInfo, AES-256-CBC content.
    private static byte[] EnvelopedData(IEnumerable<byte[]> recipientInfos, byte[] cek, byte[] iv, byte[] content)
    {
        byte[] encrypted = Encrypt(cek, iv, content);
        var writer = new AsnWriter(AsnEncodingRules.BER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(IdEnvelopedData);
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PushSequence();
        writer.WriteInteger(0);
        writer.PushSetOf();
        foreach (byte[] recipientInfo in recipientInfos)
        {
            writer.WriteEncodedValue(recipientInfo);
        }

        writer.PopSetOf();
        writer.PushSequence();
        writer.WriteObjectIdentifier(IdData);
        writer.PushSequence();
        writer.WriteObjectIdentifier(Aes256Cbc);
        writer.WriteOctetString(iv);
        writer.PopSequence();
        writer.WriteOctetString(encrypted, new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PopSequence();
        writer.PopSequence();
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PopSequence();
        return writer.Encode();
    }

    private static void WriteIssuerAndSerialNumber(AsnWriter writer, X509Certificate2 certificate)
    {
        writer.PushSequence();
        writer.WriteEncodedValue(certificate.IssuerName.RawData);
        writer.WriteInteger(certificate.SerialNumberBytes.Span);
        writer.PopSequence();
    }

    private static byte[] SubjectKeyIdentifier(X509Certificate2 certificate) =>
        Convert.FromHexString(certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier!);

    private static void WriteAlgorithm(AsnWriter writer, string oid, bool withNull)
    {
        writer.PushSequence();
        writer.WriteObjectIdentifier(oid);
        if (withNull)
        {
            writer.WriteNull();
        }

        writer.PopSequence();
    }

    private static byte[] Sha256WithRsaAlgorithm()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        WriteAlgorithm(writer, Sha256WithRsa, withNull: true);
        return writer.Encode();
    }

    // RFC 4055 §3.1 RSASSA-PSS-params: SHA-256, MGF1 with SHA-256, salt 32 (the platform's PSS).
    private static byte[] PssAlgorithm()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.PushSequence();
        writer.WriteObjectIdentifier(RsassaPss);
        writer.PushSequence();
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        WriteAlgorithm(writer, Sha256, withNull: false);
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
        writer.PushSequence();
        writer.WriteObjectIdentifier(Mgf1);
        WriteAlgorithm(writer, Sha256, withNull: false);
        writer.PopSequence();
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 1));
        writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        writer.WriteInteger(32);
        writer.PopSequence(new Asn1Tag(TagClass.ContextSpecific, 2));
        writer.PopSequence();
        writer.PopSequence();
        return writer.Encode();
    }

    private static byte[] MultipartSigned(byte[] signedData)
    {
        string body =
            "--s\r\n" + Encoding.ASCII.GetString(SignedEntity) + "\r\n" +
            "--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n" +
            "Content-Disposition: attachment; filename=smime.p7s\r\n\r\n" + Base64Lines(signedData) + "--s--\r\n";
        return Message("multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"s\"", null, body);
    }

    private static byte[] PkcsMime(byte[] contentInfo, string smimeType) =>
        Message($"application/pkcs7-mime; smime-type={smimeType}; name=smime.p7m", "base64", Base64Lines(contentInfo));

    private static byte[] Message(string contentType, string? transferEncoding, string body)
    {
        var message = new StringBuilder(body.Length + 512);
        message.Append("From: Alice <").Append(Sender).Append(">\r\n");
        message.Append("To: Bob <").Append(Recipient).Append(">\r\n");
        message.Append("Subject: Quarterly figures\r\n");
        message.Append("Date: Mon, 2 Nov 2026 09:30:00 +0000\r\n");
        message.Append("Message-ID: <hostile@example.com>\r\n");
        message.Append("MIME-Version: 1.0\r\n");
        message.Append("Content-Type: ").Append(contentType).Append("\r\n");
        if (transferEncoding is not null)
        {
            message.Append("Content-Transfer-Encoding: ").Append(transferEncoding).Append("\r\n");
        }

        message.Append("\r\n").Append(body);
        return Encoding.ASCII.GetBytes(message.ToString());
    }

    private static string Base64Lines(byte[] data)
    {
        string base64 = Convert.ToBase64String(data);
        var lines = new StringBuilder(base64.Length + base64.Length / 76 * 2 + 2);
        for (int i = 0; i < base64.Length; i += 76)
        {
            lines.Append(base64, i, Math.Min(76, base64.Length - i)).Append("\r\n");
        }

        return lines.ToString();
    }
}

/// <summary>What the wrong RecipientInfos of <see cref="HostileMessages.EnvelopeWithWrongKeys"/> carry.</summary>
internal enum WrongKeys
{
    /// <summary>Each a different content-encryption key, each well-formed PKCS #1 for the recipient.</summary>
    Distinct,

    /// <summary>The same wrong content-encryption key, encrypted once and repeated.</summary>
    Repeated,

    /// <summary>Random bytes where the encrypted key should be: the key recovery itself fails.</summary>
    Garbage,
}

/// <summary>
/// A root CA, a signer (alice@example.com), a recipient (bob@example.com), three more recipient
/// keys and a stranger nobody reading holds the key of; every key RSA-2048, made in memory.
/// </summary>
internal sealed class HostilePki
{
    private static readonly DateTimeOffset NotBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NotAfter = new(2036, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly RSA _rootKey;
    private readonly Dictionary<int, (X509Certificate2, RSA)> _largeExponentSigners = [];
    private int _serial = 100;

    private HostilePki(X509Certificate2 root, RSA rootKey)
    {
        Root = root;
        _rootKey = rootKey;
    }

    /// <summary>A time inside every certificate's validity.</summary>
    public static DateTimeOffset ValidationTime { get; } = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The self-signed root (public part only).</summary>
    public X509Certificate2 Root { get; }

    public X509Certificate2 Signer { get; private set; } = null!;

    public X509Certificate2 Recipient { get; private set; } = null!;

    /// <summary>The recipient and three other keys, as a reader holding four keys has them.</summary>
    public IReadOnlyList<X509Certificate2> FourKeys { get; private set; } = [];

    public X509Certificate2 Stranger { get; private set; } = null!;

    public static HostilePki Create()
    {
        RSA rootKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=Hostile Test Root", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using X509Certificate2 rootWithKey = request.CreateSelfSigned(NotBefore, NotAfter);
        var pki = new HostilePki(X509CertificateLoader.LoadCertificate(rootWithKey.RawData), rootKey);
        pki.Signer = pki.Issue("alice", HostileMessages.Sender, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation);
        pki.Recipient = pki.Issue("bob", HostileMessages.Recipient, X509KeyUsageFlags.KeyEncipherment);
        pki.FourKeys =
        [
            pki.Recipient,
            pki.Issue("bob-2", HostileMessages.Recipient, X509KeyUsageFlags.KeyEncipherment),
            pki.Issue("bob-3", HostileMessages.Recipient, X509KeyUsageFlags.KeyEncipherment),
            pki.Issue("bob-4", HostileMessages.Recipient, X509KeyUsageFlags.KeyEncipherment),
        ];
        pki.Stranger = pki.Issue("stranger", "stranger@example.com", X509KeyUsageFlags.KeyEncipherment);
        return pki;
    }

    /// <summary>
    /// A signer certificate for alice@example.com whose RSA key (2048-bit modulus) has a public
    /// exponent of exactly <paramref name="exponentBits"/> bits, and that key with its private part.
    /// </summary>
    public (X509Certificate2 Certificate, RSA Key) LargeExponentSigner(int exponentBits)
    {
        lock (_largeExponentSigners)
        {
            if (_largeExponentSigners.TryGetValue(exponentBits, out (X509Certificate2, RSA) made))
            {
                return made;
            }

            using RSA seed = RSA.Create(2048);
            RSAParameters primes = seed.ExportParameters(true);
            var p = new BigInteger(primes.P, isUnsigned: true, isBigEndian: true);
            var q = new BigInteger(primes.Q, isUnsigned: true, isBigEndian: true);
            BigInteger phi = (p - 1) * (q - 1);
            byte[] exponent = new byte[(exponentBits + 7) / 8];
            BigInteger e;
            do
            {
                RandomNumberGenerator.Fill(exponent);
                exponent[0] &= (byte)(0xFF >> (exponent.Length * 8 - exponentBits));
                exponent[0] |= (byte)(0x80 >> (exponent.Length * 8 - exponentBits));
                exponent[^1] |= 1;
                e = new BigInteger(exponent, isUnsigned: true, isBigEndian: true);
            }
            while (BigInteger.GreatestCommonDivisor(e, phi) != BigInteger.One);

            BigInteger d = ModInverse(e, phi);
            int half = primes.P!.Length;
            var parameters = new RSAParameters
            {
                Modulus = primes.Modulus,
                Exponent = exponent,
                D = Fixed(d, primes.Modulus!.Length),
                P = primes.P,
                Q = primes.Q,
                DP = Fixed(d % (p - 1), half),
                DQ = Fixed(d % (q - 1), half),
                InverseQ = primes.InverseQ,
            };
            RSA key = RSA.Create();
            key.ImportParameters(parameters);

            // RFC 8017 §A.1.1 RSAPublicKey, written by hand: the platform's exporter need not accept the key.
            var writer = new AsnWriter(AsnEncodingRules.DER);
            writer.PushSequence();
            writer.WriteIntegerUnsigned(primes.Modulus);
            writer.WriteIntegerUnsigned(exponent);
            writer.PopSequence();
            var publicKey = new PublicKey(new Oid("1.2.840.113549.1.1.1"), new AsnEncodedData([0x05, 0x00]), new AsnEncodedData(writer.Encode()));
            X509Certificate2 certificate = IssueFor(publicKey, "alice-large-exponent", HostileMessages.Sender, X509KeyUsageFlags.DigitalSignature);
            _largeExponentSigners[exponentBits] = (certificate, key);
            return (certificate, key);
        }
    }

    private X509Certificate2 Issue(string name, string address, X509KeyUsageFlags usage)
    {
        RSA key = RSA.Create(2048);
        X509Certificate2 certificate = IssueFor(new PublicKey(key), name, address, usage);
        return certificate.CopyWithPrivateKey(key);
    }

    private X509Certificate2 IssueFor(PublicKey publicKey, string name, string address, X509KeyUsageFlags usage)
    {
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), publicKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.4")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress(address);
        request.CertificateExtensions.Add(san.Build());
        byte[] serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial));
        Array.Reverse(serial);
        return request.Create(Root.SubjectName, X509SignatureGenerator.CreateForRSA(_rootKey, RSASignaturePadding.Pkcs1), NotBefore, NotAfter, serial);
    }

    private static BigInteger ModInverse(BigInteger value, BigInteger modulus)
    {
        BigInteger t = 0, newT = 1, r = modulus, newR = value;
        while (!newR.IsZero)
        {
            BigInteger quotient = r / newR;
            (t, newT) = (newT, t - quotient * newT);
            (r, newR) = (newR, r - quotient * newR);
        }

        return t.Sign < 0 ? t + modulus : t;
    }

    private static byte[] Fixed(BigInteger value, int length)
    {
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] result = new byte[length];
        bytes.CopyTo(result.AsSpan(length - bytes.Length));
        return result;
    }
}
