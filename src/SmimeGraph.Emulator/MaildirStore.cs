using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmimeGraph.Emulator;

/// <summary>
/// Messages as Maildir files: <c>ROOT/&lt;mailbox&gt;/&lt;folder&gt;/{tmp,new,cur}</c>. A message
/// is written to <c>tmp/</c> and renamed into <c>cur/</c> with its info suffix, so readers never
/// see a partial file. The file name's unique part (the key) stays with the message for its whole
/// life in the mailbox; the flags say what it is: <c>D</c> a draft, <c>S</c> seen, <c>P</c> passed
/// to transport (sent, waiting to be moved to Sent Items). Nothing but the directory tree is
/// needed after a restart.
/// </summary>
/// <remarks>
/// Every change of a message (replace, move, delete) checks the message's current state and acts
/// on it while holding its mailbox's lock, so two requests never both act on one state: a PUT
/// that loses the race against a send finds the draft gone or submitted, never brings it back.
/// </remarks>
internal sealed class MaildirStore
{
    public const string DraftFlag = "D";
    public const string SeenFlag = "S";
    public const string SubmittedFlag = "P";

    private static readonly string[] Subdirectories = ["tmp", "new", "cur"];
    private static readonly string Host = SanitizeHost(Environment.MachineName);
    private static long _deliveries;

    private readonly ConcurrentDictionary<string, Lock> _locks = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public MaildirStore(string root, TimeProvider time)
    {
        Root = Path.GetFullPath(root);
        _time = time;
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>
    /// Mailbox and folder names become directory names: lower case, letters, digits and
    /// <c>. _ - @ +</c> only, not starting with a dot.
    /// </summary>
    public static bool TryNormalizeName([NotNullWhen(true)] string? name, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrEmpty(name) || name.Length > 254 || name[0] == '.')
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@' or '+'))
            {
                return false;
            }
        }

