namespace SmimeGraph.Cli;

/// <summary>
/// Reads <c>--name value</c> options (repeatable ones collected in order), <c>--flag</c>
/// switches and positional arguments. Unknown options are a usage error.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    /// <param name="args">The arguments after the command name.</param>
    /// <param name="valueOptions">Options that take a value, e.g. <c>--to</c>.</param>
    /// <param name="flagOptions">Options that take none, e.g. <c>--json</c>.</param>
    public ArgumentReader(IReadOnlyList<string> args, IEnumerable<string> valueOptions, IEnumerable<string> flagOptions)
    {
        var takesValue = new HashSet<string>(valueOptions, StringComparer.Ordinal);
        var isFlag = new HashSet<string>(flagOptions, StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                string name = arg;
                string? inline = null;
                int eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    name = arg[..eq];
                    inline = arg[(eq + 1)..];
                }

                if (isFlag.Contains(name) && inline is null)
                {
                    _flags.Add(name);
                }
                else if (takesValue.Contains(name))
                {
                    string value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value."));
                    if (!_values.TryGetValue(name, out List<string>? list))
                    {
                        _values[name] = list = [];
                    }

                    list.Add(value);
                }
                else
                {
                    throw new UsageException($"unknown option '{name}'.");
                }
            }
            else
            {
                _positional.Add(arg);
            }
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Has(string flag) => _flags.Contains(flag);

    public IReadOnlyList<string> All(string option) => _values.TryGetValue(option, out List<string>? list) ? list : [];

    /// <summary>The single value of an option (the last one when repeated), or null.</summary>
    public string? Optional(string option) => _values.TryGetValue(option, out List<string>? list) ? list[^1] : null;

    public string Required(string option) => Optional(option) ?? throw new UsageException($"{option} is required.");

    /// <summary>The single value of an option that names a file, or null; an empty name is a usage error.</summary>
    public string? OptionalPath(string option) => Optional(option) is string path ? NonEmptyPath(option, path) : null;

    /// <summary>Every value of an option that names a file; an empty name is a usage error.</summary>
    public IReadOnlyList<string> AllPaths(string option) => [.. All(option).Select(path => NonEmptyPath(option, path))];

    /// <summary>A value given inline or, when it starts with '@', read from that file (UTF-8).</summary>
    public static string TextOrFile(string option, string value) =>
        value.StartsWith('@') ? File.ReadAllText(NonEmptyPath(option, value[1..])) : value;

    // The file APIs throw ArgumentException for an empty path; the user gets a usage error instead.
    private static string NonEmptyPath(string option, string path) =>
        path.Length > 0 ? path : throw new UsageException($"{option} needs a file name.");

    /// <summary>
    /// Splits <c>PATH[:password]</c>; a path that exists as given wins over a split, and the
    /// shortest existing path before a colon wins next, so a password may contain colons.
    /// </summary>
    public static (string Path, string? Password) PathAndPassword(string value)
    {
        if (File.Exists(value))
        {
            return (value, null);
        }

        for (int colon = value.IndexOf(':'); colon > 0; colon = value.IndexOf(':', colon + 1))
        {
            if (File.Exists(value[..colon]))
            {
                return (value[..colon], value[(colon + 1)..]);
            }
        }

        int last = value.LastIndexOf(':');
        return last > 0 ? (value[..last], value[(last + 1)..]) : (value, null);
    }
}
