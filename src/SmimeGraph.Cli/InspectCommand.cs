using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using SmimeGraph.Smime;

namespace SmimeGraph.Cli;

/// <summary>
/// <c>smimegraph inspect FILE.eml [--key PFX[:password]]... [--trust CA.pem]... [--at TIME] [--json]</c>:
/// decrypts and verifies every layer. Exit 0 only when a valid, trusted signature made by the From
/// address covers the whole displayed content inside every encryption layer (encryption alone is
/// never valid); 1 otherwise, with every problem listed by its code; 2 when the input or an option
/// cannot be read.
/// </summary>
internal static class InspectCommand
{
    // A bundle of a few hundred PEM certificates fits many times over.
    private const int MaxTrustFileLength = 16 * 1024 * 1024;

    public static CliCommand Create()
    {
        var fileArgument = new Argument<string>("FILE.eml") { Description = "The message to inspect (MIME, as Graph's $value returns it)." };
        var keyOption = CliOptions.Values("--key", "PFX", "A PKCS#12 file with a decryption key (repeatable). Give its password with --password-env or --password-file, or type it when asked; PFX:password still works but shows the password to every user of 'ps'.");
        var passwords = new PasswordOptions();
        var trustOption = CliOptions.Values("--trust", "CA.pem", "A trust anchor certificate (PEM or DER; repeatable).");
        var atOption = CliOptions.Value("--at", "TIME", "Validate certificates at this time (ISO 8601) instead of now.");
        var jsonOption = CliOptions.Flag("--json", "Print one JSON object instead of the text report.");
        var contentOption = CliOptions.Value("--content-out", "FILE", "Read the message as a stream (memory bounded whatever its size) and write its innermost content (the entity the verdict is about, decrypted) to FILE; FILE is written only when the message is valid.");
        var command = new CliCommand(
            "inspect",
            "Decrypt and verify every S/MIME layer of a message. Exit 0 only when a valid, trusted signature made by the From address covers the whole message.",
            [
                "# verify a signed message against a CA",
                "smimegraph inspect message.eml --trust root-ca.pem",
                "# decrypt with bob's key, verify at a fixed time, print JSON",
                "smimegraph inspect message.eml --key bob.pfx --trust root-ca.pem --at 2026-06-01T00:00:00Z --json",
                "# read a large message as a stream and keep its verified, decrypted content",
                "smimegraph inspect message.eml --key bob.pfx --trust root-ca.pem --content-out content.eml",
            ]);
        command.Add(fileArgument);
        command.Add(keyOption);
        passwords.AddTo(command);
        command.Add(trustOption);
        command.Add(atOption);
        command.Add(jsonOption);
        command.Add(contentOption);
        command.SetRun((result, console, cancellationToken) =>
        {
            string file = result.GetRequiredValue(fileArgument);
            string[] keys = result.GetValue(keyOption) ?? [];
            string[] trusts = result.GetValue(trustOption) ?? [];
            string? contentOut = result.GetValue(contentOption);
            if (contentOut is not null)
            {
                InputFiles.RefuseOverwriting(
                    [("FILE.eml", file), .. keys.Select(k => ("--key", CertificateFiles.SplitPkcs12("--key", k, passwordGivenElsewhere: false).Path)), .. trusts.Select(t => ("--trust", t))],
                    [("--content-out", contentOut)]);
            }

            return RunAsync(file, LoadKeys(keys, passwords.Read(result), console), trusts, result.GetValue(atOption), result.GetValue(jsonOption), contentOut, console, cancellationToken);
        });
        return command;
    }

    // Every --key file, opened with its own PFX:password, the --password-env/--password-file
    // password, or one typed at the terminal.
    private static X509Certificate2Collection LoadKeys(string[] keys, string? password, CommandConsole console)
    {
        var collection = new X509Certificate2Collection();
        foreach (string key in keys)
        {
            (string path, string? inline) = CertificateFiles.SplitPkcs12("--key", key, passwordGivenElsewhere: password is not null);
            collection.AddRange(CertificateFiles.LoadPkcs12("--key", path, inline ?? password, console.ReadPassword, X509KeyStorageFlags.Exportable));
        }

        return collection;
    }

