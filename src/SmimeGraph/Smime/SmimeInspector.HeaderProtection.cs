using System.Text.RegularExpressions;
using SmimeGraph.Mime;

namespace SmimeGraph.Smime;

public static partial class SmimeInspector
{
    /// <summary>
    /// The header fields whose change in transit makes a header-protected message not valid:
    /// who wrote it, who it went to, where replies go (RFC 9788 §6.2), and what it is about.
    /// </summary>
    private static readonly HashSet<string> DecisiveFields = new(StringComparer.OrdinalIgnoreCase) { "From", "To", "Cc", "Reply-To", "Subject" };

    private static readonly HashSet<string> AddressFields = new(StringComparer.OrdinalIgnoreCase) { "From", "To", "Cc", "Bcc", "Reply-To", "Sender" };

    /// <summary>
    /// RFC 9788 §4.1: a message has header protection when its Cryptographic Payload (the
    /// innermost content) carries an <c>hp</c> parameter; §4.2.1: its non-structural header
    /// fields are the protected ones. Null when the payload has no <c>hp</c> parameter.
    /// </summary>
    private static HeaderProtectionFinding? ReadHeaderProtection(MimeEntity root, MimeEntity payload, bool encrypted, List<InspectionProblem> problems)
    {
        if (ReferenceEquals(root, payload) || payload.GetContentTypeParameter("hp") is not { } mode)
        {
            return null;
        }

        mode = mode.Trim().ToLowerInvariant();
        List<MimeHeaderField> protectedFields = [.. payload.Headers.Where(h => !IsStructural(h.Name) && !IsOuterRecord(h.Name))];
        // §2.2: HP-Outer records count only inside encryption, where the sender's header
        // confidentiality policy may have removed or obscured outer fields.
        List<MimeHeaderField> records = mode == "cipher" && encrypted
            ? [.. payload.Headers.Where(h => IsOuterRecord(h.Name)).Select(ParseOuterRecord).OfType<MimeHeaderField>()]
            : [];

        var differences = new List<HeaderFieldDifference>();
        IEnumerable<string> names = protectedFields.Select(f => f.Name)
            .Concat(root.Headers.Select(h => h.Name).Where(DecisiveFields.Contains))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (string name in names)
        {
            List<MimeHeaderField> inner = [.. protectedFields.Where(f => Named(f, name))];
            List<MimeHeaderField> outer = [.. root.Headers.Where(f => Named(f, name))];
            if (SameValues(name, outer, inner))
            {
                continue;
            }

            string? outerValue = outer.Count == 0 ? null : string.Join(", ", outer.Select(f => f.Value));
            string? innerValue = inner.Count == 0 ? null : string.Join(", ", inner.Select(f => f.Value));
            List<MimeHeaderField> recorded = [.. records.Where(r => Named(r, name))];
            string explanation;
            bool decisive = DecisiveFields.Contains(name);
            if (recorded.Count > 0 && SameValues(name, outer, recorded))
            {
                explanation = "obscured by the sender (an HP-Outer record vouches for the outer value)";
                decisive = false;
            }
            else if (mode == "cipher" && encrypted && outer.Count == 0 && recorded.Count == 0 && inner.Count > 0)
            {
                explanation = "removed from the outer header by the sender's header confidentiality policy";
                decisive = false;
            }
            else
            {
                explanation = outer.Count == 0 ? "missing from the outer header"
                    : inner.Count == 0 ? "present only in the unprotected outer header"
                    : "changed outside the signature";
            }

            differences.Add(new HeaderFieldDifference(outer.Count > 0 ? outer[0].Name : inner[0].Name, outerValue, innerValue, decisive, explanation));
            if (decisive)
            {
                problems.Add(new(
                    InspectionProblemCodes.ProtectedHeaderMismatch,
                    $"the outer {name} {Quote(outerValue)} differs from the protected {name} {Quote(innerValue)} ({explanation})"));
            }
        }

        return new HeaderProtectionFinding(mode, protectedFields, records, differences);
    }

    private static string Quote(string? value) => value is null ? "(none)" : "\"" + value + "\"";

    private static bool Named(MimeHeaderField field, string name) => string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase);

    // RFC 9788 §1.7: structural header fields are MIME-Version and Content-*; they describe the
    // MIME entity, not the message.
    private static bool IsStructural(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "MIME-Version", StringComparison.OrdinalIgnoreCase);

    private static bool IsOuterRecord(string name) => string.Equals(name, "HP-Outer", StringComparison.OrdinalIgnoreCase);

    // §2.2.1: HP-Outer: <field-name> ":" <field-value>
    private static MimeHeaderField? ParseOuterRecord(MimeHeaderField record)
    {
        string value = MimeHeaderField.Unfold(record.RawValue);
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : new MimeHeaderField(value[..colon].Trim(), value[(colon + 1)..]);
    }

    // Address fields compare as mailbox lists (display name and case-insensitive addr-spec),
    // everything else as decoded text with whitespace runs made one space.
    private static bool SameValues(string name, List<MimeHeaderField> a, List<MimeHeaderField> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        if (AddressFields.Contains(name))
        {
            var left = a.SelectMany(f => AddressParser.ParseAddressList(f.RawValue).Mailboxes).ToList();
            var right = b.SelectMany(f => AddressParser.ParseAddressList(f.RawValue).Mailboxes).ToList();
            return left.Count == right.Count && left.Zip(right).All(p =>
                string.Equals(p.First.Address, p.Second.Address, StringComparison.OrdinalIgnoreCase)
                && string.Equals(p.First.DisplayName, p.Second.DisplayName, StringComparison.Ordinal));
        }

        return a.Zip(b).All(p => string.Equals(Normalized(p.First.Value), Normalized(p.Second.Value), StringComparison.Ordinal));
    }

    private static string Normalized(string value) => Whitespace().Replace(value, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
