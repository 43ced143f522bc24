using System.Text;

namespace SmimeGraph.Tests.Mime;

/// <summary>Structural checks on raw message bytes.</summary>
internal static class MimeAssert
{
    /// <summary>
    /// Only CRLF line endings, every byte 7-bit and not NUL, header lines of at most 78
    /// characters, body lines of at most 76, no line ending in whitespace.
    /// </summary>
    public static void Canonical(byte[] message)
    {
        for (int i = 0; i < message.Length; i++)
        {
            byte b = message[i];
            Assert.True(b is > 0 and < 0x80, $"byte 0x{b:X2} at {i} is not 7-bit");
            if (b == (byte)'\r')
            {
                Assert.True(i + 1 < message.Length && message[i + 1] == (byte)'\n', $"bare CR at {i}");
            }
            else if (b == (byte)'\n')
            {
                Assert.True(i > 0 && message[i - 1] == (byte)'\r', $"bare LF at {i}");
            }
        }

        string text = Encoding.ASCII.GetString(message);
        string[] lines = text.Split("\r\n");
        bool inHeader = true;
        foreach (string line in lines)
        {
            Assert.False(line.EndsWith(' ') || line.EndsWith('\t'), $"trailing whitespace: '{line}'");
            if (line.Length == 0)
            {
                inHeader = false;
                continue;
            }

            if (line.StartsWith("--=_", StringComparison.Ordinal))
            {
                inHeader = true; // a part's header follows a delimiter line
                continue;
            }

            Assert.True(line.Length <= (inHeader ? 78 : 76), $"line of {line.Length} characters: '{line}'");
        }
    }
}