    private static async Task<int> RunAsync(string file, X509Certificate2Collection keys, string[] trusts, string? at, bool json, string? contentOut, CommandConsole console, CancellationToken cancellationToken)
    {
        var options = new SmimeInspectorOptions { ValidationTime = ParseTime(at) };
        foreach (X509Certificate2 certificate in keys)
        {
            (certificate.HasPrivateKey ? options.DecryptionCertificates : options.ExtraCertificates).Add(certificate);
        }

        foreach (string trust in trusts)
        {
            foreach (X509Certificate2 anchor in LoadCertificates(trust))
            {
                options.TrustAnchors.Add(anchor);
            }
        }

        InspectionResult result;
        InputFiles.EnsureFile("FILE.eml", file);
        if (contentOut is null)
        {
            await using FileStream stream = File.OpenRead(file);
            result = await SmimeInspector.InspectAsync(stream, options, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The content goes to a temporary file beside FILE and replaces it only when the
            // message is valid: unverified bytes never take the place of anything.
            OutputFile output = OutputFile.Open("--content-out", contentOut);
            await using (output.ConfigureAwait(false))
            {
                await using (FileStream stream = File.OpenRead(file))
                {
                    result = await SmimeInspector.InspectStreamingAsync(stream, output.Stream, options, cancellationToken).ConfigureAwait(false);
                }

                if (result.IsValid)
                {
                    await output.CommitAsync().ConfigureAwait(false);
                }
            }
        }

        string report = json ? Json(file, result) : Text(file, result);
        await console.Out.WriteAsync(report).ConfigureAwait(false);
        if (contentOut is not null && !json)
        {
            await console.Out.WriteLineAsync(result.IsValid ? $"content written to {contentOut}" : $"content not written to {contentOut}: the message is not valid").ConfigureAwait(false);
        }

        return result.IsValid ? CommandLine.Success : CommandLine.Invalid;
    }

    private static DateTimeOffset? ParseTime(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time))
        {
            return time;
        }

