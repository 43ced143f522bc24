using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SmimeGraph.Emulator.Tests;

/// <summary>Graph's JSON form of create message and sendMail, stored as MIME that Python's email package reads.</summary>
public class JsonBodyTests
{
    [Fact]
    public async Task SendMail_with_a_JSON_message_is_stored_as_MIME_with_its_subject_recipients_and_body()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        const string Json = """
            {"message":{"subject":"Grüße, JSON","body":{"contentType":"Text","content":"Hello from JSON.\nÄ second line."},
             "toRecipients":[{"emailAddress":{"address":"bob@example.com","name":"Bob \"B\" Example"}}],
             "ccRecipients":[{"emailAddress":{"address":"carol@example.com"}}]},
             "saveToSentItems":true}
            """;

        using HttpResponseMessage response = await PostAsync(session, "users/alice@example.com/sendMail", Json);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        session.Host.DeliverSentItemsNow();
        EmulatorMessage sent = Assert.Single(session.Host.GetMessages("alice@example.com", "sentitems"));
        const string Script = """
            import email, email.policy, json, sys
            with open(sys.argv[1], "rb") as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            print(json.dumps({"subject": str(m["Subject"]), "from": str(m["From"]), "to": [a.addr_spec for a in m["To"].addresses],
                              "toName": m["To"].addresses[0].display_name, "cc": [a.addr_spec for a in m["Cc"].addresses],
                              "body": m.get_content(), "defects": len(m.defects)}))
            """;
        using JsonDocument read = JsonDocument.Parse(await Python.RunAsync(Script, sent.Path));
        JsonElement root = read.RootElement;
        Assert.Equal("Grüße, JSON", root.GetProperty("subject").GetString());
        Assert.Equal("alice@example.com", root.GetProperty("from").GetString());
        Assert.Equal("bob@example.com", Assert.Single(root.GetProperty("to").EnumerateArray()).GetString());
        Assert.Equal("Bob \"B\" Example", root.GetProperty("toName").GetString());
        Assert.Equal("carol@example.com", Assert.Single(root.GetProperty("cc").EnumerateArray()).GetString());
        Assert.Equal("Hello from JSON.\nÄ second line.", root.GetProperty("body").GetString());
        Assert.Equal(0, root.GetProperty("defects").GetInt32());
    }

    [Fact]
    public async Task Create_message_with_JSON_answers_201_with_the_message()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        const string Json = """
            {"subject":"Did you see last night's game?","importance":"Low",
             "body":{"contentType":"HTML","content":"They were <b>awesome</b>!"},
             "toRecipients":[{"emailAddress":{"address":"AdeleV@contoso.onmicrosoft.com"}}]}
            """;

        using HttpResponseMessage response = await PostAsync(session, "me/messages", Json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using JsonDocument message = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = message.RootElement;
        Assert.Equal("Did you see last night's game?", root.GetProperty("subject").GetString());
        Assert.True(root.GetProperty("isDraft").GetBoolean());
        Assert.Equal("AdeleV@contoso.onmicrosoft.com", root.GetProperty("toRecipients")[0].GetProperty("emailAddress").GetProperty("address").GetString());
        Assert.Equal(root.GetProperty("id").GetString(), Assert.Single(session.Host.GetMessages("me", "drafts")).Id);
    }

    [Theory]
    [InlineData("{not json", "RequestBodyRead")]
    [InlineData("""{"subject":"x","toRecipients":[{"emailAddress":{"address":"not an address"}}]}""", "ErrorInvalidRecipients")]
    public async Task Bad_JSON_bodies_are_400(string json, string code)
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        using HttpResponseMessage response = await PostAsync(session, "me/messages", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(session.Host.GetMessages("me"));
    }

    [Fact]
    public async Task Listing_a_folder_returns_its_messages()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using (HttpResponseMessage created = await PostAsync(session, "me/messages", """{"subject":"Listed"}"""))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(session.Host.BaseAddress + "/me/mailFolders/Drafts/messages"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EmulatorSession.Token);
        using HttpResponseMessage response = await session.Http.SendAsync(request);

        using JsonDocument list = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Listed", Assert.Single(list.RootElement.GetProperty("value").EnumerateArray()).GetProperty("subject").GetString());
    }

    private static async Task<HttpResponseMessage> PostAsync(EmulatorSession session, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(session.Host.BaseAddress + "/" + path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EmulatorSession.Token);
        return await session.Http.SendAsync(request);
    }
}
