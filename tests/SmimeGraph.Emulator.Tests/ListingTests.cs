using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace SmimeGraph.Emulator.Tests;

/// <summary>
/// List messages (api-reference/v1.0/api/user-list-messages.md): a folder's messages newest
/// first, 10 a page unless <c>$top</c> says otherwise, the rest through <c>@odata.nextLink</c>,
/// narrowed by <c>$filter</c> and <c>$select</c>.
/// </summary>
public class ListingTests
{
    [Fact]
    public async Task Filter_by_internetMessageId_finds_the_one_message_even_with_a_quote_in_it()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        foreach (string id in new[] { "first@example.com", "o'brien@example.com", "third@example.com" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await session.Raw.PostMimeAsync("me/sendMail", TestMime.Message("Id " + id, messageId: id))).Status);
        }

        // OData: a quote inside a string literal is written twice.
        string filter = Uri.EscapeDataString("internetMessageId eq '<o''brien@example.com>'");
        RawResponse response = await session.Raw.GetAsync($"me/mailFolders/sentitems/messages?$filter={filter}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        JsonElement only = Assert.Single(response.Json.GetProperty("value").EnumerateArray());
        Assert.Equal("<o'brien@example.com>", only.GetProperty("internetMessageId").GetString());
        Assert.Equal("Id o'brien@example.com", only.GetProperty("subject").GetString());
        Assert.False(response.Json.TryGetProperty("@odata.nextLink", out _));
    }

    [Fact]
    public async Task Select_returns_the_named_properties_with_id_and_etag()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Selected", messageId: "selected@example.com"));

        RawResponse response = await session.Raw.GetAsync("me/mailFolders/drafts/messages?$select=subject,internetMessageId");

        JsonElement message = Assert.Single(response.Json.GetProperty("value").EnumerateArray());
        Assert.Equal(["@odata.etag", "id", "internetMessageId", "subject"], message.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.EndsWith("/$metadata#users('me')/mailFolders('drafts')/messages(subject,internetMessageId)", response.Json.GetProperty("@odata.context").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_pages_through_nextLink_newest_first_each_message_once()
    {
        FakeTimeProvider clock = EmulatorSession.NewClock();
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { TimeProvider = clock, SentCopyDelay = TimeSpan.Zero });
        for (int i = 0; i < 7; i++)
        {
            await session.Raw.PostMimeAsync("me/sendMail", TestMime.Message("Page " + i, messageId: $"page{i}@example.com"));
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var seen = new List<string>();
        string? next = "me/mailFolders/sentitems/messages?$top=3&$select=internetMessageId";
        int pages = 0;
        while (next is not null)
        {
            RawResponse page = await session.Raw.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            JsonElement[] values = [.. page.Json.GetProperty("value").EnumerateArray()];
            Assert.InRange(values.Length, 1, 3);
            seen.AddRange(values.Select(v => v.GetProperty("internetMessageId").GetString()!));
            next = page.Json.TryGetProperty("@odata.nextLink", out JsonElement link) ? link.GetString() : null;
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Reverse().Select(i => $"<page{i}@example.com>"), seen);
    }

    [Fact]
    public async Task The_default_page_is_ten_messages()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        for (int i = 0; i < 11; i++)
        {
            await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Draft " + i));
        }

        RawResponse response = await session.Raw.GetAsync("me/messages");

        Assert.Equal(10, response.Json.GetProperty("value").GetArrayLength());
        Assert.Contains("$skip=10", response.Json.GetProperty("@odata.nextLink").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Immutable_ids_are_listed_under_Prefer_ImmutableId()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Immutable"));

        RawResponse plain = await session.Raw.GetAsync("me/messages");
        RawResponse immutable = await session.Raw.GetAsync("me/messages", prefer: "IdType=\"ImmutableId\"");

        EmulatorMessage stored = Assert.Single(session.Host.GetMessages("me"));
        Assert.Equal(stored.Id, plain.Json.GetProperty("value")[0].GetProperty("id").GetString());
        Assert.Equal(stored.ImmutableId, immutable.Json.GetProperty("value")[0].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("$top=0", "BadRequest")]
    [InlineData("$top=1001", "BadRequest")]
    [InlineData("$select=subject,notAProperty", "RequestBroker--ParseUri")]
    [InlineData("$filter=toRecipients/any(r:r/emailAddress/address eq 'a@example.com')", "ErrorInvalidUrlQueryFilter")]
    [InlineData("$filter=subject eq 'unterminated", "ErrorInvalidUrlQueryFilter")]
    [InlineData("$filter=endswith(subject,'x')", "ErrorInvalidUrlQueryFilter")]
    public async Task Query_options_outside_what_Graph_takes_are_400(string query, string code)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        RawResponse response = await session.Raw.GetAsync("me/messages?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(code, response.ErrorCode);
    }

    [Fact]
    public async Task Filters_join_with_and()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync(new EmulatorOptions { SentCopyDelay = TimeSpan.Zero });
        await session.Raw.PostMimeAsync("me/messages", TestMime.Message("Same subject", messageId: "draft@example.com"));
        await session.Raw.PostMimeAsync("me/sendMail", TestMime.Message("Same subject", messageId: "sent@example.com"));

        string filter = Uri.EscapeDataString("subject eq 'Same subject' and isDraft eq false");
        RawResponse response = await session.Raw.GetAsync($"me/messages?$filter={filter}");

        JsonElement only = Assert.Single(response.Json.GetProperty("value").EnumerateArray());
        Assert.Equal("<sent@example.com>", only.GetProperty("internetMessageId").GetString());
    }
}
