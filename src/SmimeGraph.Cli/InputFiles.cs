namespace SmimeGraph.Cli;

/// <summary>
/// The files a command reads, named by the option that names them: checked to exist as files
/// before anything is read, and compared by identity with the files the command writes.
/// </summary>
internal static class InputFiles
{
    /// <summary>Throws a usage error naming <paramref name="option"/> unless <paramref name="path"/> is an existing file (or device).</summary>
    public static void EnsureFile(string option, string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{option}: '{path}' is a directory, not a file.");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"{option}: '{path}' does not exist.");
        }
    }

    /// <summary>
    /// Refuses, before anything is opened, an output that is one of the inputs (by device and
    /// inode, so also through a symbolic or hard link) or the other output.
    /// </summary>
    public static void RefuseOverwriting(IReadOnlyList<(string Option, string Path)> inputs, IReadOnlyList<(string Option, string Path)> outputs)
    {
        for (int i = 0; i < outputs.Count; i++)
        {
            (string outOption, string outPath) = outputs[i];
            FileIdentity? output = FileIdentity.Of(outPath);
            if (output is null || output.Value.Kind == FileKind.Other)
            {
                // Nothing there yet (or a device such as /dev/null): nothing to destroy. Two new
                // outputs with the same name are still two names for one file.
                for (int j = 0; j < i; j++)
                {
                    if (FileIdentity.Of(outputs[j].Path) is null && string.Equals(Path.GetFullPath(outputs[j].Path), Path.GetFullPath(outPath), StringComparison.Ordinal))
                    {
                        throw new UsageException($"{outputs[j].Option} and {outOption} name the same file.");
                    }
                }

                continue;
            }

            foreach ((string inOption, string inPath) in inputs)
            {
                if (FileIdentity.Of(inPath) is { } input && input.IsSameFileAs(output.Value))
                {
                    throw new UsageException($"{outOption} would overwrite the {inOption} input '{inPath}' (the same file); choose another output.");
                }
            }

            for (int j = 0; j < i; j++)
            {
                if (FileIdentity.Of(outputs[j].Path) is { } other && other.IsSameFileAs(output.Value))
                {
                    throw new UsageException($"{outputs[j].Option} and {outOption} name the same file.");
                }
            }
        }
    }
}
