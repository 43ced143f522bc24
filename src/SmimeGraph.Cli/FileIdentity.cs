using System.Runtime.InteropServices;

namespace SmimeGraph.Cli;

/// <summary>
/// Which file a path names, whatever the name: on Linux the device and inode (statx(2), following
/// symbolic links), so a hard link, a symbolic link or another spelling of an input is recognised;
/// elsewhere the full path after following symbolic links (hard links are not seen there).
/// </summary>
internal readonly partial record struct FileIdentity(ulong Device, ulong Inode, string? FullPath, FileKind Kind)
{
    /// <summary>True when both name the same file.</summary>
    public bool IsSameFileAs(FileIdentity other) => Device == other.Device && Inode == other.Inode && string.Equals(FullPath, other.FullPath, StringComparison.Ordinal);

    /// <summary>The identity of the existing file (or directory) at <paramref name="path"/>, or null when nothing is there.</summary>
    public static FileIdentity? Of(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsLinux())
        {
            var buffer = new Statx();
            if (NativeMethods.statx(AtFdCwd, path, 0, StatxType | StatxIno, ref buffer) != 0)
            {
                return null;
            }

            FileKind kind = (buffer.Mode & TypeMask) switch
            {
                RegularType => FileKind.Regular,
                DirectoryType => FileKind.Directory,
                _ => FileKind.Other,
            };
            return new FileIdentity(((ulong)buffer.DevMajor << 32) | buffer.DevMinor, buffer.Ino, null, kind);
        }

        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        string full = Path.GetFullPath((info.ResolveLinkTarget(returnFinalTarget: true) ?? info).FullName);
        return new FileIdentity(
            0,
            0,
            OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? full.ToUpperInvariant() : full,
            info is DirectoryInfo ? FileKind.Directory : FileKind.Regular);
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const ushort TypeMask = 0xF000;
    private const ushort RegularType = 0x8000;
    private const ushort DirectoryType = 0x4000;

    // struct statx (linux/stat.h): the same 256-byte layout on every architecture.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Ino;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }

    private static partial class NativeMethods
    {
        // int statx(int dirfd, const char *pathname, int flags, unsigned int mask, struct statx *statxbuf);
        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int statx(int dirfd, string pathname, int flags, uint mask, ref Statx statxbuf);
    }
}
