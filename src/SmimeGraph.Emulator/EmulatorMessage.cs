namespace SmimeGraph.Emulator;

/// <summary>A message in the emulator's Maildir store.</summary>
/// <param name="Mailbox">The mailbox folder name (<c>me</c>, or the user id / principal name in lower case).</param>
/// <param name="Folder">The mail folder, e.g. <c>drafts</c>, <c>sentitems</c>.</param>
/// <param name="Id">The Graph message id (the Maildir file name's unique part).</param>
/// <param name="Path">The Maildir file holding the MIME bytes exactly as uploaded.</param>
/// <param name="IsDraft">True when the Maildir <c>D</c> flag is set.</param>
public sealed record EmulatorMessage(string Mailbox, string Folder, string Id, string Path, bool IsDraft);
