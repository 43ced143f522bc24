using System.Text;
using System.Text.RegularExpressions;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

public static partial class SmimeInspector
{
    /// <summary>
    /// The verdict (RFC 8551 §3, RFC 8550 §3): VALID only when a valid, trusted signature made by
    /// every From address covers the whole displayed content inside every encryption layer.
    /// Every reason it is not is one coded problem.
    /// </summary>
    private static InspectionResult Judge(MimeEntity root, MimeEntity content, List<InspectionLayer> layers, DateTimeOffset at)
    {
        var problems = new List<InspectionProblem>();
        foreach (InspectionLayer layer in layers)
        {
            string location = Location(layer);
            problems.AddRange(layer.Problems.Select(p => Located(p, location)));
            if (layer is SignatureLayer signed)
            {
                foreach (SignatureVerdict verdict in signed.Signatures)
                {
                    problems.AddRange(SignatureProblems(verdict).Select(p => Located(p, location)));
                }
            }
        }

        // The main path: layers that cover the whole message. A signature counts for the
        // displayed content only when no encryption layer lies under it: a signature over
        // ciphertext (encrypt-then-sign) shows its signer handled the ciphertext, not that they
        // wrote or saw what it decrypts to.
        List<InspectionLayer> main = [.. layers.Where(l => !l.IsPartial)];
        List<EncryptionLayer> encryption = [.. main.OfType<EncryptionLayer>()];
        int innermostEncryption = encryption.Count == 0 ? -1 : encryption.Max(e => e.Depth);
        List<SignatureLayer> covering = [.. main.OfType<SignatureLayer>().Where(s => s.Depth > innermostEncryption)];
        bool unopened = encryption.Any(e => !e.IsDecrypted);
        if (!unopened && covering.Count == 0)
        {
            problems.Add(main.OfType<SignatureLayer>().Any()
                ? new(InspectionProblemCodes.SignedOutsideEncryption, "every signature lies outside the encryption and covers only ciphertext, not the displayed content")
                : encryption.Count > 0
                    ? new(InspectionProblemCodes.EncryptedNotSigned, "encrypted, not signed: encryption hides the content but does not say who wrote it")
                    : new(InspectionProblemCodes.NotSigned, "the message is not signed"));
        }

        foreach (SignatureLayer partial in layers.OfType<SignatureLayer>().Where(l => l.IsPartial))
        {
            problems.Add(new(InspectionProblemCodes.PartialSignature, $"the signature at part {partial.Path} covers only part {partial.CoveredPath} of the message") { Location = Location(partial) });
        }

        List<SignatureVerdict> signatures = [.. covering.SelectMany(l => l.Signatures)];
        List<SignatureVerdict> trusted = [.. signatures.Where(s => s.IsValidAndTrusted)];
        List<string> signerAddresses = [.. trusted.SelectMany(s => s.SignerAddresses).Distinct(StringComparer.OrdinalIgnoreCase)];

        // RFC 9788 §4: with header protection the signed payload's own From, To and Subject are
        // the message's; the outer ones are only what a legacy reader shows.
        HeaderProtectionFinding? protection = covering.Count > 0 ? ReadHeaderProtection(root, content, encryption.Count > 0, problems) : null;
        MimeEntity headers = protection is null ? root : content;
        SenderFields from = ReadSenderFields(headers, problems);
        foreach (SignatureVerdict verdict in layers.OfType<SignatureLayer>().SelectMany(l => l.Signatures))
        {
            verdict.SignerMatchesSender = from.From.Count == 0 ? null : verdict.SignerAddresses.Any(a => from.From.Contains(a, StringComparer.OrdinalIgnoreCase));
        }

        if (trusted.Count > 0 && from.From.Count > 0)
        {
            BindSender(from, signerAddresses, problems);
        }

        bool authentic = trusted.Count > 0
            && covering.All(l => l.Succeeded)
            && !problems.Any(p => p.Code is InspectionProblemCodes.PartialSignature or InspectionProblemCodes.SignerIsOnlySender or InspectionProblemCodes.ProtectedHeaderMismatch || p.Code.StartsWith("from-", StringComparison.Ordinal))
            && from.From.Count > 0;
        var authenticity = new AuthenticityFinding(
            authentic,
            signatures,
            from.From,
            signerAddresses,
            authentic ? "signed by " + string.Join(", ", signerAddresses)
            : unopened ? "unknown: the encrypted content could not be opened"
            : covering.Count == 0 && main.OfType<SignatureLayer>().Any() ? "signed outside the encryption only"
            : covering.Count == 0 && encryption.Count > 0 ? "encrypted, not signed"
            : covering.Count == 0 ? "not signed"
            : trusted.Count == 0 ? "signed, but no signature is valid and trusted"
            : "signed, but not by the From address");

        bool encrypted = encryption.Count > 0;
        bool integrity = encrypted && encryption.All(e => e.IsAuthenticated);
        List<string> algorithms = [.. encryption.Select(e => e.ContentEncryptionAlgorithm ?? "unknown")];
        var confidentiality = new ConfidentialityFinding(
            encrypted,
            encrypted && !unopened,
            integrity,
            algorithms,
            !encrypted ? "not encrypted"
            : unopened ? $"encrypted ({string.Join(", ", algorithms)}), not decrypted"
            : $"encrypted ({string.Join(", ", algorithms)}; {(integrity ? "integrity protected" : "not integrity protected")})");

        if (problems.Count == 0 && !authentic)
        {
            // Every way to fail is named above; this keeps "valid" from ever meaning "nothing was said".
            problems.Add(new(InspectionProblemCodes.NotSigned, "no valid signature by the From address covers the message"));
        }

        return new InspectionResult(root, content, layers, [.. from.From, .. from.Sender], at, authenticity, confidentiality, problems) { HeaderProtection = protection };
    }