        throw new UsageException($"--at '{value}' is not a time (use ISO 8601, e.g. 2026-06-01T00:00:00Z).");
    }

    private static X509Certificate2Collection LoadCertificates(string path)
    {
        var collection = new X509Certificate2Collection();
        string text;
        try
        {
            text = BoundedFile.ReadAllText("--trust", path, MaxTrustFileLength);
        }
        catch (IOException ex)
        {
            throw new UsageException($"--trust '{path}' cannot be read: {ex.Message}");
        }

        try
        {
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                collection.ImportFromPem(text);
            }
            else
            {
                collection.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"--trust '{path}' holds no readable certificate: {ex.Message}");
        }

        return collection;
    }

    private static string Text(string file, InspectionResult result)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{file}: {(result.IsValid ? "VALID" : "NOT VALID")} (validated at {result.ValidationTime.UtcDateTime:u})\n");
        text.Append(CultureInfo.InvariantCulture, $"  authenticity: {result.Authenticity.Summary}\n");
        text.Append(CultureInfo.InvariantCulture, $"  confidentiality: {result.Confidentiality.Summary}\n");
        if (result.Problems.Count > 0)
        {
            text.Append("  problems:\n");
            foreach (InspectionProblem problem in result.Problems)
            {
                text.Append(CultureInfo.InvariantCulture, $"    [{problem.Code}] {problem}\n");
            }
        }

        if (result.Layers.Count == 0)
        {
            text.Append("  no S/MIME layer: the message is neither signed nor encrypted\n");
        }

        foreach (InspectionLayer layer in result.Layers)
        {
            string indent = new(' ', 2 + 2 * layer.Depth);
            string where = layer.Path.Length == 0 ? (layer.Depth == 0 ? "the message" : "the unwrapped content") : "part " + layer.Path;
            switch (layer)
            {
                case EncryptionLayer e:
                    text.Append(CultureInfo.InvariantCulture, $"{indent}encrypted ({where}{(e.IsPartial ? ", partial" : string.Empty)}): {e.ContentEncryptionAlgorithm ?? "?"}{(e.IsAuthenticated ? " authenticated" : " unauthenticated")}, {(e.IsDecrypted ? "decrypted with " + e.KeyManagementAlgorithm + " for " + e.RecipientCertificate?.Subject : "NOT decrypted")}\n");
                    break;
                case SignatureLayer s:
                    text.Append(CultureInfo.InvariantCulture, $"{indent}signed {s.Form.ToString().ToLowerInvariant()} ({where}{(s.IsPartial ? ", PARTIAL: covers only part " + s.CoveredPath : string.Empty)}){(s.LineEndingsCanonicalized ? ", verified over CRLF line endings" : string.Empty)}\n");
                    foreach (SignatureVerdict v in s.Signatures)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{indent}  signer {v.SignerCertificate?.Subject ?? v.SignerIdentifier}: {(v.IsValidAndTrusted ? "valid and trusted" : v.IsSignatureValid ? "signature valid" : "INVALID: " + v.Failure)}; {v.SignatureAlgorithm}");
                        if (v.SigningTime is { } at)
                        {
                            text.Append(CultureInfo.InvariantCulture, $"; signed {at.UtcDateTime:u}");
                        }

                        text.Append('\n');
                        foreach (string w in v.Weaknesses)
                        {
                            text.Append(CultureInfo.InvariantCulture, $"{indent}    weak: {w}\n");
                        }

                        foreach (InspectionProblem p in v.Chain?.Problems ?? [])
                        {
                            text.Append(CultureInfo.InvariantCulture, $"{indent}    chain: {p.Message}\n");
                        }

                        if (v.SignerMatchesSender == false)
                        {
                            text.Append(CultureInfo.InvariantCulture, $"{indent}    signer address ({string.Join(", ", v.SignerAddresses)}) is not the sender ({string.Join(", ", result.SenderAddresses)})\n");
                        }
                    }

                    break;
            }

            foreach (InspectionProblem problem in layer.Problems)
            {
                text.Append(CultureInfo.InvariantCulture, $"{indent}  problem: {problem.Message}\n");
            }

            foreach (string note in layer.Notes)
            {
                text.Append(CultureInfo.InvariantCulture, $"{indent}  note: {note}\n");
            }
        }

        if (result.HeaderProtection is { } protection)
        {
            text.Append(CultureInfo.InvariantCulture, $"  header protection (hp={protection.Mode}): From {protection.GetProtectedHeader("From") ?? "(none)"}, Subject {protection.GetProtectedHeader("Subject") ?? "(none)"}\n");
            foreach (HeaderFieldDifference difference in protection.Differences)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {(difference.MakesMessageInvalid ? "CHANGED" : "differs")}: outer {difference.Name} {difference.OuterValue ?? "(none)"}; protected {difference.ProtectedValue ?? "(none)"} ({difference.Explanation})\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"  content: {result.Content.MediaType}\n");
        return text.ToString();
    }

    private static string Json(string file, InspectionResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("file", file);
            json.WriteBoolean("valid", result.IsValid);
            json.WriteBoolean("encrypted", result.IsEncrypted);
            json.WriteBoolean("signed", result.IsSigned);
            json.WriteBoolean("partialSignatures", result.HasPartialSignatures);
            WriteNullableBoolean(json, "senderVouchedFor", result.SenderIsVouchedFor);
            WriteStrings(json, "senderAddresses", result.SenderAddresses);
            json.WriteString("validationTime", result.ValidationTime);
            WriteProblems(json, "problems", result.Problems);
            json.WriteStartObject("authenticity");
            json.WriteBoolean("authentic", result.Authenticity.IsAuthentic);
            json.WriteString("summary", result.Authenticity.Summary);
            WriteStrings(json, "fromAddresses", result.Authenticity.FromAddresses);
            WriteStrings(json, "signerAddresses", result.Authenticity.SignerAddresses);
            json.WriteEndObject();
            json.WriteStartObject("confidentiality");
            json.WriteBoolean("encrypted", result.Confidentiality.IsEncrypted);
            json.WriteBoolean("decrypted", result.Confidentiality.IsDecrypted);
            json.WriteBoolean("integrityProtected", result.Confidentiality.IsIntegrityProtected);
            WriteStrings(json, "contentEncryptionAlgorithms", result.Confidentiality.ContentEncryptionAlgorithms);
            json.WriteString("summary", result.Confidentiality.Summary);
            json.WriteEndObject();
            WriteHeaderProtection(json, result.HeaderProtection);
            json.WriteStartObject("content");
            json.WriteString("mediaType", result.Content.MediaType);
            json.WriteString("fileName", result.Content.FileName);
            json.WriteEndObject();
            json.WriteStartArray("layers");
            foreach (InspectionLayer layer in result.Layers)
            {
                json.WriteStartObject();
                json.WriteString("type", layer is SignatureLayer ? "signature" : "encryption");
                json.WriteNumber("depth", layer.Depth);
                json.WriteString("path", layer.Path);
                json.WriteString("mediaType", layer.Entity.MediaType);
                json.WriteBoolean("partial", layer.IsPartial);
                json.WriteBoolean("succeeded", layer.Succeeded);
                if (layer is SignatureLayer s)
                {
                    json.WriteString("form", s.Form == SignatureForm.Detached ? "detached" : "opaque");
                    json.WriteString("micalg", s.MicAlg);
                    json.WriteString("coveredPath", s.CoveredPath);
                    json.WriteString("coveredMediaType", s.CoveredEntity?.MediaType);
                    json.WriteBoolean("lineEndingsCanonicalized", s.LineEndingsCanonicalized);
                    json.WriteStartArray("signatures");
                    foreach (SignatureVerdict v in s.Signatures)
                    {
                        WriteVerdict(json, v);
                    }

                    json.WriteEndArray();
                }
                else if (layer is EncryptionLayer e)
                {
                    json.WriteString("contentEncryptionAlgorithm", e.ContentEncryptionAlgorithm);
                    json.WriteString("keyManagementAlgorithm", e.KeyManagementAlgorithm);
                    json.WriteBoolean("authenticated", e.IsAuthenticated);
                    json.WriteBoolean("weak", e.IsWeak);
                    json.WriteBoolean("decrypted", e.IsDecrypted);
                    json.WriteString("recipient", e.RecipientCertificate?.Subject);
                }

                WriteProblems(json, "problems", layer.Problems);
                WriteStrings(json, "notes", layer.Notes);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteVerdict(Utf8JsonWriter json, SignatureVerdict v)
    {
        json.WriteStartObject();
        json.WriteString("signerIdentifier", v.SignerIdentifier);
        json.WriteString("signer", v.SignerCertificate?.Subject);
        json.WriteString("signerSerialNumber", v.SignerCertificate?.SerialNumber);
        json.WriteString("signerThumbprint", v.SignerCertificate?.Thumbprint);
        if (v.SigningTime is { } signingTime)
        {
            json.WriteString("signingTime", signingTime);
        }
        else
        {
            json.WriteNull("signingTime");
        }

        json.WriteBoolean("signingTimeInFuture", v.SigningTimeIsInFuture);
        json.WriteString("digestAlgorithm", v.DigestAlgorithm);
        json.WriteString("signatureAlgorithm", v.SignatureAlgorithm);
        json.WriteBoolean("signatureValid", v.IsSignatureValid);
        json.WriteString("failure", v.Failure);
        WriteStrings(json, "weaknesses", v.Weaknesses);
        if (v.Chain is { } chain)
        {
            json.WriteStartObject("chain");
            json.WriteBoolean("trusted", chain.IsTrusted);
            WriteProblems(json, "problems", chain.Problems);
            WriteStrings(json, "certificates", chain.Chain.Select(c => c.Subject).ToList());
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("chain");
        }

        WriteStrings(json, "signerAddresses", v.SignerAddresses);
        WriteNullableBoolean(json, "signerMatchesSender", v.SignerMatchesSender);
        json.WriteBoolean("validAndTrusted", v.IsValidAndTrusted);
        json.WriteEndObject();
    }

    private static void WriteProblems(Utf8JsonWriter json, string name, IReadOnlyList<InspectionProblem> problems)
    {
        json.WriteStartArray(name);
        foreach (InspectionProblem problem in problems)
        {
            json.WriteStartObject();
            json.WriteString("code", problem.Code);
            json.WriteString("message", problem.Message);
            json.WriteString("location", problem.Location);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteHeaderProtection(Utf8JsonWriter json, HeaderProtectionFinding? protection)
    {
        if (protection is null)
        {
            json.WriteNull("headerProtection");
            return;
        }

        json.WriteStartObject("headerProtection");
        json.WriteString("mode", protection.Mode);
        json.WriteStartArray("protectedFields");
        foreach (Mime.MimeHeaderField field in protection.ProtectedFields)
        {
            json.WriteStartObject();
            json.WriteString("name", field.Name);
            json.WriteString("value", field.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("differences");
        foreach (HeaderFieldDifference difference in protection.Differences)
        {
            json.WriteStartObject();
            json.WriteString("name", difference.Name);
            json.WriteString("outer", difference.OuterValue);
            json.WriteString("protected", difference.ProtectedValue);
            json.WriteBoolean("makesMessageInvalid", difference.MakesMessageInvalid);
            json.WriteString("explanation", difference.Explanation);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void WriteNullableBoolean(Utf8JsonWriter json, string name, bool? value)
    {
        if (value is { } b)
        {
            json.WriteBoolean(name, b);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
