using System.Net;
using System.Text;
using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

public class GraphErrorResponseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Graphs_error_JSON_gives_code_message_and_ids()
    {
        // The error body from graph-docs/create-message.md, with Graph's usual innerError.
        const string Body = """
            {
                "error": {
                    "code": "ErrorMimeContentInvalidBase64String",
                    "message": "Invalid base64 string for MIME content.",
                    "innerError": { "date": "2026-11-21T06:00:00", "request-id": "inner-request", "client-request-id": "inner-client" }
                }
            }
            """;
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);

        GraphRequestException ex = GraphErrorResponse.Create(response, Encoding.UTF8.GetBytes(Body), "sent-client", Now);

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("ErrorMimeContentInvalidBase64String", ex.ErrorCode);
        Assert.Equal("Invalid base64 string for MIME content.", ex.GraphMessage);
        Assert.Equal("inner-request", ex.RequestId);
        Assert.Equal("inner-client", ex.ClientRequestId);
        Assert.Contains("ErrorMimeContentInvalidBase64String", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public void Response_headers_win_over_innerError_and_Retry_After_is_kept()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("request-id", "header-request");
        response.Headers.TryAddWithoutValidation("client-request-id", "header-client");
        response.Headers.TryAddWithoutValidation("Retry-After", "3");
        const string Body = """{"error":{"code":"TooManyRequests","message":"Slow down.","innerError":{"request-id":"inner-request"}}}""";

        GraphRequestException ex = GraphErrorResponse.Create(response, Encoding.UTF8.GetBytes(Body), "sent-client", Now);

        Assert.Equal("header-request", ex.RequestId);
        Assert.Equal("header-client", ex.ClientRequestId);
        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>Bad gateway</body></html>")]
    [InlineData("{\"error\":\"flat string\"}")]
    [InlineData("{\"error\":{\"code\":")]
    public void A_body_that_is_not_Graphs_error_JSON_still_gives_the_status(string body)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway) { ReasonPhrase = "Bad Gateway" };

        GraphRequestException ex = GraphErrorResponse.Create(response, Encoding.UTF8.GetBytes(body), "sent-client", Now);

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Null(ex.ErrorCode);
        Assert.Equal("Bad Gateway", ex.GraphMessage);
        Assert.Equal("sent-client", ex.ClientRequestId);
    }

    [Fact]
    public void Control_characters_in_server_text_do_not_reach_the_message()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadRequest);
        const string Body = """{"error":{"code":"Bad\r\nCode","message":"line one\r\nInjected: header"}}""";

        GraphRequestException ex = GraphErrorResponse.Create(response, Encoding.UTF8.GetBytes(Body), "c", Now);

        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\r', ex.Message);
    }
}
