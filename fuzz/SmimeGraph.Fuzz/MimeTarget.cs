using System.Runtime.InteropServices;
using SmimeGraph.Mime;

namespace SmimeGraph.Fuzz;

/// <summary>
/// The MIME reader: <see cref="MimeParser.Parse"/> and <see cref="MimeParser.ParseAsync"/> on the
/// same bytes, then every accessor of every entity, and the address parser on every address
/// field (<see cref="MailboxAddress.ParseList"/>, <see cref="MailboxAddress.TryParse"/>). Checks the parser's promises: a
/// <see cref="MimeFormatException"/> carries an offset inside the input; raw ranges are slices
/// of the input; both entry points see the same tree; only a base64 body can fail to decode.
/// </summary>
internal static class MimeTarget
{
    private static readonly HashSet<string> AddressFields = new(["From", "Sender", "Reply-To", "To", "Cc", "Bcc"], StringComparer.OrdinalIgnoreCase);

    public static void Run(byte[] input)
    {
        MimeEntity root;
        try
        {
            root = MimeParser.Parse(input);
        }
        catch (MimeFormatException error)
        {
            Harness.Check(error.Offset is { } offset && offset >= 0 && offset <= input.Length, $"MimeFormatException offset {error.Offset} outside 0..{input.Length}");
            ParsesTheSameFromAStream(input, null);
            throw;
        }

        List<MimeEntity> entities = Walk(root);
        ParsesTheSameFromAStream(input, entities);
        foreach (MimeEntity entity in entities)
        {
            Touch(entity, input);
        }
    }

    /// <summary>The entities in pre-order.</summary>
    public static List<MimeEntity> Walk(MimeEntity root)
    {
        var entities = new List<MimeEntity>();
        var stack = new Stack<MimeEntity>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            MimeEntity entity = stack.Pop();
            entities.Add(entity);
            for (int i = entity.Children.Count - 1; i >= 0; i--)
            {
                stack.Push(entity.Children[i]);
            }
        }

        return entities;
    }

    private static void ParsesTheSameFromAStream(byte[] input, List<MimeEntity>? expected)
    {
        MimeEntity streamed;
        try
        {
            using var stream = new MemoryStream(input, writable: false);
            streamed = MimeParser.ParseAsync(stream).GetAwaiter().GetResult();
        }
        catch (MimeFormatException)
        {
            Harness.Check(expected is null, "ParseAsync refused a message Parse read");
            return;
        }

        Harness.Check(expected is not null, "ParseAsync read a message Parse refused");
        List<MimeEntity> actual = Walk(streamed);
        Harness.Check(
            actual.Select(e => e.MediaType).SequenceEqual(expected!.Select(e => e.MediaType)),
            "ParseAsync and Parse disagree on the tree");
    }

    private static void Touch(MimeEntity entity, byte[] input)
    {
        foreach (MimeHeaderField field in entity.Headers)
        {
            Harness.Check(field.Value is not null && field.Name.Length > 0, "a header field without a name or value");
            if (AddressFields.Contains(field.Name))
            {
                // RFC 5322 §3.4 address-lists as received: ParseList skips what is not a mailbox
                // and documents no exception; TryParse says false instead of throwing.
                foreach (MailboxAddress mailbox in MailboxAddress.ParseList(field.RawValue))
                {
                    Harness.Check(mailbox.Address.Length > 0, $"an empty address parsed from {field.Name}");
                    _ = mailbox.ToString();
                }

                _ = MailboxAddress.TryParse(field.Value, out _);
            }
        }

        Harness.Check(entity.MediaType.Contains('/', StringComparison.Ordinal), $"media type '{entity.MediaType}' is not type/subtype");
        IsSliceOfInput(entity.RawEntity, input, "RawEntity");
        IsSliceOfInput(entity.RawBody, input, "RawBody");
        Harness.Check(entity.RawBody.Length <= entity.RawEntity.Length, "the body is longer than the entity");
        _ = (entity.FileName, entity.ContentId, entity.Disposition, entity.ContentTransferEncoding, entity.IsMultipart, entity.ToString());
        _ = entity.GetContentTypeParameter("charset");
        _ = entity.GetHeader("Subject");
        _ = entity.GetHeader("From");
        try
        {
            _ = entity.DecodeText();
        }
        catch (MimeFormatException error)
        {
            Harness.Check(entity.ContentTransferEncoding == "base64", $"a {entity.ContentTransferEncoding} body failed to decode: {error.Message}");
            Harness.Check(error.Offset is { } offset && offset >= 0 && offset <= input.Length, $"decoding offset {error.Offset} outside 0..{input.Length}");
        }
    }

    private static void IsSliceOfInput(ReadOnlyMemory<byte> range, byte[] input, string what)
    {
        if (range.IsEmpty)
        {
            return;
        }

        Harness.Check(
            MemoryMarshal.TryGetArray(range, out ArraySegment<byte> segment) && ReferenceEquals(segment.Array, input)
                && segment.Offset >= 0 && segment.Offset + segment.Count <= input.Length,
            $"{what} is not a slice of the input");
    }
}
