using System.Buffers.Text;
using System.Text;

namespace SmimeGraph.Emulator;

/// <summary>
/// Graph-shaped ids over the Maildir store. A message's Maildir key (the file name's unique
/// part) never changes; what Graph calls the id does:
/// <list type="bullet">
/// <item>the default (REST) id names the folder too, so it changes when the message moves —
/// "their IDs change ... if the item is moved" (concepts/outlook-immutable-id.md);</item>
/// <item>the immutable id names the key only, so it survives a move within the mailbox, and is
/// what <c>Prefer: IdType="ImmutableId"</c> returns (same page, "Lifetime of immutable IDs");</item>
/// <item>a folder id names the folder ("Container types ... their regular IDs were already
/// constant", same page).</item>
/// </list>
/// All three are base64 with <c>=</c> padding and the URL-safe alphabet (<c>-</c>, <c>_</c>),
/// like the ids in Graph's examples (<c>AAMkADNlNYjSAAA=</c>, api-reference/v1.0/api/user-post-messages.md).
/// </summary>
internal static class GraphIds
{
    /// <summary>Longer ids are refused as malformed before any decoding work.</summary>
    public const int MaxIdLength = 2048;

    // Leading bytes chosen so the ids read like Exchange's: 00 03 24 → "AAMk", 00 09 00 → "AAkA", 00 03 2E → "AAMu".
    private static ReadOnlySpan<byte> RestPrefix => [0x00, 0x03, 0x24, 0x00];

    private static ReadOnlySpan<byte> ImmutablePrefix => [0x00, 0x09, 0x00, 0x2E];

    private static ReadOnlySpan<byte> FolderPrefix => [0x00, 0x03, 0x2E, 0x00];

    /// <summary>The default id of the message <paramref name="key"/> while it is in <paramref name="folder"/>.</summary>
    public static string RestId(string folder, string key)
    {
        byte[] folderBytes = Encoding.UTF8.GetBytes(folder);
        byte[] keyBytes = Encoding.UTF8.GetBytes(key);
        var payload = new byte[RestPrefix.Length + 1 + folderBytes.Length + keyBytes.Length];
        RestPrefix.CopyTo(payload);
        payload[RestPrefix.Length] = checked((byte)folderBytes.Length);
        folderBytes.CopyTo(payload, RestPrefix.Length + 1);
        keyBytes.CopyTo(payload, RestPrefix.Length + 1 + folderBytes.Length);
        return Encode(payload);
    }

    /// <summary>The immutable id of the message <paramref name="key"/>.</summary>
    public static string ImmutableId(string key) => Encode([.. ImmutablePrefix, .. Encoding.UTF8.GetBytes(key)]);

    /// <summary>The id of the folder <paramref name="folder"/>.</summary>
    public static string FolderId(string folder) => Encode([.. FolderPrefix, .. Encoding.UTF8.GetBytes(folder)]);

    /// <summary>A conversation id (<c>AAQk...</c>, like user-post-messages.md's examples) for a conversation GUID.</summary>
    public static string ConversationId(Guid conversation)
    {
        byte[] payload = [0x00, 0x04, 0x24, 0x00, .. conversation.ToByteArray(bigEndian: true)];
        return Encode(payload);
    }

    /// <summary>Reads a message id (either kind).</summary>
    public static GraphIdParse ParseMessageId(string id, out string? folder, out string key)
    {
        folder = null;
        key = string.Empty;
        if (!TryDecode(id, out byte[]? payload))
        {
            return GraphIdParse.Malformed;
        }

        ReadOnlySpan<byte> span = payload;
        if (span.StartsWith(RestPrefix) && span.Length > RestPrefix.Length)
        {
            int folderLength = span[RestPrefix.Length];
            ReadOnlySpan<byte> rest = span[(RestPrefix.Length + 1)..];
            if (folderLength == 0 || rest.Length <= folderLength)
            {
                return GraphIdParse.Unknown;
            }

            if (!TryText(rest[..folderLength], out string? folderName) || !TryText(rest[folderLength..], out string? restKey)
                || !MaildirStore.TryNormalizeName(folderName, out string? normalized) || normalized != folderName || !MaildirStore.IsWellFormedKey(restKey))
            {
                return GraphIdParse.Unknown;
            }

            folder = folderName;
            key = restKey;
            return GraphIdParse.Rest;
        }

        if (span.StartsWith(ImmutablePrefix) && TryText(span[ImmutablePrefix.Length..], out string? immutableKey) && MaildirStore.IsWellFormedKey(immutableKey))
        {
            key = immutableKey;
            return GraphIdParse.Immutable;
        }

        return GraphIdParse.Unknown;
    }

    /// <summary>Reads a folder id; false when <paramref name="id"/> is not one this emulator issued.</summary>
    public static bool TryParseFolderId(string id, out string folder)
    {
        folder = string.Empty;
        if (!TryDecode(id, out byte[]? payload) || !payload.AsSpan().StartsWith(FolderPrefix)
            || !TryText(payload.AsSpan(FolderPrefix.Length), out string? name)
            || !MaildirStore.TryNormalizeName(name, out string? normalized) || normalized != name)
        {
            return false;
        }

        folder = name;
        return true;
    }

    private static string Encode(byte[] payload)
    {
        // Graph's ids end in '=': pad the payload so the base64 form always has padding.
        if (payload.Length % 3 == 0)
        {
            Array.Resize(ref payload, payload.Length + 1);
        }

        return Convert.ToBase64String(payload).Replace('+', '-').Replace('/', '_');
    }

    private static bool TryDecode(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? payload)
    {
        payload = null;
        if (id.Length is 0 or > MaxIdLength || id.Length % 4 != 0)
        {
            return false;
        }

        // Both base64 alphabets are read: ids travel in URLs in the URL-safe one.
        byte[] standard = Encoding.ASCII.GetBytes(id.Replace('-', '+').Replace('_', '/'));
        if (!Base64.IsValid(standard, out int length) || standard.AsSpan().IndexOfAny(" \t\r\n"u8) >= 0)
        {
            return false;
        }

        payload = new byte[length];
        return Base64.DecodeFromUtf8(standard, payload, out _, out int written) == System.Buffers.OperationStatus.Done && written == length;
    }

    // The padding byte added by Encode is a NUL, which no folder name or key contains.
    private static bool TryText(ReadOnlySpan<byte> bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        text = null;
        if (!bytes.IsEmpty && bytes[^1] == 0)
        {
            bytes = bytes[..^1];
        }

        if (bytes.IsEmpty || bytes.Contains((byte)0) || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }
}

/// <summary>What a message id turned out to be.</summary>
internal enum GraphIdParse
{
    /// <summary>Not base64: Graph's 400 ErrorInvalidIdMalformed.</summary>
    Malformed,

    /// <summary>Well-formed but not an id of this store: 404 ErrorItemNotFound.</summary>
    Unknown,

    /// <summary>A default id: folder and key.</summary>
    Rest,

    /// <summary>An immutable id: key only.</summary>
    Immutable,
}
