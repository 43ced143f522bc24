namespace SmimeGraph.Mime;

/// <summary>
/// Checks an attached message (<c>message/rfc822</c>) as it is copied: RFC 2046 §5.2.1 allows it
/// no transfer encoding beyond 7bit here (the parent must stay 7-bit to be signed), so every
/// byte is 7-bit and not NUL, every line ends with CRLF, and no line exceeds 998 characters
/// (RFC 5322 §2.1.1). State is carried between chunks.
/// </summary>
internal sealed class MessageContentValidator(string fileName)
{
    private const int MaxLineLength = 998;

    private long _offset;
    private int _lineLength;
    private bool _afterCarriageReturn;

    public void Check(ReadOnlySpan<byte> chunk)
    {
        for (int i = 0; i < chunk.Length; i++, _offset++)
        {
            byte b = chunk[i];
            if (_afterCarriageReturn)
            {
                if (b != (byte)'\n')
                {
                    throw Fail("a CR not followed by LF");
                }

                _afterCarriageReturn = false;
                _lineLength = 0;
                continue;
            }

            switch (b)
            {
                case (byte)'\r':
                    _afterCarriageReturn = true;
                    break;
                case (byte)'\n':
                    throw Fail("an LF not preceded by CR");
                case 0:
                    throw Fail("a NUL byte");
                case >= 0x80:
                    throw Fail("an 8-bit byte");
                default:
                    if (++_lineLength > MaxLineLength)
                    {
                        throw Fail($"a line longer than {MaxLineLength} characters");
                    }

                    break;
            }
        }
    }

    public void Complete()
    {
        if (_afterCarriageReturn)
        {
            throw Fail("a CR not followed by LF");
        }
    }

    private MimeFormatException Fail(string what) =>
        new($"The attached message '{fileName}' has {what} at byte {_offset}; an attached message must be 7-bit with CRLF line endings.") { Offset = _offset };
}
