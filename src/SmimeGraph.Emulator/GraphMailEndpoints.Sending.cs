using System.Collections.Concurrent;
using System.Net.Mail;

namespace SmimeGraph.Emulator;

/// <summary>
/// send, sendMail, reply, replyAll, forward and the move to Sent Items. As
/// concepts/outlook-things-to-know-about-send-mail.md describes: the message is saved in
/// Drafts and the call answers 202; transport then takes it, and the store moves it "from the
/// Drafts folder to the Sent Items folder" — here after <see cref="EmulatorOptions.SentCopyDelay"/>,
/// under a new default id ("Getting the message in Sent Items may not succeed immediately after
/// sending", concepts/outlook-immutable-id.md). While it waits it is submitted (Maildir flag
/// <c>P</c>): it can be read, not changed or sent again.
/// </summary>
internal sealed partial class GraphMailEndpoints : IDisposable
{
    private readonly ConcurrentDictionary<(string Mailbox, string Key), ITimer?> _pending = new();
    private readonly ConcurrentDictionary<(string Mailbox, string Key), bool> _discard = new();
    private int _disposed;

    /// <summary>Messages sent and not yet in Sent Items.</summary>
    public int PendingDeliveries => _pending.Count;

    /// <summary>sendMail (api-reference/v1.0/api/user-sendmail.md): 202, then the copy reaches Sent Items (unless saveToSentItems is false).</summary>
    private async Task SendMailAsync(MailRequest request)
    {
        if (await ReadMimeAsync(request, allowJson: true, sendMailEnvelope: true).ConfigureAwait(false) is not { } upload
            || !await ValidateSubmissionAsync(request, upload.Summary, original: null).ConfigureAwait(false))
        {
            return;
        }

        Submit(request.Mailbox, upload.Mime, discard: !upload.SaveToSentItems);
        request.Context.Response.StatusCode = 202;
    }

    /// <summary>reply, replyAll, forward (message-reply.md, message-replyall.md, message-forward.md) with MIME: the original must exist.</summary>
    private async Task SendActionAsync(MailRequest request)
    {
        if (await FindMessageAsync(request).ConfigureAwait(false) is not { } original
            || await ReadMimeAsync(request, allowJson: false, sendMailEnvelope: false).ConfigureAwait(false) is not { } upload)
        {
            return;
        }

        MimeSummary? originalSummary = null;
        if (await MessageItem.LoadAsync(original, request.Context.RequestAborted).ConfigureAwait(false) is { } loaded)
        {
            originalSummary = loaded.Item.Summary;
        }

        // A reply goes to the original's sender; a forward only to whom its MIME names.
        if (!await ValidateSubmissionAsync(request, upload.Summary, request.Route.Operation == "forward" ? null : originalSummary).ConfigureAwait(false))
        {
            return;
        }

        Submit(request.Mailbox, upload.Mime, discard: false);
        request.Context.Response.StatusCode = 202;
    }

