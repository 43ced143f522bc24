namespace SmimeGraph.Emulator;

/// <summary>
/// A request path read the way Graph reads it: <c>/v1.0/me/...</c> or
/// <c>/v1.0/users/{id | userPrincipalName}/...</c>, then the mail resource. Path segments are
/// case-insensitive, ids are not (concepts/outlook-immutable-id.md: "identifiers ... are
/// case-sensitive").
/// </summary>
internal sealed record GraphRoute
{
    private static readonly string[] Keywords =
        ["messages", "mailFolders", "sendMail", "$value", "send", "reply", "replyAll", "forward", "createReply", "createReplyAll", "createForward"];

    /// <summary>The operation name (as in <see cref="EmulatorFaultRule.Operations"/>); null when the path is not one the emulator serves.</summary>
    public string? Operation { get; private init; }

    /// <summary>True for <c>/me</c>, false for <c>/users/{id}</c>.</summary>
    public bool IsMe { get; private init; }

    /// <summary>The <c>{id | userPrincipalName}</c> segment of <c>/users/{id}</c>, unescaped.</summary>
    public string? User { get; private init; }

    /// <summary>The <c>mailFolders/{id}</c> segment, when the path has one.</summary>
    public string? Folder { get; private init; }

    /// <summary>The <c>messages/{id}</c> segment, when the path has one.</summary>
    public string? MessageId { get; private init; }

    /// <summary>The last segment that made the path unknown, for Graph's "Resource not found for the segment" answer.</summary>
    public string BadSegment { get; private init; } = string.Empty;

    /// <summary>True when the path is known but the method is not allowed on it.</summary>
    public bool MethodNotAllowed { get; private init; }

    /// <summary>True when the path has the user part (<c>v1.0/me</c> or <c>v1.0/users/{id}</c>).</summary>
    public bool HasMailbox => IsMe || User is not null;

    public static GraphRoute Parse(string method, string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < segments.Length; i++)
        {
            segments[i] = Uri.UnescapeDataString(segments[i]);
        }

        if (segments.Length == 0 || segments[0] != "v1.0")
        {
            return new GraphRoute { BadSegment = segments.Length > 0 ? segments[0] : string.Empty };
        }

        bool isMe;
        string? user = null;
        int consumed;
        if (segments.Length >= 2 && segments[1].Equals("me", StringComparison.OrdinalIgnoreCase))
        {
            isMe = true;
            consumed = 2;
        }
        else if (segments.Length >= 3 && segments[1].Equals("users", StringComparison.OrdinalIgnoreCase))
        {
            isMe = false;
            user = segments[2];
            consumed = 3;
        }
        else
        {
            return new GraphRoute { BadSegment = segments[^1] };
        }

        string[] rest = Array.ConvertAll(segments[consumed..], Canonical);
        var route = new GraphRoute { IsMe = isMe, User = user };
        string? folder = null;
        if (rest is ["mailFolders", string folderId, "messages", ..])
        {
            folder = folderId;
            rest = rest[2..];
        }

        bool get = method == "GET", post = method == "POST", put = method == "PUT", delete = method == "DELETE";
        return rest switch
        {
            ["sendMail"] when folder is null => post ? route with { Operation = "sendMail" } : route with { Operation = "sendMail", MethodNotAllowed = true },
            ["messages"] when post => route with { Operation = "createMessage", Folder = folder },
            ["messages"] when get => route with { Operation = "listMessages", Folder = folder },
            ["messages"] => route with { Operation = "listMessages", Folder = folder, MethodNotAllowed = true },
            ["messages", string id] when get => route with { Operation = "getMessage", Folder = folder, MessageId = id },
            ["messages", string id] when delete => route with { Operation = "deleteMessage", Folder = folder, MessageId = id },
            ["messages", string id] => route with { Operation = "getMessage", Folder = folder, MessageId = id, MethodNotAllowed = true },
            ["messages", string id, "$value"] when get => route with { Operation = "getMessageContent", Folder = folder, MessageId = id },
            ["messages", string id, "$value"] when put => route with { Operation = "updateMessage", Folder = folder, MessageId = id },
            ["messages", string id, "$value"] => route with { Operation = "getMessageContent", Folder = folder, MessageId = id, MethodNotAllowed = true },
            ["messages", string id, string action] when IsAction(action) =>
                route with { Operation = action, Folder = folder, MessageId = id, MethodNotAllowed = !post },
            _ => route with { BadSegment = rest.Length > 0 ? rest[^1] : segments[^1] },
        };
    }

    private static bool IsAction(string segment) =>
        segment is "send" or "reply" or "replyAll" or "forward" or "createReply" or "createReplyAll" or "createForward";

    private static string Canonical(string segment)
    {
        foreach (string keyword in Keywords)
        {
            if (keyword.Equals(segment, StringComparison.OrdinalIgnoreCase))
            {
                return keyword;
            }
        }

        return segment;
    }
}