    private static IEnumerable<InspectionProblem> SignatureProblems(SignatureVerdict verdict)
    {
        string signer = verdict.SignerCertificate?.Subject ?? verdict.SignerIdentifier;
        if (!verdict.IsSignatureValid)
        {
            yield return new(InspectionProblemCodes.SignatureInvalid, $"the signature of {signer} is not valid: {verdict.Failure ?? "it does not verify"}");
        }

        foreach (string weakness in verdict.Weaknesses)
        {
            yield return new(InspectionProblemCodes.WeakAlgorithm, $"the signature of {signer}: {weakness}");
        }

        if (verdict.SigningTimeIsInFuture)
        {
            yield return new(InspectionProblemCodes.SigningTimeInFuture, $"the signature of {signer} claims a signing time in the future ({verdict.SigningTime?.UtcDateTime:u})");
        }

        foreach (InspectionProblem chain in verdict.Chain?.Problems ?? [])
        {
            yield return new(chain.Code, $"the certificate of {signer}: {chain.Message}");
        }
    }

    private static InspectionProblem Located(InspectionProblem problem, string location) =>
        problem.Location.Length > 0 ? problem : new(problem.Code, problem.Message) { Location = location };

    private static string Location(InspectionLayer layer) =>
        $"{(layer is SignatureLayer ? "signature" : "encryption")} layer {layer.Depth + 1}{(layer.Path.Length == 0 ? string.Empty : ", part " + layer.Path)}";

    /// <summary>The From and Sender mailboxes of a header section, with every defect of From as a problem.</summary>
    private sealed record SenderFields(List<string> From, List<ParsedMailbox> FromMailboxes, List<string> Sender);

