using System.Security.Cryptography;
using System.Text;
using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>One entity of a parsed tree, in the shape Python's email package can also produce.</summary>
public sealed record PartSummary(
    string Type,
    string? FileName,
    string? Disposition,
    string? Charset,
    string? ContentId,
    string? Subject,
    string? From,
    int Children,
    string? Sha256,
    string? Text);

/// <summary>Test data, tree summaries and chunked streams shared by the MIME parser tests.</summary>
public static class MimeParserTestKit
{
    /// <summary>Messages written for these tests plus the third-party vectors that parse to trees.</summary>
    public static TheoryData<string, string> TreeMessages => new()
    {
        { "mime", "mixed-alternative-related.eml" },
        { "mime", "forwarded-rfc822.eml" },
        { "mime", "encoded-headers.eml" },
        { "mimekit", "empty-multipart.txt" },
        { "mimekit", "epilogue.txt" },
        { "mimekit", "multipart-no-end-boundary.msg" },
        { "thunderbird-nss", "alice.dsig.SHA256.multipart.eml" },
        { "thunderbird-nss", "alice.plain.dsig.SHA256.multipart.dave.dsig.SHA256.multipart.eml" },
    };

    public static byte[] Load(string folder, string name) => File.ReadAllBytes(TestPaths.Data(folder, name));

    /// <summary>The entities in pre-order (the order of Python's Message.walk()).</summary>
    public static IEnumerable<MimeEntity> Walk(MimeEntity root)
    {
        var stack = new Stack<MimeEntity>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            MimeEntity entity = stack.Pop();
            yield return entity;
            for (int i = entity.Children.Count - 1; i >= 0; i--)
            {
                stack.Push(entity.Children[i]);
            }
        }
    }

    public static List<PartSummary> SummarizeTree(MimeEntity root) => Walk(root).Select(Summarize).ToList();

    public static PartSummary Summarize(MimeEntity entity)
    {
        bool leaf = !entity.IsMultipart && !entity.MediaType.StartsWith("message/", StringComparison.Ordinal);
        return new PartSummary(
            entity.MediaType,
            entity.FileName,
            entity.Disposition,
            entity.GetContentTypeParameter("charset")?.ToLowerInvariant(),
            entity.ContentId,
            entity.GetHeader("Subject"),
            entity.GetHeader("From"),
            entity.Children.Count,
            leaf ? Sha256(entity.DecodeContent()) : null,
            leaf && entity.MediaType.StartsWith("text/", StringComparison.Ordinal) ? entity.DecodeText() : null);
    }

    /// <summary>Everything the parser produced, raw bytes included, as one comparable string.</summary>
    public static string Fingerprint(MimeEntity root)
    {
        var text = new StringBuilder();
        foreach (MimeEntity entity in Walk(root))
        {
            text.Append(Summarize(entity)).Append('\n');
            text.Append(Sha256(entity.RawEntity.ToArray())).Append(' ').Append(Sha256(entity.RawBody.ToArray())).Append('\n');
            foreach (MimeHeaderField field in entity.Headers)
            {
                text.Append(field.Name).Append(':').Append(field.RawValue).Append('\n');
            }
        }

        return text.ToString();
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The same message with every CRLF turned into a bare LF.</summary>
    public static byte[] ToLf(byte[] data)
    {
        var output = new List<byte>(data.Length);
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'\r' && i + 1 < data.Length && data[i + 1] == (byte)'\n')
            {
                continue;
            }

            output.Add(data[i]);
        }

        return output.ToArray();
    }

    /// <summary>Python's email package (policy default) describing the same message as <see cref="SummarizeTree"/>.</summary>
    public const string PythonTreeScript = """
        import sys, json, hashlib, email
        from email import policy
        data = open(sys.argv[1], 'rb').read()
        msg = email.message_from_bytes(data, policy=policy.default)
        out = []
        for part in msg.walk():
            leaf = part.get_content_maintype() not in ('multipart', 'message')
            out.append({
                "Type": part.get_content_type(),
                "FileName": part.get_filename(),
                "Disposition": part.get_content_disposition(),
                "Charset": part.get_content_charset(),
                "ContentId": str(part['content-id']).strip().strip('<>') if part['content-id'] is not None else None,
                "Subject": str(part['subject']) if part['subject'] is not None else None,
                "From": str(part['from']) if part['from'] is not None else None,
                "Children": len(part.get_payload()) if part.is_multipart() else 0,
                "Sha256": hashlib.sha256(part.get_payload(decode=True)).hexdigest() if leaf else None,
                "Text": part.get_content() if leaf and part.get_content_maintype() == 'text' else None,
            })
        print(json.dumps(out))
        """;
}

/// <summary>
/// A read-only, non-seekable stream that hands out at most <c>chunk</c> bytes per read, to
/// exercise every buffer boundary of a reader.
/// </summary>
public sealed class ChunkedReadStream(byte[] data, int chunk) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(chunk, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>
/// A stream that implements only the synchronous array read and returns one byte per call, so
/// <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/> goes through the base class's
/// default path.
/// </summary>
public sealed class OneBytePerReadStream(byte[] data) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (count == 0 || _position == data.Length)
        {
            return 0;
        }

        buffer[offset] = data[_position++];
        return 1;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
