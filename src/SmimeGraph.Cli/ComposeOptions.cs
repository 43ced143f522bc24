using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Mime;
using SmimeGraph.Smime;

namespace SmimeGraph.Cli;

/// <summary>
/// The options that describe a message and its protection, shared by <c>compose</c> and
/// <c>send</c> (the "&lt;compose options&gt;" of the command-line contract): one definition,
/// one way of turning them into a <see cref="MessageSpec"/> (or, with <c>--mime</c>, an existing
/// message read by MimeKit) and <see cref="SmimeOptions"/>.
/// </summary>
internal sealed class ComposeOptions
{
    public Option<string> From { get; } = CliOptions.Value("--from", "ADDRESS", "The author, as 'Name <address>' or an address (required unless --mime).");

    public Option<string[]> To { get; } = CliOptions.Values("--to", "ADDRESS", "A primary recipient (repeatable; at least one of --to, --cc, --bcc).");

    public Option<string[]> Cc { get; } = CliOptions.Values("--cc", "ADDRESS", "A copy recipient (repeatable).");

    public Option<string[]> Bcc { get; } = CliOptions.Values("--bcc", "ADDRESS", "A blind-copy recipient (repeatable; kept in the MIME, Graph needs it).");

    public Option<string> Subject { get; } = CliOptions.Value("--subject", "TEXT", "The subject (any Unicode; required unless --mime).");

    public Option<string> Text { get; } = CliOptions.Value("--text", "TEXT|@FILE", "The text/plain body, or @FILE to read it from a UTF-8 file.");

    public Option<string> Html { get; } = CliOptions.Value("--html", "HTML|@FILE", "The text/html body, or @FILE to read it from a UTF-8 file.");

    public Option<string[]> Attach { get; } = CliOptions.Values("--attach", "FILE", "A file to attach (repeatable); an .eml is attached as message/rfc822.");

    public Option<string[]> Header { get; } = CliOptions.Values("--header", "\"Name: value\"", "An extra header field (repeatable), e.g. \"X-Trace: 42\".");

    public Option<string> Mime { get; } = CliOptions.Value("--mime", "FILE.eml", "Sign and/or encrypt this existing message, written by any client, instead of one described by --from ... --header: its routing header fields (From, To, Subject, Date, Message-ID, ...) stay outside the protection, its body goes inside.");

    public Option<string> Sign { get; } = CliOptions.Value("--sign", "PFX", "Sign with the certificate and key in this PKCS#12 file. Give its password with --password-env or --password-file, or type it when asked; PFX:password still works but shows the password to every user of 'ps'.");

    public PasswordOptions Passwords { get; } = new();

    public Option<string[]> EncryptTo { get; } = CliOptions.Values("--encrypt-to", "CERT", "Encrypt to the recipient certificate in this PEM or DER file (repeatable).");

    public Option<string> SenderCert { get; } = CliOptions.Value("--sender-cert", "CERT", "The sender's own encryption certificate (PEM or DER): encrypted mail is also encrypted to it, so the copy in Sent Items stays readable, and the signature names it as the certificate to encrypt to (RFC 8551 §2.5.3). Default: the signing certificate, when it can receive a key (RSA with keyEncipherment, EC with keyAgreement).");

    public Option<bool> NoSenderCopy { get; } = CliOptions.Flag("--no-sender-copy", "Do not encrypt to the sender: the copy in Sent Items will not be readable by the sender. The signature still names the sender's encryption certificate.");

    public Option<bool> Opaque { get; } = CliOptions.Flag("--opaque", "Sign as opaque application/pkcs7-mime signed-data instead of multipart/signed.");

    public Option<bool> Oaep { get; } = CliOptions.Flag("--oaep", "Transport the content key with RSAES-OAEP (SHA-256) instead of PKCS#1 v1.5.");

    public Option<bool> Pss { get; } = CliOptions.Flag("--pss", "Sign with RSASSA-PSS instead of PKCS#1 v1.5.");

    public Option<bool> AesGcm { get; } = CliOptions.Flag("--aes-gcm", "Encrypt with AES-256-GCM (authEnveloped-data, which Outlook may not read) instead of AES-256-CBC.");

