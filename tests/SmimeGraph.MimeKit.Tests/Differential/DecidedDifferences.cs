namespace SmimeGraph.MimeKit.Tests.Differential;

/// <summary>Each known difference between the two readers, with its decision (docs/mimekit-differential.md).</summary>
public static class DecidedDifferences
{
    public static IReadOnlyList<(string Difference, string Decision)> All { get; } =
    [
        (
            "bc-java/mail-smime/basicAS2.message 1 parse: ours=[parsed] mimekit=[error FormatException]",
            "Documented choice. The file is an HTTP request (AS2): its first line, 'POST / HTTP/1.1', has no colon, so it is not a header field (RFC 5322 §2.2). "
            + "MimeKit refuses the message; SmimeGraph reads an entity without header fields whose body is the whole file (RFC 2045 §5.2: text/plain). "
            + "Both show nothing as signed or encrypted, so the verdict cannot be fooled either way."
        ),
        (
            "bc-java/mail-smime/rawAS2.message 1 parse: ours=[parsed] mimekit=[error FormatException]",
            "Documented choice, as for basicAS2.message: another AS2 HTTP request that starts with a request line, not a header field."
        ),
        (
            "bc-java/mail-smime/multi-alternative.eml 1.1.1.1 body: ours=[1156 bytes, differs at 437:      not\\n --------------] mimekit=[1165 bytes:      not    \\n ----------]",
            "MimeKit's deviation; SmimeGraph follows the RFC. Quoted-printable lines here end in spaces; RFC 2045 §6.7 rule (3) says a decoder must delete trailing "
            + "white space on a line (it was added in transport). SmimeGraph deletes it, MimeKit keeps it. A signature covers the encoded bytes, so verification is unaffected."
        ),
        (
            "mimekit/dkim/multipart-no-end-boundary.msg 1.2 body: ours=[69 bytes, differs at 69: </div>\\n\\n] mimekit=[70 bytes: </div>\\n\\n\\n]",
            "Documented choice. The multipart has no close-delimiter (RFC 2046 §5.1.1 requires one). SmimeGraph tolerates that and, at the end of the input, drops the last "
            + "line break of the last part as if it introduced the missing delimiter, as Python's email package does; MimeKit keeps it. One line break of a malformed message."
        ),
        (
            "mimekit/messages/stack-overflow.txt 1 parse: ours=[error MimeFormatException] mimekit=[parsed]",
            "Documented choice (a limit). The To field is folded over 135 KB of encoded-words; SmimeGraph refuses a header field longer than "
            + "MimeParserOptions.MaxHeaderFieldLength (64 KiB by default) with MimeFormatException, so hostile input cannot make it hold or decode unbounded fields. MimeKit parses it."
        ),
    ];
}
