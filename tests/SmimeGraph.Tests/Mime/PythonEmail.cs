using System.Text.Json;
using SmimeGraph.Tests.Interop;

namespace SmimeGraph.Tests.Mime;

/// <summary>Parses a message with Python's email package (policy default) and describes it as JSON.</summary>
internal static class PythonEmail
{
    private const string Script = """
        import sys, json, hashlib, email
        from email import policy
        from email.header import decode_header, make_header

        def addresses(msg, name):
            h = msg[name]
            if h is None:
                return None
            return [[a.display_name, a.addr_spec] for a in h.addresses]

        def describe(part, defects):
            defects.extend(type(d).__name__ + ': ' + str(d) for d in part.defects)
            for k, v in part.items():
                defects.extend(type(d).__name__ + ': ' + str(d) + ' in ' + k for d in getattr(v, 'defects', ()))
            info = {
                'content_type': part.get_content_type(),
                'filename': part.get_filename(),
                'content_id': part['Content-ID'],
                'disposition': part.get_content_disposition(),
                'cte': part.get('Content-Transfer-Encoding'),
                'name_param': part['Content-Type'].params.get('name') if part['Content-Type'] is not None else None,
            }
            if part.get_content_type() == 'message/rfc822':
                inner = part.get_content()
                info['inner_subject'] = inner['Subject']
                info['inner_text'] = inner.get_content() if not inner.is_multipart() else None
            elif part.is_multipart():
                info['parts'] = [describe(p, defects) for p in part.iter_parts()]
            elif part.get_content_maintype() == 'text':
                info['text'] = part.get_content()
            else:
                data = part.get_content()
                info['length'] = len(data)
                info['sha256'] = hashlib.sha256(data).hexdigest()
            return info

        data = open(sys.argv[1], 'rb').read()
        msg = email.message_from_bytes(data, policy=policy.default)
        defects = []
        out = {
            'header_names': [k for k in msg.keys()],
            'headers': {k: str(v) for k, v in msg.items()},
            'from': addresses(msg, 'From'), 'sender': addresses(msg, 'Sender'),
            'to': addresses(msg, 'To'), 'cc': addresses(msg, 'Cc'), 'bcc': addresses(msg, 'Bcc'),
            'reply_to': addresses(msg, 'Reply-To'),
            'body': describe(msg, defects),
        }
        out['defects'] = defects
        # RFC 2047 §6.2 decoding of the raw fields by the legacy API (whitespace between adjacent
        # encoded-words dropped), which the policy-default phrase parser does not do.
        raw = email.message_from_bytes(data, policy=policy.compat32)
        out['rfc2047'] = {k: str(make_header(decode_header(v))) for k, v in raw.items()}
        out['raw_headers'] = {k: v for k, v in raw.items()}
        print(json.dumps(out))
        """;

    public static JsonElement Parse(byte[] message)
    {
        string dir = TestPaths.NewTempDirectory();
        try
        {
            string path = Path.Combine(dir, "message.eml");
            File.WriteAllBytes(path, message);
            return ParseFile(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public static JsonElement ParseFile(string path)
    {
        PeerResult result = Peer.Python(Script, path).EnsureSuccess("python3 email parser");
        using JsonDocument document = JsonDocument.Parse(result.StandardOutput);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The defects Python reports, less those that the Outlook form of the Content-Type
    /// <c>name</c> parameter (RFC 2047 encoded-words inside a quoted-string) always raises.
    /// </summary>
    public static string[] Defects(JsonElement parsed) =>
        [.. parsed.GetProperty("defects").EnumerateArray().Select(d => d.GetString()!)
            .Where(d => d is not ("InvalidHeaderDefect: encoded word inside quoted string in Content-Type"
                or "InvalidHeaderDefect: missing trailing whitespace after encoded-word in Content-Type"))];

    /// <summary>Line endings compared as LF: Python hands text back with the message's CRLF or with LF.</summary>
    public static string Lf(string? text) => (text ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}
