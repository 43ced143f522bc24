using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SmimeGraph.Emulator;

/// <summary>
/// The query options of a message listing (api-reference/v1.0/api/user-list-messages.md):
/// <c>$select</c>, <c>$filter</c> (equality on a few properties, joined with <c>and</c>),
/// <c>$top</c> (1 to 1000, default 10) and <c>$skip</c>, which <c>@odata.nextLink</c> carries.
/// </summary>
internal sealed class ODataQuery
{
    public const int DefaultPageSize = 10;
    public const int MaxPageSize = 1000;

    private static readonly HashSet<string> Filterable = new(StringComparer.Ordinal)
    {
        "internetMessageId", "subject", "conversationId", "parentFolderId", "isDraft", "isRead", "hasAttachments", "id",
    };

    private ODataQuery()
    {
    }

    public IReadOnlyList<string>? Select { get; private init; }

    public IReadOnlyList<(string Property, string Value)> Filter { get; private init; } = [];

    public int Top { get; private init; } = DefaultPageSize;

    public int Skip { get; private init; }

    /// <summary>Reads the query string; on failure the Graph error code and message.</summary>
    public static ODataQuery? Parse(IQueryCollection query, bool forCollection, out string? errorCode, out string? error)
    {
        errorCode = null;
        error = null;
        IReadOnlyList<string>? select = null;
        if (query.TryGetValue("$select", out var selectValue))
        {
            string[] names = selectValue.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (MessageItem.UnknownProperty(names) is { } unknown)
            {
                errorCode = "RequestBroker--ParseUri";
                error = $"Could not find a property named '{unknown}' on type 'microsoft.graph.message'.";
                return null;
            }

            select = names;
        }

        if (!forCollection)
        {
            return new ODataQuery { Select = select };
        }

        int top = DefaultPageSize;
        if (query.TryGetValue("$top", out var topValue)
            && (!int.TryParse(topValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > MaxPageSize))
        {
            errorCode = "BadRequest";
            error = $"Invalid page size specified: '{topValue}'. Must be between 1 and {MaxPageSize} inclusive.";
            return null;
        }

        int skip = 0;
        if (query.TryGetValue("$skip", out var skipValue) && !int.TryParse(skipValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out skip))
        {
            errorCode = "BadRequest";
            error = $"Invalid $skip value '{skipValue}'.";
            return null;
        }

        var filter = new List<(string, string)>();
        if (query.TryGetValue("$filter", out var filterValue) && !TryParseFilter(filterValue.ToString(), filter))
        {
            // Publicly observed answer of Exchange to a filter it cannot run.
            errorCode = "ErrorInvalidUrlQueryFilter";
            error = "The query filter contains one or more invalid nodes.";
            return null;
        }

        return new ODataQuery { Select = select, Top = top, Skip = skip, Filter = filter };
    }

    /// <summary>
    /// OData 4.01 URL conventions §5.1.1: <c>property eq literal</c> clauses joined with
    /// <c>and</c>; a string literal is single-quoted with <c>''</c> for a quote.
    /// </summary>
    private static bool TryParseFilter(string text, List<(string Property, string Value)> clauses)
    {
        int position = 0;
        while (true)
        {
            SkipSpace(text, ref position);
            int nameStart = position;
            while (position < text.Length && char.IsAsciiLetterOrDigit(text[position]))
            {
                position++;
            }

            string property = text[nameStart..position];
            if (!Filterable.Contains(property))
            {
                return false;
            }

            SkipSpace(text, ref position);
            if (!Keyword(text, ref position, "eq"))
            {
                return false;
            }

            SkipSpace(text, ref position);
            string value;
            if (position < text.Length && text[position] == '\'')
            {
                var builder = new System.Text.StringBuilder();
                position++;
                while (true)
                {
                    if (position >= text.Length)
                    {
                        return false;
                    }

                    if (text[position] == '\'')
                    {
                        if (position + 1 < text.Length && text[position + 1] == '\'')
                        {
                            builder.Append('\'');
                            position += 2;
                            continue;
                        }

                        position++;
                        break;
                    }

                    builder.Append(text[position++]);
                }

                value = builder.ToString();
            }
            else if (Keyword(text, ref position, "true"))
            {
                value = "true";
            }
            else if (Keyword(text, ref position, "false"))
            {
                value = "false";
            }
            else
            {
                return false;
            }

            clauses.Add((property, value));
            SkipSpace(text, ref position);
            if (position == text.Length)
            {
                return clauses.Count <= 16;
            }

            if (!Keyword(text, ref position, "and"))
            {
                return false;
            }
        }
    }

    private static void SkipSpace(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }

    private static bool Keyword(string text, ref int position, string keyword)
    {
        if (string.CompareOrdinal(text, position, keyword, 0, keyword.Length) == 0
            && (position + keyword.Length == text.Length || !char.IsAsciiLetterOrDigit(text[position + keyword.Length])))
        {
            position += keyword.Length;
            return true;
        }

        return false;
    }
}
