// Compiled by MSBuild's RoslynCodeTaskFactory (see Packaging.targets); it is not part of any
// assembly that ships.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SmimeGraph.Build
{
    /// <summary>
    /// Removes from a compiler-written XML documentation file every member that is not part of
    /// the declared public API. The public API comes from PublicAPI.Shipped.txt and
    /// PublicAPI.Unshipped.txt, which Microsoft.CodeAnalysis.PublicApiAnalyzers holds equal to the
    /// compiled public surface (RS0016/RS0017 fail the build otherwise).
    /// </summary>
    /// <remarks>
    /// A documentation ID (T:, M:, P:, F:, E:) is kept when its type is a declared public type
    /// and, for a member, when a declared member of that type has the same name and, for a
    /// method or constructor, the same parameter types (compared by simple name, which tells
    /// overloads apart without resolving assemblies). Operators are always public in C#: a
    /// public type keeps them all. Everything else (internal and private types and members) goes.
    /// </remarks>
    public sealed class FilterDocumentation : Task
    {
        private static readonly Dictionary<string, string> Keywords = new Dictionary<string, string>
        {
            ["string"] = "String", ["object"] = "Object", ["bool"] = "Boolean", ["byte"] = "Byte", ["sbyte"] = "SByte",
            ["char"] = "Char", ["short"] = "Int16", ["ushort"] = "UInt16", ["int"] = "Int32", ["uint"] = "UInt32",
            ["long"] = "Int64", ["ulong"] = "UInt64", ["float"] = "Single", ["double"] = "Double", ["decimal"] = "Decimal",
            ["nint"] = "IntPtr", ["nuint"] = "UIntPtr", ["void"] = "Void", ["dynamic"] = "Object",
        };

        private static readonly string[] Modifiers =
        {
            "abstract ", "override ", "static ", "virtual ", "const ", "sealed ", "readonly ", "new ", "event ", "implicit ", "explicit ", "required ",
        };

        [Required]
        public string Documentation { get; set; }

        [Required]
        public ITaskItem[] ApiFiles { get; set; }

        [Output]
        public int Kept { get; set; }

        [Output]
        public int Removed { get; set; }

        public override bool Execute()
        {
            var types = new HashSet<string>(StringComparer.Ordinal);
            var members = new HashSet<string>(StringComparer.Ordinal);
            var entries = new List<string>();
            foreach (ITaskItem file in ApiFiles)
            {
                if (!File.Exists(file.ItemSpec))
                {
                    Log.LogError("The public API file {0} does not exist.", file.ItemSpec);
                    return false;
                }

                foreach (string raw in File.ReadAllLines(file.ItemSpec))
                {
                    string line = raw.Trim();
                    if (line.Length == 0 || line.StartsWith("#", StringComparison.Ordinal) || line.StartsWith("*REMOVED*", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    line = StripModifiers(line);
                    if (line.IndexOf('(') < 0 && line.IndexOf(" -> ", StringComparison.Ordinal) < 0 && line.IndexOf(" = ", StringComparison.Ordinal) < 0)
                    {
                        types.Add(TypeId(line));
                    }
                    else
                    {
                        entries.Add(line);
                    }
                }
            }

            foreach (string entry in entries)
            {
                string key = MemberKey(entry, types);
                if (key != null)
                {
                    members.Add(key);
                }
            }

            XDocument document = XDocument.Load(Documentation, LoadOptions.PreserveWhitespace);
            XElement container = document.Root?.Element("members");
            if (container == null)
            {
                return true;
            }

            var removed = new List<XElement>();
            int kept = 0;
            foreach (XElement member in container.Elements("member"))
            {
                string id = (string)member.Attribute("name") ?? string.Empty;
                if (IsPublic(id, types, members))
                {
                    kept++;
                }
                else
                {
                    removed.Add(member);
                }
            }

            foreach (XElement member in removed)
            {
                // The whitespace before the element goes with it, so the file keeps its layout.
                if (member.PreviousNode is XText text && string.IsNullOrWhiteSpace(text.Value))
                {
                    text.Remove();
                }

                member.Remove();
            }

            if (removed.Count > 0)
            {
                document.Save(Documentation, SaveOptions.DisableFormatting);
            }

            Kept = kept;
            Removed = removed.Count;
            return !Log.HasLoggedErrors;
        }

        private static string StripModifiers(string line)
        {
            bool again = true;
            while (again)
            {
                again = false;
                foreach (string modifier in Modifiers)
                {
                    if (line.StartsWith(modifier, StringComparison.Ordinal))
                    {
                        line = line.Substring(modifier.Length);
                        again = true;
                    }
                }
            }

            return line;
        }

        /// <summary>A declared type name as in a documentation ID: <c>Ns.Outer.Inner`1</c>.</summary>
        private static string TypeId(string name)
        {
            var result = new StringBuilder();
            int i = 0;
            while (i < name.Length)
            {
                char c = name[i];
                if (c == '<')
                {
                    int end = Close(name, i, '<', '>');
                    result.Append('`').Append(SplitTopLevel(name.Substring(i + 1, end - i - 1)).Count);
                    i = end + 1;
                }
                else
                {
                    result.Append(c);
                    i++;
                }
            }

            return result.ToString();
        }

        /// <summary>
        /// The comparison key of a declared member: <c>kind|type|name|parameters</c>, or null for
        /// a type-level line that is not a member (enum values are fields and keep a key).
        /// </summary>
        private static string MemberKey(string entry, HashSet<string> types)
        {
            int open = FirstTopLevel(entry, '(');
            int arrow = entry.IndexOf(" -> ", StringComparison.Ordinal);
            int equals = entry.IndexOf(" = ", StringComparison.Ordinal);
            string path;
            string parameters = null;
            if (open >= 0 && (arrow < 0 || open < arrow) && (equals < 0 || open < equals))
            {
                path = entry.Substring(0, open);
                int close = Close(entry, open, '(', ')');
                parameters = entry.Substring(open + 1, close - open - 1);
            }
            else
            {
                int end = new[] { arrow, equals }.Where(x => x >= 0).DefaultIfEmpty(entry.Length).Min();
                path = entry.Substring(0, end);
            }

            // Indexers: Ns.Type.this[int].get
            int indexer = path.IndexOf(".this[", StringComparison.Ordinal);
            if (indexer >= 0)
            {
                return "P|" + TypeId(path.Substring(0, indexer)) + "|Item";
            }

            string accessor = null;
            foreach (string suffix in new[] { ".get", ".set", ".init", ".add", ".remove" })
            {
                if (parameters == null && path.EndsWith(suffix, StringComparison.Ordinal))
                {
                    accessor = suffix;
                    path = path.Substring(0, path.Length - suffix.Length);
                }
            }

            // The longest declared type that prefixes the path is the member's type.
            string type = null;
            string name = null;
            for (int dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
            {
                string candidate = TypeId(path.Substring(0, dot));
                if (types.Contains(candidate))
                {
                    type = candidate;
                    name = path.Substring(dot + 1);
                    break;
                }
            }

            if (type == null)
            {
                return null;
            }

            if (parameters == null)
            {
                // Properties, fields, events and enum values are told apart by the ID's prefix;
                // the name is enough within one type.
                return "N|" + type + "|" + name;
            }

            string methodName = StripGenericArguments(name, out _);
            string simpleType = type.Substring(type.LastIndexOf('.') + 1);
            int tick = simpleType.IndexOf('`');
            if (tick >= 0)
            {
                simpleType = simpleType.Substring(0, tick);
            }

            if (methodName == simpleType)
            {
                methodName = "#ctor";
            }

            return "M|" + type + "|" + methodName + "|" + string.Join(",", SplitTopLevel(parameters).Select(DeclaredParameter));
        }

        private static bool IsPublic(string id, HashSet<string> types, HashSet<string> members)
        {
            if (id.Length < 2 || id[1] != ':')
            {
                return false;
            }

            char kind = id[0];
            string body = id.Substring(2);
            if (kind == 'T')
            {
                return types.Contains(body);
            }

            int open = body.IndexOf('(');
            string path = open >= 0 ? body.Substring(0, open) : body;
            int tilde = path.IndexOf('~');
            if (tilde >= 0)
            {
                path = path.Substring(0, tilde);
            }

            int dot = path.LastIndexOf('.');
            if (dot <= 0)
            {
                return false;
            }

            string type = path.Substring(0, dot);
            string name = path.Substring(dot + 1);
            if (!types.Contains(type))
            {
                return false;
            }

            if (kind == 'M')
            {
                if (name.StartsWith("op_", StringComparison.Ordinal))
                {
                    return true;
                }

                int arity = name.IndexOf("``", StringComparison.Ordinal);
                if (arity >= 0)
                {
                    name = name.Substring(0, arity);
                }

                string parameters = open >= 0 ? body.Substring(open + 1, Close(body, open, '(', ')') - open - 1) : string.Empty;
                string key = "M|" + type + "|" + name + "|" + string.Join(",", SplitTopLevel(parameters).Select(DocumentedParameter));
                return members.Contains(key);
            }

            if (kind == 'P' && open >= 0)
            {
                return members.Contains("P|" + type + "|Item");
            }

            return members.Contains("N|" + type + "|" + name);
        }

        /// <summary>A parameter as declared (<c>this System.IO.Stream! mime = null</c>) reduced to its type's simple name.</summary>
        private static string DeclaredParameter(string parameter)
        {
            string text = parameter.Trim();
            int equals = FirstTopLevel(text, '=');
            if (equals >= 0)
            {
                text = text.Substring(0, equals).Trim();
            }

            foreach (string modifier in new[] { "this ", "params ", "scoped ", "ref readonly ", "ref ", "out ", "in " })
            {
                if (text.StartsWith(modifier, StringComparison.Ordinal))
                {
                    text = text.Substring(modifier.Length);
                }
            }

            // The last top-level space separates the type from the parameter's name.
            int space = LastTopLevel(text, ' ');
            if (space > 0)
            {
                text = text.Substring(0, space);
            }

            text = text.Replace("!", string.Empty).Replace("?", string.Empty).Trim();
            if (text.StartsWith("(", StringComparison.Ordinal))
            {
                return "ValueTuple";
            }

            string arrays = string.Empty;
            while (text.EndsWith("]", StringComparison.Ordinal))
            {
                int open = text.LastIndexOf('[');
                arrays = text.Substring(open) + arrays;
                text = text.Substring(0, open);
            }

            text = StripGenericArguments(text, out _);
            if (Keywords.TryGetValue(text, out string system))
            {
                return system + arrays;
            }

            // Declared types are written in full; a bare name is a type parameter.
            return (text.IndexOf('.') < 0 ? "`" : text.Substring(text.LastIndexOf('.') + 1)) + arrays;
        }

        /// <summary>A parameter of a documentation ID (<c>System.Nullable{System.Int64}@</c>) reduced the same way.</summary>
        private static string DocumentedParameter(string parameter)
        {
            string text = parameter.Trim().TrimEnd('@', '*');
            const string nullable = "System.Nullable{";
            if (text.StartsWith(nullable, StringComparison.Ordinal) && text.EndsWith("}", StringComparison.Ordinal))
            {
                text = text.Substring(nullable.Length, text.Length - nullable.Length - 1);
            }

            if (text.StartsWith("System.ValueTuple{", StringComparison.Ordinal))
            {
                return "ValueTuple";
            }

            string arrays = string.Empty;
            while (text.EndsWith("]", StringComparison.Ordinal))
            {
                int open = text.LastIndexOf('[');
                arrays = text.Substring(open) + arrays;
                text = text.Substring(0, open);
            }

            if (text.StartsWith("`", StringComparison.Ordinal))
            {
                return "`" + arrays;
            }

            var plain = new StringBuilder();
            int depth = 0;
            foreach (char c in text)
            {
                if (c == '{')
                {
                    depth++;
                }
                else if (c == '}')
                {
                    depth--;
                }
                else if (depth == 0)
                {
                    plain.Append(c);
                }
            }

            string name = plain.ToString();
            return name.Substring(name.LastIndexOf('.') + 1) + arrays;
        }

        private static string StripGenericArguments(string text, out int arity)
        {
            arity = 0;
            int open = text.IndexOf('<');
            if (open < 0)
            {
                return text;
            }

            var result = new StringBuilder();
            int depth = 0;
            foreach (char c in text)
            {
                if (c == '<')
                {
                    depth++;
                }
                else if (c == '>')
                {
                    depth--;
                }
                else if (depth == 0)
                {
                    result.Append(c);
                }
            }

            return result.ToString();
        }

        private static List<string> SplitTopLevel(string text)
        {
            var parts = new List<string>();
            if (text.Trim().Length == 0)
            {
                return parts;
            }

            int depth = 0;
            int start = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '<' || c == '(' || c == '[' || c == '{')
                {
                    depth++;
                }
                else if (c == '>' || c == ')' || c == ']' || c == '}')
                {
                    depth--;
                }
                else if (c == ',' && depth == 0)
                {
                    parts.Add(text.Substring(start, i - start));
                    start = i + 1;
                }
            }

            parts.Add(text.Substring(start));
            return parts;
        }

        private static int Close(string text, int open, char opening, char closing)
        {
            int depth = 0;
            for (int i = open; i < text.Length; i++)
            {
                if (text[i] == opening)
                {
                    depth++;
                }
                else if (text[i] == closing && --depth == 0)
                {
                    return i;
                }
            }

            return text.Length - 1;
        }

        private static int FirstTopLevel(string text, char wanted)
        {
            int depth = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == wanted && depth == 0)
                {
                    return i;
                }

                if (c == '<' || c == '(' || c == '[' || c == '{')
                {
                    depth++;
                }
                else if (c == '>' || c == ')' || c == ']' || c == '}')
                {
                    depth--;
                }
            }

            return -1;
        }

        private static int LastTopLevel(string text, char wanted)
        {
            int depth = 0;
            for (int i = text.Length - 1; i >= 0; i--)
            {
                char c = text[i];
                if (c == wanted && depth == 0)
                {
                    return i;
                }

                if (c == '>' || c == ')' || c == ']' || c == '}')
                {
                    depth++;
                }
                else if (c == '<' || c == '(' || c == '[' || c == '{')
                {
                    depth--;
                }
            }

            return -1;
        }
    }
}
