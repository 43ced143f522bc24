namespace SmimeGraph.Cli;

/// <summary>
/// A file a command writes without ever damaging what is there before it succeeds: the content
/// goes to a new temporary file beside the target, which replaces the target by a rename only on
/// <see cref="CommitAsync"/>. An existing target is held open (an exclusive lock) from the start,
/// so a file another process holds is refused rather than replaced, and a read-only one is
/// refused as before. A symbolic link is written through (its final target is replaced, the link
/// stays); a device or pipe (/dev/null, /dev/stdout) is written to directly.
/// </summary>
internal sealed class OutputFile : IAsyncDisposable
{
    private readonly string _target;
    private readonly string? _temporary;
    private readonly FileStream? _hold;
    private bool _committed;

    private OutputFile(string target, string? temporary, FileStream stream, FileStream? hold)
    {
        _target = target;
        _temporary = temporary;
        Stream = stream;
        _hold = hold;
    }

    /// <summary>Where the content goes until it is committed.</summary>
    public FileStream Stream { get; }

    /// <summary>Opens the output for <paramref name="option"/> at <paramref name="path"/>.</summary>
    /// <exception cref="UsageException">The path is a directory, or its folder does not exist.</exception>
    /// <exception cref="IOException">The target is held by another process.</exception>
    /// <exception cref="UnauthorizedAccessException">The target or its folder may not be written.</exception>
    public static OutputFile Open(string option, string path)
    {
        FileIdentity? existing = FileIdentity.Of(path);
        if (existing?.Kind == FileKind.Directory)
        {
            throw new UsageException($"{option}: '{path}' is a directory, not a file.");
        }

        if (existing?.Kind == FileKind.Other)
        {
            return new OutputFile(path, null, new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, useAsync: true), null);
        }

        string target = existing is null ? path : new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"{option}: the folder '{folder}' does not exist.");
        }

        FileStream? hold = existing is null ? null : new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.None);
        try
        {
            string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 81920, useAsync: true);
            return new OutputFile(target, temporary, stream, hold);
        }
        catch
        {
            hold?.Dispose();
            throw;
        }
    }

    /// <summary>Flushes the content to disk and puts it in place of the target.</summary>
    public async Task CommitAsync()
    {
        await Stream.FlushAsync().ConfigureAwait(false);
        if (_temporary is not null)
        {
            Stream.Flush(flushToDisk: true);
            await Stream.DisposeAsync().ConfigureAwait(false);
            if (_hold is not null && !OperatingSystem.IsWindows())
            {
                // The replacement keeps the permissions of the file it replaces.
                File.SetUnixFileMode(_temporary, File.GetUnixFileMode(_hold.SafeFileHandle));
            }
            else if (_hold is not null)
            {
                // Windows cannot replace a file that is open.
                await _hold.DisposeAsync().ConfigureAwait(false);
            }

            File.Move(_temporary, _target, overwrite: true);
        }

        _committed = true;
    }

    /// <summary>Releases the target; without a commit the temporary file is deleted and the target is as it was.</summary>
    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        if (!_committed && _temporary is not null)
        {
            File.Delete(_temporary);
        }

        if (_hold is not null)
        {
            await _hold.DisposeAsync().ConfigureAwait(false);
        }
    }
}
