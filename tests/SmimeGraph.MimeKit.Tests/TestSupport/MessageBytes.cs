using MimeKit;

namespace SmimeGraph.MimeKit.Tests.TestSupport;

/// <summary>Moving messages between bytes and MimeKit.</summary>
public static class MessageBytes
{
    public static MimeMessage Load(byte[] bytes) => MimeMessage.Load(new MemoryStream(bytes, writable: false));

    public static byte[] Write(MimeMessage message)
    {
        using var output = new MemoryStream();
        FormatOptions options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, output);
        return output.ToArray();
    }

    /// <summary>The MIME a base64 Graph request body stands for.</summary>
    public static byte[] FromGraphBody(byte[] base64) => Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(base64));

    /// <summary>The MIME a payload's body stands for, read through <see cref="SmimeGraph.Graph.GraphPayload.OpenRead"/>.</summary>
    public static byte[] FromGraphBody(SmimeGraph.Graph.GraphPayload payload)
    {
        using Stream body = payload.OpenRead();
        using var copy = new MemoryStream();
        body.CopyTo(copy);
        return FromGraphBody(copy.ToArray());
    }
}