        normalized = name.ToLowerInvariant();
        return true;
    }

    /// <summary>
    /// A Maildir unique name as any Maildir writer makes it: printable ASCII without <c>/</c> or
    /// <c>:</c> (the info separator), not starting with a dot.
    /// </summary>
    public static bool IsWellFormedKey([NotNullWhen(true)] string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 255 || key[0] == '.')
        {
            return false;
        }

        foreach (char c in key)
        {
            if (c is < '!' or > '~' or '/' or ':')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The lock under which every change to <paramref name="mailbox"/>'s messages is made.</summary>
    public Lock LockFor(string mailbox) => _locks.GetOrAdd(mailbox, static _ => new Lock());

    public StoredMessage Add(string mailbox, string folder, ReadOnlySpan<byte> mime, string flags)
    {
        DateTimeOffset now = _time.GetUtcNow();
        string key = NewUniqueName(now);
        string folderPath = EnsureFolder(mailbox, folder);
        string temporary = Path.Combine(folderPath, "tmp", key);
        WriteDurably(temporary, mime, now);
        string final = Path.Combine(folderPath, "cur", key + Info(flags));
        File.Move(temporary, final);
        return new StoredMessage(mailbox, folder, key, final, flags);
    }

    /// <summary>Replaces a message's bytes in place (write to tmp/, rename over the file). Call under the mailbox lock.</summary>
    public void Replace(StoredMessage message, ReadOnlySpan<byte> mime)
    {
        string temporary = Path.Combine(Root, message.Mailbox, message.Folder, "tmp", NewUniqueName(_time.GetUtcNow()));
        WriteDurably(temporary, mime, _time.GetUtcNow());
        try
        {
            File.Move(temporary, message.Path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Moves a message to another folder with new flags (one rename), keeping its key. Call under the mailbox lock.</summary>
    public StoredMessage Move(StoredMessage message, string folder, string flags, bool touch)
    {
        string final = Path.Combine(EnsureFolder(message.Mailbox, folder), "cur", message.Key + Info(flags));
        File.Move(message.Path, final);
        if (touch)
        {
            File.SetLastWriteTimeUtc(final, _time.GetUtcNow().UtcDateTime);
        }

        return message with { Folder = folder, Path = final, Flags = flags };
    }

    /// <summary>Sets a message's flags in place (one rename). Call under the mailbox lock.</summary>
    public StoredMessage SetFlags(StoredMessage message, string flags) => Move(message, message.Folder, flags, touch: false);

    public void Delete(StoredMessage message) => File.Delete(message.Path);

    /// <summary>The message with this key, wherever it is in the mailbox.</summary>
    public bool TryFind(string mailbox, string key, [NotNullWhen(true)] out StoredMessage? message)
    {
        message = null;
        string mailboxPath = Path.Combine(Root, mailbox);
        if (!IsWellFormedKey(key) || !Directory.Exists(mailboxPath))
        {
            return false;
        }

        foreach (string folderPath in Directory.EnumerateDirectories(mailboxPath))
        {
            if (Find(mailbox, Path.GetFileName(folderPath), key) is { } found)
            {
                message = found;
                return true;
            }
        }

        return false;
    }

    /// <summary>The message with this key in one folder.</summary>
    public bool TryFind(string mailbox, string folder, string key, [NotNullWhen(true)] out StoredMessage? message)
    {
        message = IsWellFormedKey(key) ? Find(mailbox, folder, key) : null;
        return message is not null;
    }

    /// <summary>Messages in one folder, or in every folder when <paramref name="folder"/> is null.</summary>
    public IReadOnlyList<StoredMessage> List(string mailbox, string? folder)
    {
        var messages = new List<StoredMessage>();
        string mailboxPath = Path.Combine(Root, mailbox);
        if (!Directory.Exists(mailboxPath))
        {
            return messages;
        }

        IEnumerable<string> folders = folder is null ? Directory.EnumerateDirectories(mailboxPath) : [Path.Combine(mailboxPath, folder)];
        foreach (string folderPath in folders)
        {
            foreach (string sub in (ReadOnlySpan<string>)["cur", "new"])
            {
                string directory = Path.Combine(folderPath, sub);
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                foreach (string file in Directory.EnumerateFiles(directory))
                {
                    if (FromFile(mailbox, Path.GetFileName(folderPath), file) is { } message)
                    {
                        messages.Add(message);
                    }
                }
            }
        }

        messages.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return messages;
    }

    /// <summary>Every mailbox in the store (directory names).</summary>
    public IEnumerable<string> Mailboxes() =>
        Directory.EnumerateDirectories(Root).Select(Path.GetFileName).Where(name => TryNormalizeName(name, out string? n) && n == name)!;

    /// <summary>When the message was created: the time in its key when this store made it, else the file's time.</summary>
    public static DateTimeOffset CreatedAt(StoredMessage message)
    {
        int dot = message.Key.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && long.TryParse(message.Key.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds < 253_402_300_800)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        return new DateTimeOffset(File.GetLastWriteTimeUtc(message.Path), TimeSpan.Zero);
    }

    private StoredMessage? Find(string mailbox, string folder, string key)
    {
        foreach (string sub in (ReadOnlySpan<string>)["cur", "new"])
        {
            string directory = Path.Combine(Root, mailbox, folder, sub);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(directory, EscapePattern(key) + "*"))
            {
                if (FromFile(mailbox, folder, file) is { } found && found.Key == key)
                {
                    return found;
                }
            }
        }

        return null;
    }

    // Maildir file name: "<unique>" in new/, "<unique>:2,<flags>" in cur/.
    private static StoredMessage? FromFile(string mailbox, string folder, string path)
    {
        string name = Path.GetFileName(path);
        int colon = name.IndexOf(':', StringComparison.Ordinal);
        string key = colon < 0 ? name : name[..colon];
        if (!IsWellFormedKey(key))
        {
            return null;
        }

        string flags = colon >= 0 && name.AsSpan(colon).StartsWith(":2,", StringComparison.Ordinal) ? name[(colon + 3)..] : string.Empty;
        return new StoredMessage(mailbox, folder, key, path, flags);
    }

    // Maildir: the flags after ":2," in ASCII order.
    private static string Info(string flags) => ":2," + string.Concat(flags.Order());

    // Directory.EnumerateFiles treats '*' and '?' as wildcards; keys never contain them from this
    // store, but a foreign writer's might.
    private static string EscapePattern(string key) => key.Contains('*', StringComparison.Ordinal) || key.Contains('?', StringComparison.Ordinal) ? string.Empty : key;

    private string EnsureFolder(string mailbox, string folder)
    {
        string folderPath = Path.Combine(Root, mailbox, folder);
        foreach (string sub in Subdirectories)
        {
            Directory.CreateDirectory(Path.Combine(folderPath, sub));
        }

        return folderPath;
    }

    private static void WriteDurably(string path, ReadOnlySpan<byte> content, DateTimeOffset now)
    {
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.SetLastWriteTimeUtc(path, now.UtcDateTime);
    }

    // Maildir unique name: time, delivery identifier (microseconds, process, counter, random), host.
    private static string NewUniqueName(DateTimeOffset now)
    {
        long counter = Interlocked.Increment(ref _deliveries);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{now.ToUnixTimeSeconds()}.M{now.Ticks / 10 % 1_000_000}P{Environment.ProcessId}Q{counter}R{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.{Host}");
    }

    private static string SanitizeHost(string host)
    {
        var builder = new StringBuilder(host.Length);
        foreach (char c in host)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? char.ToLowerInvariant(c) : '-');
        }

        return builder.Length == 0 ? "localhost" : builder.ToString();
    }
}

/// <summary>A message file in the store.</summary>
/// <param name="Mailbox">The mailbox directory name.</param>
/// <param name="Folder">The folder directory name.</param>
/// <param name="Key">The Maildir unique name.</param>
/// <param name="Path">The file.</param>
/// <param name="Flags">The Maildir flags.</param>
internal sealed record StoredMessage(string Mailbox, string Folder, string Key, string Path, string Flags)
{
    public bool IsDraft => Flags.Contains('D', StringComparison.Ordinal);

    public bool IsSubmitted => Flags.Contains('P', StringComparison.Ordinal);

    public string RestId => GraphIds.RestId(Folder, Key);

    public string ImmutableId => GraphIds.ImmutableId(Key);
}