    /// <summary>createReply, createReplyAll, createForward: the original must exist; the draft goes to Drafts.</summary>
    private async Task CreateFromOriginalAsync(MailRequest request)
    {
        if (await FindMessageAsync(request).ConfigureAwait(false) is { } original)
        {
            await CreateAsync(request, original).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// send (api-reference/v1.0/api/message-send.md): 202, and the draft moves to Sent Items. The
    /// check (still an unsent draft, valid recipients and From) and the change (submitted) happen
    /// under the mailbox lock, so a concurrent PUT or send sees either the draft or the sent
    /// message, never both.
    /// </summary>
    private async Task SendDraftAsync(MailRequest request)
    {
        await DrainAsync(request.Context).ConfigureAwait(false);
        if (await ParseMessageIdAsync(request).ConfigureAwait(false) is not { } id)
        {
            return;
        }

        ChangeOutcome outcome;
        (int Status, string Code, string Message)? invalid = null;
        StoredMessage? submitted = null;
        lock (_store.LockFor(request.Mailbox))
        {
            if (!TryLocate(request.Mailbox, id, request.Route.Folder, out StoredMessage? current))
            {
                outcome = ChangeOutcome.NotFound;
            }
            else if (!current.IsDraft || current.IsSubmitted)
            {
                outcome = ChangeOutcome.NotADraft;
            }
            else
            {
                byte[] mime = File.ReadAllBytes(current.Path);
                invalid = MimeSummary.TryParse(mime, out MimeSummary? summary)
                    ? CheckSubmission(request.Mailbox, summary, original: null)
                    : (400, "ErrorMimeContentInvalid", "MIME content does not contain all required information, malformed formatting, or empty.");
                if (invalid is null)
                {
                    submitted = _store.SetFlags(current, MaildirStore.DraftFlag + MaildirStore.SubmittedFlag + MaildirStore.SeenFlag);
                }

                outcome = ChangeOutcome.Done;
            }
        }

        if (outcome == ChangeOutcome.NotFound)
        {
            await NotFoundAsync(request.Context).ConfigureAwait(false);
        }
        else if (outcome == ChangeOutcome.NotADraft)
        {
            await ErrorAsync(request.Context, 400, "ErrorInvalidRequest", "Only an unsent draft can be sent.").ConfigureAwait(false);
        }
        else if (invalid is { } error)
        {
            await ErrorAsync(request.Context, error.Status, error.Code, error.Message).ConfigureAwait(false);
        }
        else
        {
            Schedule(submitted!.Mailbox, submitted.Key);
            request.Context.Response.StatusCode = 202;
        }
    }

    private async Task<bool> ValidateSubmissionAsync(MailRequest request, MimeSummary summary, MimeSummary? original)
    {
        if (CheckSubmission(request.Mailbox, summary, original) is { } error)
        {
            await ErrorAsync(request.Context, error.Status, error.Code, error.Message).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>
    /// What Exchange checks when a message is submitted (<paramref name="original"/>: the message replied to): at least one recipient (400
    /// ErrorInvalidRecipients, as publicly observed: microsoftgraph/msgraph-sdk-dotnet#1891), and
    /// a From and Sender the mailbox may send as (403 ErrorSendAsDenied, as publicly observed:
    /// microsoftgraph/msgraph-sdk-php#1499; concepts/outlook-send-mail-from-other-user.md). A
    /// reply goes to the original's sender even when the MIME names nobody (message-reply.md:
    /// "This method uses the sender of the original message as recipient").
    /// </summary>
    private (int Status, string Code, string Message)? CheckSubmission(string mailbox, MimeSummary summary, MimeSummary? original)
    {
        int recipients = summary.To.Count + summary.Cc.Count + summary.Bcc.Count;
        if (original is not null)
        {
            recipients += original.ReplyTo.Count > 0 ? original.ReplyTo.Count : original.From.Count;
        }

        if (recipients == 0)
        {
            return (400, "ErrorInvalidRecipients", "At least one recipient is not valid., A message can't be sent because it contains no recipients.");
        }

        if (IsAddress(mailbox))
        {
            bool unreadableFrom = (summary.Entity.GetHeader("From") is not null && summary.From.Count == 0)
                || (summary.Entity.GetHeader("Sender") is not null && summary.Sender.Count == 0);
            if (unreadableFrom || summary.From.Concat(summary.Sender).Any(address => !MaySendAs(mailbox, address)))
            {
                return (403, "ErrorSendAsDenied", "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.");
            }
        }

        return null;
    }

    private bool MaySendAs(string mailbox, MailAddress address) =>
        address.Address.Equals(mailbox, StringComparison.OrdinalIgnoreCase) || _sendAs.Contains(address.Address);

    /// <summary>Saves a new message in Drafts, submitted, and schedules its move to Sent Items.</summary>
    private void Submit(string mailbox, byte[] mime, bool discard)
    {
        StoredMessage message;
        lock (_store.LockFor(mailbox))
        {
            message = _store.Add(mailbox, Drafts, mime, MaildirStore.DraftFlag + MaildirStore.SubmittedFlag + MaildirStore.SeenFlag);
        }

        if (discard)
        {
            _discard[(mailbox, message.Key)] = true;
        }

        Schedule(mailbox, message.Key);
    }

    private void Schedule(string mailbox, string key)
    {
        if (_options.SentCopyDelay <= TimeSpan.Zero || Volatile.Read(ref _disposed) != 0)
        {
            Deliver(mailbox, key);
            return;
        }

        _pending[(mailbox, key)] = null;
        ITimer timer = _time.CreateTimer(static state => ((Action)state!)(), (Action)(() => Deliver(mailbox, key)), _options.SentCopyDelay, Timeout.InfiniteTimeSpan);
        if (!_pending.TryUpdate((mailbox, key), timer, null))
        {
            // Delivered already (the timer fired, or DeliverNow ran).
            timer.Dispose();
        }
    }

    /// <summary>
    /// The move to Sent Items, under the mailbox lock; a message deleted or changed meanwhile is
    /// left alone. The message stays on the waiting list until its move is done, so that
    /// <see cref="DeliverNow"/>, called while a timer's move is under way, waits for it (through
    /// the lock) instead of returning before the copy is in Sent Items.
    /// </summary>
    private void Deliver(string mailbox, string key)
    {
        try
        {
            lock (_store.LockFor(mailbox))
            {
                // Taken under the lock: whichever delivery comes first acts, with the right flag.
                bool discard = _discard.TryRemove((mailbox, key), out _);
                if (!_store.TryFind(mailbox, key, out StoredMessage? message) || !message.IsSubmitted)
                {
                    return;
                }

                if (discard)
                {
                    _store.Delete(message);
                }
                else
                {
                    _store.Move(message, SentItems, MaildirStore.SeenFlag, touch: true);
                }
            }
        }
        catch (IOException ex)
        {
            _options.Log?.WriteLine($"delivery of {key} failed: {ex.Message}");
        }
        finally
        {
            if (_pending.TryRemove((mailbox, key), out ITimer? timer))
            {
                timer?.Dispose();
            }
        }
    }

    /// <summary>Moves every submitted message to Sent Items now (for tests, and at start for mail left waiting by a restart).</summary>
    public void DeliverNow(bool includeStored = false)
    {
        foreach ((string mailbox, string key) in _pending.Keys.ToArray())
        {
            Deliver(mailbox, key);
        }

        if (includeStored)
        {
            foreach (string mailbox in _store.Mailboxes())
            {
                foreach (StoredMessage message in _store.List(mailbox, null).Where(m => m.IsSubmitted))
                {
                    Deliver(mailbox, message.Key);
                }
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (ITimer? timer in _pending.Values)
        {
            timer?.Dispose();
        }
    }
}
