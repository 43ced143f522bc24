namespace SmimeGraph.MicrosoftGraph;

/// <summary>Settings of <see cref="GraphServiceClientMimeTransport"/>.</summary>
public sealed class GraphServiceClientMimeTransportOptions
{
    /// <summary>
    /// Sends <c>Prefer: IdType="ImmutableId"</c> on every request, so a message keeps its id when
    /// it moves from Drafts to Sent Items (https://learn.microsoft.com/graph/outlook-immutable-id).
    /// </summary>
    public bool PreferImmutableIds { get; set; }

    /// <summary>
    /// How long a create whose answer was lost (504, or the connection after the request was
    /// written) keeps looking for the draft by its Message-ID before the create is made again.
    /// Default 2 seconds.
    /// </summary>
    public TimeSpan AmbiguousCreateLookupWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times a create is made in all when its answer keeps getting lost. Default 3.</summary>
    public int MaxCreateAttempts { get; set; } = 3;

    /// <summary>The clock for the lookup polling; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