    // RFC 5322 §3.6: exactly one From field, holding a mailbox-list (no groups); RFC 8550 §3: its
    // address is what the signer's certificate must name.
    private static SenderFields ReadSenderFields(MimeEntity headers, List<InspectionProblem> problems)
    {
        List<MimeHeaderField> fromFields = [.. headers.Headers.Where(h => string.Equals(h.Name, "From", StringComparison.OrdinalIgnoreCase))];
        var mailboxes = new List<ParsedMailbox>();
        if (fromFields.Count == 0)
        {
            problems.Add(new(InspectionProblemCodes.FromMissing, "the message has no From field"));
        }
        else if (fromFields.Count > 1)
        {
            problems.Add(new(InspectionProblemCodes.FromRepeated, $"the message has {fromFields.Count} From fields; readers show different ones"));
        }

        foreach (MimeHeaderField field in fromFields)
        {
            ParsedAddressList list = AddressParser.ParseAddressList(field.RawValue);
            mailboxes.AddRange(list.Mailboxes);
            string shown = MimeHeaderField.Unfold(field.RawValue).Trim();
            if (list.Mailboxes.Count == 0 && list.InvalidElements == 0 && list.Groups.Count == 0)
            {
                problems.Add(new(InspectionProblemCodes.FromEmpty, "the From field holds no address"));
            }
            else if (list.Mailboxes.Count == 0)
            {
                problems.Add(new(InspectionProblemCodes.FromMalformed, $"the From field '{shown}' holds no mailbox (a display name without an address is not a sender)"));
            }
            else if (list.InvalidElements > 0)
            {
                problems.Add(new(InspectionProblemCodes.FromMalformed, $"the From field '{shown}' has an element that is not a mailbox: {string.Join("; ", list.Defects)}"));
            }

            if (list.Groups.Count > 0 && list.Mailboxes.Count > 0)
            {
                problems.Add(new(InspectionProblemCodes.FromMalformed, $"the From field '{shown}' holds a group; From is a mailbox list (RFC 5322 §3.6.2)"));
            }
        }

        foreach (ParsedMailbox mailbox in mailboxes)
        {
            if (DisplayNameAddress(mailbox) is { } other)
            {
                problems.Add(new(InspectionProblemCodes.FromDisplayNameIsAnotherAddress, $"the From display name \"{mailbox.DisplayName}\" shows the address {other}, but the mailbox is {mailbox.Address}"));
            }
        }

        List<string> sender = [.. headers.Headers
            .Where(h => string.Equals(h.Name, "Sender", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => AddressParser.ParseAddressList(h.RawValue).Mailboxes)
            .Select(m => m.Address)];
        return new SenderFields([.. mailboxes.Select(m => m.Address).Distinct(StringComparer.OrdinalIgnoreCase)], mailboxes, sender);
    }

    // Every From mailbox must be a signer's address; a signer who is only the Sender did not
    // write the message as far as the reader can tell (the author shown is From).
    private static void BindSender(SenderFields fields, List<string> signerAddresses, List<InspectionProblem> problems)
    {
        List<string> unmatched = [.. fields.From.Where(f => !signerAddresses.Contains(f, StringComparer.OrdinalIgnoreCase))];
        if (unmatched.Count == 0)
        {
            return;
        }

        string signers = signerAddresses.Count == 0 ? "no address" : string.Join(", ", signerAddresses);
        if (unmatched.Count == fields.From.Count && fields.Sender.Any(s => signerAddresses.Contains(s, StringComparer.OrdinalIgnoreCase)))
        {
            problems.Add(new(InspectionProblemCodes.SignerIsOnlySender, $"the signer ({signers}) is the Sender, not the From ({string.Join(", ", fields.From)}): the author shown did not sign"));
            return;
        }

        foreach (string address in unmatched)
        {
            problems.Add(new(InspectionProblemCodes.FromNotSigner, $"the From address {address} is not the signer's ({signers})"));
        }
    }

    // A display name that reads as an email address other than the mailbox's own: what most
    // readers show is the name ("Johnny, you are fired" display-name spoofing). Compatibility
    // forms (fullwidth '＠') are folded first, as a reader's eye folds them.
    private static string? DisplayNameAddress(ParsedMailbox mailbox)
    {
        if (mailbox.DisplayName is not { } name)
        {
            return null;
        }

        foreach (Match match in AddressLike().Matches(name.Normalize(NormalizationForm.FormKC)))
        {
            if (!string.Equals(match.Value.TrimEnd('.'), mailbox.Address, StringComparison.OrdinalIgnoreCase))
            {
                return match.Value.TrimEnd('.');
            }
        }

        return null;
    }

    [GeneratedRegex(@"[\p{L}\p{N}._%+\-!#$&'*/=?^`{|}~]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex AddressLike();
}
