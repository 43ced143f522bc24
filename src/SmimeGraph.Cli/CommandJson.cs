using System.Text;
using System.Text.Json;
using SmimeGraph.Graph;
using SmimeGraph.Smime;

namespace SmimeGraph.Cli;

/// <summary>
/// The one JSON object <c>--json</c> prints for compose and send: the message's id, its
/// protection, every size against Graph's ceiling, what was done (or the error and exit code).
/// </summary>
internal static class CommandJson
{
    /// <summary>The outcome of compose or send, as one JSON object followed by a newline.</summary>
    public static string Result(string command, ComposeReport report, Action<Utf8JsonWriter>? extra = null) => Write(json =>
    {
        json.WriteString("command", command);
        json.WriteString("status", "ok");
        json.WriteNumber("exitCode", CommandLine.Success);
        json.WriteString("messageId", report.MessageId);
        WriteProtection(json, report.Options);
        json.WriteNumber("mimeLength", report.MimeLength);
        json.WriteNumber("graphBodyLength", report.GraphBodyLength);
        json.WriteNumber("ceiling", report.Prediction.Ceiling);
        json.WriteNumber("headroom", report.Prediction.Ceiling - report.GraphBodyLength);
        json.WriteBoolean("fits", report.GraphBodyLength <= report.Prediction.Ceiling);
        WriteNullableNumber(json, "maxAttachmentBytes", report.Prediction.MaxAttachmentBytes);
        extra?.Invoke(json);
    });

    /// <summary>A failure, as one JSON object: the message, the exit code and, for a payload over the ceiling, its figures.</summary>
    public static string Error(string command, Exception error, int exitCode) => Write(json =>
    {
        json.WriteString("command", command);
        json.WriteString("status", error is PayloadTooLargeException ? "rejected" : "error");
        json.WriteNumber("exitCode", exitCode);
        json.WriteString("error", error.Message);
        if (error is PayloadTooLargeException tooLarge)
        {
            json.WriteNumber("graphBodyLength", tooLarge.Size);
            json.WriteBoolean("sizeIsLowerBound", tooLarge.SizeIsLowerBound);
            json.WriteNumber("ceiling", tooLarge.Ceiling);
            json.WriteNumber("excessBytes", tooLarge.ExcessBytes);
            WriteNullableNumber(json, "attachmentBytesToRemove", tooLarge.AttachmentBytesToRemove);
            json.WriteString("attachmentFileName", tooLarge.AttachmentFileName);
        }

        if (error is GraphRequestException graph)
        {
            json.WriteNumber("httpStatus", (int)graph.StatusCode);
            json.WriteString("graphErrorCode", graph.ErrorCode);
        }
    });

    private static void WriteProtection(Utf8JsonWriter json, SmimeOptions options)
    {
        json.WriteBoolean("signed", options.Signer is not null);
        json.WriteBoolean("opaque", options.Signer is not null && options.OpaqueSignature);
        json.WriteBoolean("encrypted", options.Encryption is not null);
        if (options.Signer is { } signer)
        {
            json.WriteString("signer", signer.Certificate.Subject);
            json.WriteString("encryptionCertificate", signer.EncryptionCertificate?.Subject);
        }

        if (options.Encryption is { } encryption)
        {
            json.WriteStartArray("recipients");
            foreach (var recipient in encryption.Recipients)
            {
                json.WriteStringValue(recipient.Subject);
            }

            json.WriteEndArray();
            json.WriteBoolean("senderCopy", encryption.SenderCertificate is not null);
            json.WriteString("senderCertificate", encryption.SenderCertificate?.Subject);
        }
    }

    private static void WriteNullableNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is long number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) + "\n";
    }
}
