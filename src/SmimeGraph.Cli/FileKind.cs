namespace SmimeGraph.Cli;

/// <summary>What a path names.</summary>
internal enum FileKind
{
    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A device, a pipe or a socket (e.g. /dev/null, /dev/stdout).</summary>
    Other,
}
