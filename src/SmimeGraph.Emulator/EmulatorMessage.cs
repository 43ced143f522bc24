namespace SmimeGraph.Emulator;

/// <summary>A message in the emulator's Maildir store.</summary>
/// <param name="Mailbox">The mailbox folder name (<c>me</c>, or the user id / principal name in lower case).</param>
/// <param name="Folder">The mail folder, e.g. <c>drafts</c>, <c>sentitems</c>.</param>
/// <param name="Id">
/// The Graph message id as Graph returns it by default; it names the folder too, so it changes when
/// the message moves (a sent draft has a new id in Sent Items).
/// </param>
/// <param name="Path">The Maildir file holding the MIME bytes exactly as uploaded.</param>
/// <param name="IsDraft">True when the Maildir <c>D</c> flag is set.</param>
/// <param name="ImmutableId">The id returned under <c>Prefer: IdType="ImmutableId"</c>; it survives moves within the mailbox.</param>
public sealed record EmulatorMessage(string Mailbox, string Folder, string Id, string Path, bool IsDraft, string ImmutableId)
{
    internal static EmulatorMessage From(StoredMessage message) =>
        new(message.Mailbox, message.Folder, message.RestId, message.Path, message.IsDraft, message.ImmutableId);
}
