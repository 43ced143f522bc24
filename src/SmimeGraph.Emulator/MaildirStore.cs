using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmimeGraph.Emulator;

/// <summary>
/// Messages as Maildir files: <c>ROOT/&lt;mailbox&gt;/&lt;folder&gt;/{tmp,new,cur}</c>. A message
/// is written to <c>tmp/</c> and renamed into <c>cur/</c> with its info suffix (<c>:2,DS</c> for
/// a draft, <c>:2,S</c> once sent), so readers never see a partial file. The Graph message id is
/// the file name's unique part, so nothing but the directory tree is needed after a restart.
/// </summary>
internal sealed class MaildirStore
{
    private static readonly string[] Subdirectories = ["tmp", "new", "cur"];
    private static readonly string Host = SanitizeHost(Environment.MachineName);
    private static long _deliveries;

    public MaildirStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>
    /// Mailbox and folder names become directory names: lower case, letters, digits and
    /// <c>. _ - @ +</c> only, not starting with a dot.
    /// </summary>
    public static bool TryNormalizeName(string? name, [NotNullWhen(true)] out string? normalized)
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

    /// <summary>Ids this store issues: Maildir unique names (letters, digits, dot, hyphen).</summary>
    public static bool IsWellFormedId(string id)
    {
        if (id.Length is 0 or > 200 || !char.IsAsciiLetterOrDigit(id[0]))
        {
            return false;
        }

        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    public EmulatorMessage Add(string mailbox, string folder, ReadOnlySpan<byte> mime, bool draft)
    {
        string id = NewUniqueName();
        string folderPath = EnsureFolder(mailbox, folder);
        string temporary = Path.Combine(folderPath, "tmp", id);
        WriteDurably(temporary, mime);
        string final = Path.Combine(folderPath, "cur", id + Info(draft));
        File.Move(temporary, final);
        return new EmulatorMessage(mailbox, folder, id, final, draft);
    }

    /// <summary>Replaces a message's bytes in place (write to tmp/, rename over the file).</summary>
    public void Replace(EmulatorMessage message, ReadOnlySpan<byte> mime)
    {
        string temporary = Path.Combine(Root, message.Mailbox, message.Folder, "tmp", NewUniqueName());
        WriteDurably(temporary, mime);
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

    /// <summary>Moves a message to another folder (one rename), keeping its id.</summary>
    public EmulatorMessage Move(EmulatorMessage message, string folder, bool draft)
    {
        string final = Path.Combine(EnsureFolder(message.Mailbox, folder), "cur", message.Id + Info(draft));
        File.Move(message.Path, final);
        return message with { Folder = folder, Path = final, IsDraft = draft };
    }

    public bool TryFind(string mailbox, string id, [NotNullWhen(true)] out EmulatorMessage? message)
    {
        message = null;
        string mailboxPath = Path.Combine(Root, mailbox);
        if (!IsWellFormedId(id) || !Directory.Exists(mailboxPath))
        {
            return false;
        }

        foreach (string folderPath in Directory.EnumerateDirectories(mailboxPath))
        {
            foreach (string sub in (ReadOnlySpan<string>)["cur", "new"])
            {
                string directory = Path.Combine(folderPath, sub);
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                foreach (string file in Directory.EnumerateFiles(directory, id + "*"))
                {
                    if (FromFile(mailbox, Path.GetFileName(folderPath), file) is { } found && found.Id == id)
                    {
                        message = found;
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>Messages in one folder, or in every folder when <paramref name="folder"/> is null; oldest first.</summary>
    public IReadOnlyList<EmulatorMessage> List(string mailbox, string? folder)
    {
        var messages = new List<EmulatorMessage>();
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

        messages.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return messages;
    }

    // Maildir file name: "<unique>" in new/, "<unique>:2,<flags>" in cur/; flag D = draft.
    private static EmulatorMessage? FromFile(string mailbox, string folder, string path)
    {
        string name = Path.GetFileName(path);
        int colon = name.IndexOf(':', StringComparison.Ordinal);
        string id = colon < 0 ? name : name[..colon];
        if (!IsWellFormedId(id))
        {
            return null;
        }

        bool draft = colon >= 0 && name.AsSpan(colon).StartsWith(":2,", StringComparison.Ordinal) && name.AsSpan(colon + 3).Contains('D');
        return new EmulatorMessage(mailbox, folder, id, path, draft);
    }

    private static string Info(bool draft) => draft ? ":2,DS" : ":2,S";

    private string EnsureFolder(string mailbox, string folder)
    {
        string folderPath = Path.Combine(Root, mailbox, folder);
        foreach (string sub in Subdirectories)
        {
            Directory.CreateDirectory(Path.Combine(folderPath, sub));
        }

        return folderPath;
    }

    private static void WriteDurably(string path, ReadOnlySpan<byte> content)
    {
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }
    }

    // Maildir unique name: time, delivery identifier (microseconds, process, counter, random), host.
    private static string NewUniqueName()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
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
