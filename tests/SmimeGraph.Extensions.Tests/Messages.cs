using System.Text;
using SmimeGraph.Graph;

namespace SmimeGraph.Extensions.Tests;

internal static class Messages
{
    public static Task<GraphPayload> PayloadAsync(string subject, string messageId) =>
        GraphPayload.FromMimeAsync(new MemoryStream(Encoding.ASCII.GetBytes(
            "From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\n"
            + $"Subject: {subject}\r\nDate: Sat, 21 Nov 2026 06:00:00 +0000\r\nMessage-ID: <{messageId}>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\nHello.\r\n")));
}
