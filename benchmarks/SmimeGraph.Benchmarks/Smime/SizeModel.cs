namespace SmimeGraph.Benchmarks.Smime;

/// <summary>
/// The request-body length of the fixture's message as a function of the attachment length,
/// layer by layer, with the overheads of the hand-built MIME and of the BCL's CMS encoders
/// measured once with the certs-test PKI (signer-rsa2048, recipient-rsa2048; generated certificates
/// make a SignedData about 280 bytes shorter).
/// Used to derive <see cref="MessageFixture.Largest"/>; the library's own prediction is
/// <c>SmimeComposer.PredictSize</c>.
/// </summary>
internal static class SizeModel
{
    /// <summary>multipart/mixed header, boundaries, the text part and the attachment part's headers.</summary>
    public const int BodyEntityOverhead = 617;

    /// <summary>multipart/signed header, boundaries, the p7s part's headers and the base64 of the ~1.6 KB SignedData (signer certificate included).</summary>
    public const int SignedOverhead = 2_666;

    /// <summary>ContentInfo, EnvelopedData, two KeyTransRecipientInfos (recipient and sender, 256-byte wrapped keys), AES IV, DER lengths.</summary>
    public const int EnvelopeOverhead = 824;

    /// <summary>Routing headers and the application/pkcs7-mime part's headers.</summary>
    public const int EnvelopedMimeOverhead = 371;

    /// <summary>Routing headers and nothing else (the multipart/signed header is in <see cref="SignedOverhead"/>).</summary>
    public const int RoutingHeadersLength = 196;

    /// <summary>RFC 2045 §6.8 base64 in lines of 76 characters, each line (the last too) ended by CRLF.</summary>
    public static long Base64LinesLength(long length)
    {
        long chars = (length + 2) / 3 * 4;
        return chars + 2 * ((chars + 75) / 76);
    }

    /// <summary>RFC 5652 §6.3: CBC with PKCS#7 padding always adds 1..16 bytes.</summary>
    public static long CbcLength(long length) => (length / 16 + 1) * 16;

    /// <summary>The predicted MIME message length.</summary>
    public static long MimeLength(long attachmentLength, SmimeOperation operation)
    {
        long entity = BodyEntityOverhead + Base64LinesLength(attachmentLength);
        return operation switch
        {
            SmimeOperation.Sign => RoutingHeadersLength + entity + SignedOverhead,
            SmimeOperation.Encrypt => EnvelopedMimeOverhead + Base64LinesLength(CbcLength(entity) + EnvelopeOverhead),
            SmimeOperation.SignAndEncrypt => EnvelopedMimeOverhead + Base64LinesLength(CbcLength(entity + SignedOverhead) + EnvelopeOverhead),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
    }

    /// <summary>The predicted Graph request body: RFC 4648 §4 base64 of the whole message, no line breaks.</summary>
    public static long RequestBodyLength(long attachmentLength, SmimeOperation operation) =>
        MessageFixture.Base64Length(MimeLength(attachmentLength, operation));

    /// <summary>The largest attachment whose predicted request body is at most <paramref name="ceiling"/>.</summary>
    public static long LargestAttachment(long ceiling, SmimeOperation operation)
    {
        long low = 0, high = ceiling;
        while (low < high)
        {
            long mid = low + (high - low + 1) / 2;
            if (RequestBodyLength(mid, operation) <= ceiling)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }
}
