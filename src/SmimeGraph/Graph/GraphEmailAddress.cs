namespace SmimeGraph.Graph;

/// <summary>Graph's <c>emailAddress</c> (inside a <c>recipient</c>): a display name and an address.</summary>
/// <param name="Name">The display name, when Graph gives one.</param>
/// <param name="Address">The SMTP address.</param>
public sealed record GraphEmailAddress(string? Name, string Address)
{
    /// <summary><c>"Name" &lt;address&gt;</c> or the bare address.</summary>
    public override string ToString() => string.IsNullOrEmpty(Name) ? Address : $"\"{Name}\" <{Address}>";
}
