using System.Globalization;
using System.Text.Json;

namespace SmimeGraph.Emulator;

/// <summary>
/// Faults the emulator injects into the next matching requests: throttling (429 with
/// <c>Retry-After</c>), 503, 504, a dropped connection, or a slow answer, each for every request
/// or one operation, before or after the request is acted on. Rules apply in the order added;
/// a request gets at most one fault. Set them here or from a JSON file (<see cref="Load"/>; the
/// format is in docs/emulator.md).
/// </summary>
public sealed class EmulatorFaults
{
    private readonly List<RuleState> _rules = [];
    private readonly Lock _lock = new();

    /// <summary>Faults still to be injected (a rule that applies to every request counts once).</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _rules.Sum(r => r.Rule.Count == 0 ? 1 : r.Remaining);
            }
        }
    }

    /// <summary>The next <paramref name="count"/> requests get <c>429 ApplicationThrottled</c> with <c>Retry-After: seconds</c>.</summary>
    public void Throttle(int count = 1, int retryAfterSeconds = 1, string operation = "*") =>
        Add(new EmulatorFaultRule { Kind = EmulatorFaultKind.Throttle, Count = Positive(count), RetryAfterSeconds = retryAfterSeconds, Operation = operation });

    /// <summary>The next <paramref name="count"/> requests get <c>429</c> with <c>Retry-After</c> as an HTTP-date.</summary>
    public void ThrottleUntil(DateTimeOffset retryAt, int count = 1, string operation = "*") =>
        Add(new EmulatorFaultRule { Kind = EmulatorFaultKind.Throttle, Count = Positive(count), RetryAt = retryAt, Operation = operation });

    /// <summary>The next <paramref name="count"/> requests get <c>503 serviceNotAvailable</c>, with <c>Retry-After</c> when given.</summary>
    public void ServiceUnavailable(int count = 1, int? retryAfterSeconds = null, string operation = "*") =>
        Add(new EmulatorFaultRule { Kind = EmulatorFaultKind.ServiceUnavailable, Count = Positive(count), RetryAfterSeconds = retryAfterSeconds, Operation = operation });

    /// <summary>
    /// The next <paramref name="count"/> requests get <c>504</c>, with <c>Retry-After</c> when
    /// given; with <paramref name="afterAction"/> the request is acted on first.
    /// </summary>
    public void GatewayTimeout(int count = 1, int? retryAfterSeconds = null, string operation = "*", bool afterAction = false) =>
        Add(new EmulatorFaultRule { Kind = EmulatorFaultKind.GatewayTimeout, Count = Positive(count), RetryAfterSeconds = retryAfterSeconds, Operation = operation, AfterAction = afterAction });

    /// <summary>
    /// The next <paramref name="count"/> requests are read in full and their connection is reset
    /// without a response; with <paramref name="afterAction"/> the request is acted on first.
    /// </summary>
    public void DropConnection(int count = 1, string operation = "*", bool afterAction = false) =>
        Add(new EmulatorFaultRule { Kind = EmulatorFaultKind.DropConnection, Count = Positive(count), Operation = operation, AfterAction = afterAction });

    /// <summary>The next <paramref name="count"/> requests wait <paramref name="delay"/> before they are handled.</summary>
    public void Slow(TimeSpan delay, int count = 1, string operation = "*") =>
        Add(new EmulatorFaultRule { Kind = EmulatorFaultKind.Slow, Count = Positive(count), Delay = delay, Operation = operation });

    /// <summary>Adds a rule.</summary>
    public void Add(EmulatorFaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_lock)
        {
            _rules.Add(new RuleState(rule));
        }
    }

    /// <summary>Adds the rules of a fault file (JSON; see docs/emulator.md).</summary>
    /// <exception cref="FormatException">The JSON is not a fault list; the message says where.</exception>
    public void Load(string json)
    {
        foreach (EmulatorFaultRule rule in Parse(json))
        {
            Add(rule);
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    /// <summary>
    /// Reads a fault file: <c>{"faults":[{"operation":"send","fault":"504","after":true}, ...]}</c>
    /// (or the array alone). <c>fault</c> is <c>429</c>, <c>503</c>, <c>504</c>, <c>drop</c> or
    /// <c>slow</c>; optional <c>operation</c> (default <c>*</c>), <c>count</c> (default 1; 0 =
    /// every request), <c>skip</c>, <c>retryAfter</c> (seconds), <c>delayMs</c> (slow), <c>after</c>.
    /// </summary>
    /// <exception cref="FormatException">The JSON is not a fault list; the message says where.</exception>
    public static IReadOnlyList<EmulatorFaultRule> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The fault file is not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            JsonElement list = document.RootElement;
            if (list.ValueKind == JsonValueKind.Object && list.TryGetProperty("faults", out JsonElement faults))
            {
                list = faults;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("The fault file must be {\"faults\": [ ... ]} or an array of faults.");
            }

            var rules = new List<EmulatorFaultRule>();
            int index = 0;
            foreach (JsonElement item in list.EnumerateArray())
            {
                try
                {
                    rules.Add(ParseRule(item));
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
                {
                    throw new FormatException($"Fault {index}: {ex.Message}", ex);
                }

                index++;
            }

            return rules;
        }
    }

    /// <summary>The fault for the next request of <paramref name="operation"/>, if any.</summary>
    internal EmulatorFaultRule? Take(string operation)
    {
        lock (_lock)
        {
            foreach (RuleState state in _rules)
            {
                if (!state.Rule.Matches(operation) || (state.Rule.Count != 0 && state.Remaining == 0))
                {
                    continue;
                }

                if (state.SkipRemaining > 0)
                {
                    state.SkipRemaining--;
                    continue;
                }

                if (state.Rule.Count != 0)
                {
                    state.Remaining--;
                }

                return state.Rule;
            }

            _rules.RemoveAll(s => s.Rule.Count != 0 && s.Remaining == 0);
            return null;
        }
    }

    private static EmulatorFaultRule ParseRule(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("each fault is an object.");
        }

        foreach (JsonProperty property in item.EnumerateObject())
        {
            if (property.Name is not ("operation" or "fault" or "count" or "skip" or "retryAfter" or "delayMs" or "after"))
            {
                throw new FormatException($"unknown property '{property.Name}'.");
            }
        }

        string fault = item.TryGetProperty("fault", out JsonElement f) && f.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? (f.ValueKind == JsonValueKind.Number ? f.GetRawText() : f.GetString()!).Trim().ToLowerInvariant()
            : throw new FormatException("'fault' is required: 429, 503, 504, drop or slow.");
        EmulatorFaultKind kind = fault switch
        {
            "429" or "throttle" => EmulatorFaultKind.Throttle,
            "503" => EmulatorFaultKind.ServiceUnavailable,
            "504" => EmulatorFaultKind.GatewayTimeout,
            "drop" => EmulatorFaultKind.DropConnection,
            "slow" => EmulatorFaultKind.Slow,
            _ => throw new FormatException($"'fault' is 429, 503, 504, drop or slow, not '{fault}'."),
        };
        bool after = item.TryGetProperty("after", out JsonElement a) && a.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException("'after' is true or false."),
        };
        if (after && kind is not (EmulatorFaultKind.GatewayTimeout or EmulatorFaultKind.DropConnection))
        {
            throw new FormatException("'after' applies to 504 and drop only.");
        }

        int? delayMs = Integer(item, "delayMs");
        if (kind == EmulatorFaultKind.Slow && delayMs is null)
        {
            throw new FormatException("a slow fault needs 'delayMs'.");
        }

        return new EmulatorFaultRule
        {
            Kind = kind,
            Operation = item.TryGetProperty("operation", out JsonElement o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "*",
            Count = Integer(item, "count") ?? 1,
            Skip = Integer(item, "skip") ?? 0,
            RetryAfterSeconds = Integer(item, "retryAfter") ?? (kind == EmulatorFaultKind.Throttle ? 1 : null),
            Delay = TimeSpan.FromMilliseconds(delayMs ?? 0),
            AfterAction = after,
        };
    }

    private static int? Integer(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number >= 0
            ? number
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{name}' is a whole number of at least 0."));
    }

    private static int Positive(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return count;
    }

    private sealed class RuleState(EmulatorFaultRule rule)
    {
        public EmulatorFaultRule Rule { get; } = rule;

        public int Remaining { get; set; } = rule.Count;

        public int SkipRemaining { get; set; } = rule.Skip;
    }
}
