namespace SmimeGraph.MimeKit.Tests.Differential;

/// <summary>
/// One place where SmimeGraph's MIME reader and MimeKit's parser see a file differently.
/// </summary>
/// <param name="File">The vector, relative to TestData/vectors.</param>
/// <param name="Path">The entity: "1" the message, "1.2" its second part, "1.m" the message inside a message/rfc822 part.</param>
/// <param name="Aspect">What differs: parse, structure, content-type, parameter:NAME, header:NAME, body.</param>
/// <param name="Ours">SmimeGraph's reading (shortened).</param>
/// <param name="Theirs">MimeKit's reading (shortened).</param>
public sealed record ParseDifference(string File, string Path, string Aspect, string Ours, string Theirs)
{
    public override string ToString() => $"{File} {Path} {Aspect}: ours=[{Ours}] mimekit=[{Theirs}]";
}