    public Option<bool> ProtectHeaders { get; } = CliOptions.Flag("--protect-headers", "Protect the header fields inside the signature or encryption (RFC 9788, hcp_baseline: an encrypted message's outer Subject becomes [...]).");

    /// <summary>Adds every compose option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (Option option in (Option[])[From, To, Cc, Bcc, Subject, Text, Html, Attach, Header, Mime, Sign, Passwords.Environment, Passwords.File, EncryptTo, SenderCert, NoSenderCopy, Opaque, Oaep, Pss, AesGcm, ProtectHeaders])
        {
            command.Add(option);
        }

        // --from and --subject are required unless --mime supplies the whole message; beside
        // --mime no option that describes a message applies: the file has its own.
        command.Validators.Add(result =>
        {
            if (result.GetResult(Mime) is null)
            {
                foreach (Option<string> required in (Option<string>[])[From, Subject])
                {
                    if (result.GetResult(required) is null)
                    {
                        result.AddError($"Option '{required.Name}' is required.");
                    }
                }

                return;
            }

            foreach (Option option in MessageOptions)
            {
                if (result.GetResult(option) is not null)
                {
                    result.AddError($"{option.Name} cannot be combined with --mime: the message, its header fields and its parts come from the file.");
                }
            }
        });
    }

    /// <summary>The options that describe a message, which <c>--mime</c> replaces.</summary>
    private Option[] MessageOptions => [From, To, Cc, Bcc, Subject, Text, Html, Attach, Header];

    /// <summary>The message file of <c>--mime</c>, or null when the options describe the message.</summary>
    public string? MimePath(ParseResult result) => Path(result, Mime);

    /// <summary>
    /// Reads the <c>--mime</c> message (see <see cref="MimeInput"/>), with the header protection
    /// <paramref name="smime"/> asks for, or returns null without it.
    /// </summary>
    /// <exception cref="UsageException">The file is missing or is not a message that can be signed as it is.</exception>
    public MimeInput? ReadMime(ParseResult result, SmimeOptions smime)
    {
        ArgumentNullException.ThrowIfNull(smime);
        string? headerProtection = !smime.ProtectHeaders ? null : smime.Encryption is not null ? "cipher" : smime.Signer is not null ? "clear" : null;
        return MimePath(result) is string path ? MimeInput.Read(Mime.Name, path, headerProtection) : null;
    }

    /// <summary>
    /// Every file these options read, with the option that names it, for the check that no
    /// output overwrites an input. Nothing is opened.
    /// </summary>
    public IReadOnlyList<(string Option, string Path)> InputFiles(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var inputs = new List<(string Option, string Path)>();
        foreach (Option<string> body in (Option<string>[])[Text, Html])
        {
            if (result.GetValue(body) is ['@', .. string path] && path.Length > 0)
            {
                inputs.Add((body.Name, path));
            }
        }

        inputs.AddRange(Paths(result, Attach).Select(path => (Attach.Name, path)));
        if (MimePath(result) is string mime)
        {
            inputs.Add((Mime.Name, mime));
        }

        if (Path(result, Sign) is string sign)
        {
            // The file part only; a missing file is reported when it is loaded.
            int colon = sign.IndexOf(':', StringComparison.Ordinal);
            inputs.Add((Sign.Name, sign));
            for (; colon > 0; colon = sign.IndexOf(':', colon + 1))
            {
                inputs.Add((Sign.Name, sign[..colon]));
            }
        }

        inputs.AddRange(Paths(result, EncryptTo).Select(path => (EncryptTo.Name, path)));
        if (Path(result, SenderCert) is string senderCert)
        {
            inputs.Add((SenderCert.Name, senderCert));
        }

        if (Passwords.FilePath(result) is string passwordFile)
        {
            inputs.Add((Passwords.File.Name, passwordFile));
        }

        return inputs;
    }

    /// <summary>
    /// Builds the message from <c>--from --to --cc --bcc --subject --text --html --attach --header</c>.
    /// <c>--text</c> and <c>--html</c> take the text or <c>@file</c>; <c>--header</c> takes <c>"Name: value"</c>.
    /// </summary>
    /// <exception cref="UsageException">An option is missing or malformed.</exception>
    public MessageSpec BuildSpec(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var spec = new MessageSpec
        {
            From = Mailbox(From.Name, result.GetRequiredValue(From)),
            Subject = result.GetRequiredValue(Subject),
        };

        AddMailboxes(spec.To, To.Name, result.GetValue(To));
        AddMailboxes(spec.Cc, Cc.Name, result.GetValue(Cc));
        AddMailboxes(spec.Bcc, Bcc.Name, result.GetValue(Bcc));
        if (spec.To.Count + spec.Cc.Count + spec.Bcc.Count == 0)
        {
            throw new UsageException("--to is required (at least one recipient).");
        }

        if (result.GetValue(Text) is string text)
        {
            spec.TextBody = TextOrFile(Text.Name, text);
        }

        if (result.GetValue(Html) is string html)
        {
            spec.HtmlBody = TextOrFile(Html.Name, html);
        }

        foreach (string path in Paths(result, Attach))
        {
            Cli.InputFiles.EnsureFile(Attach.Name, path);
            spec.Attachments.Add(MimeAttachment.FromFile(path));
        }

        foreach (string header in result.GetValue(Header) ?? [])
        {
            int colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new UsageException($"--header takes \"Name: value\", not '{header}'.");
            }

            spec.Headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].TrimStart()));
        }

        return spec;
    }

    /// <summary>
    /// Turns <c>--sign PFX[:password] --encrypt-to CERT... --opaque --oaep --pss --aes-gcm --protect-headers</c> into
    /// <see cref="SmimeOptions"/> (with the default ceiling).
    /// </summary>
    public SmimeOptions BuildSmimeOptions(ParseResult result, CommandConsole console)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(console);
        SmimeSigner? signer = null;
        if (Path(result, Sign) is string sign)
        {
            string? given = Passwords.Read(result);
            (string path, string? inline) = CertificateFiles.SplitPkcs12(Sign.Name, sign, passwordGivenElsewhere: given is not null);
            X509Certificate2Collection bundle = CertificateFiles.LoadPkcs12(Sign.Name, path, inline ?? given, console.ReadPassword, X509KeyStorageFlags.EphemeralKeySet);
            X509Certificate2 certificate = bundle.FirstOrDefault(c => c.HasPrivateKey)
                ?? throw new UsageException($"--sign: '{path}' holds no certificate with a private key.");
            signer = new SmimeSigner(certificate) { UseRsaPss = result.GetValue(Pss) };
            foreach (X509Certificate2 other in bundle)
            {
                if (!other.HasPrivateKey)
                {
                    signer.Chain.Add(other);
                }
            }
        }
        else if (result.GetValue(Pss) || result.GetValue(Opaque))
        {
            throw new UsageException("--pss and --opaque need --sign.");
        }
        else if (result.GetValue(Passwords.Environment) is not null || result.GetValue(Passwords.File) is not null)
        {
            throw new UsageException("--password-env and --password-file need --sign.");
        }

        IReadOnlyList<string> recipients = Paths(result, EncryptTo);
        X509Certificate2? senderCertificate = SenderCertificate(result, signer, recipients.Count > 0);
        if (signer is not null)
        {
            // RFC 8551 §2.5.3: the signature names the certificate to encrypt replies to.
            signer.EncryptionCertificate = senderCertificate;
        }

        SmimeEncryptionOptions? encryption = null;
        if (recipients.Count > 0)
        {
            encryption = new SmimeEncryptionOptions
            {
                UseRsaOaep = result.GetValue(Oaep),
                Algorithm = result.GetValue(AesGcm) ? ContentEncryptionAlgorithm.Aes256Gcm : ContentEncryptionAlgorithm.Aes256Cbc,
            };
            foreach (string path in recipients)
            {
                encryption.Recipients.Add(CertificateFiles.LoadCertificate(EncryptTo.Name, path));
            }

            // The sender is one more recipient, so the copy Graph keeps in Sent Items can be read.
            if (!result.GetValue(NoSenderCopy))
            {
                encryption.SenderCertificate = senderCertificate;
                if (senderCertificate is null)
                {
                    console.Error.WriteLine(signer is null
                        ? "smimegraph: note: the sender's copy in Sent Items will not be readable by the sender; give --sender-cert CERT, or --no-sender-copy."
                        : "smimegraph: note: the sender's copy in Sent Items will not be readable by the sender: the signing certificate cannot receive a key (RSA needs keyEncipherment, EC keyAgreement); give --sender-cert CERT, or --no-sender-copy.");
                }
            }
        }
        else if (result.GetValue(Oaep) || result.GetValue(AesGcm))
        {
            throw new UsageException("--oaep and --aes-gcm need --encrypt-to.");
        }

        if (result.GetValue(ProtectHeaders) && signer is null && encryption is null)
        {
            throw new UsageException("--protect-headers needs --sign or --encrypt-to.");
        }

        return new SmimeOptions { Signer = signer, OpaqueSignature = result.GetValue(Opaque), Encryption = encryption, ProtectHeaders = result.GetValue(ProtectHeaders) };
    }

    /// <summary>
    /// The sender's encryption certificate: <c>--sender-cert</c>, or else the signing certificate
    /// when its key can receive a content key (RFC 8550 §4.4.2: RSA with keyEncipherment, EC
    /// with keyAgreement; no key usage at all allows both), or null.
    /// </summary>
    private X509Certificate2? SenderCertificate(ParseResult result, SmimeSigner? signer, bool encrypting)
    {
        bool noCopy = result.GetValue(NoSenderCopy);
        if (Path(result, SenderCert) is string path)
        {
            if (noCopy)
            {
                throw new UsageException("--sender-cert and --no-sender-copy contradict each other: give one.");
            }

            if (signer is null && !encrypting)
            {
                throw new UsageException("--sender-cert needs --sign or --encrypt-to.");
            }

            return CertificateFiles.LoadCertificate(SenderCert.Name, path);
        }

        if (noCopy && !encrypting)
        {
            throw new UsageException("--no-sender-copy needs --encrypt-to.");
        }

        return signer is not null && CertificatePolicy.Evaluate(signer.Certificate, CertificatePurpose.Encryption, DateTimeOffset.UtcNow).Count == 0
            ? signer.Certificate
            : null;
    }

    /// <summary>The value of an option that names a file, or null; an empty name is a usage error.</summary>
    public static string? Path(ParseResult result, Option<string> option)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(option);
        return result.GetValue(option) is string path ? NonEmptyPath(option.Name, path) : null;
    }

    /// <summary>Every value of an option that names files; an empty name is a usage error.</summary>
    public static IReadOnlyList<string> Paths(ParseResult result, Option<string[]> option)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(option);
        return [.. (result.GetValue(option) ?? []).Select(path => NonEmptyPath(option.Name, path))];
    }

    /// <summary>
    /// A value given inline or, when it starts with '@', read from that file (UTF-8), at most
    /// <see cref="MimeParserOptions.DefaultMaxMessageSize"/> bytes: no reader would take a longer message.
    /// </summary>
    public static string TextOrFile(string option, string value) =>
        value.StartsWith('@') ? BoundedFile.ReadAllText(option, NonEmptyPath(option, value[1..]), MimeParserOptions.DefaultMaxMessageSize) : value;

    // The file APIs throw ArgumentException for an empty path; the user gets a usage error instead.
    private static string NonEmptyPath(string option, string path) =>
        path.Length > 0 ? path : throw new UsageException($"{option} needs a file name.");

    private static void AddMailboxes(IList<MailboxAddress> list, string option, IReadOnlyList<string>? values)
    {
        foreach (string value in values ?? [])
        {
            list.Add(Mailbox(option, value));
        }
    }

    private static MailboxAddress Mailbox(string option, string value)
    {
        try
        {
            return MailboxAddress.Parse(value);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"{option}: {ex.Message}");
        }
    }
}
