using SmimeGraph.Smime;
using SmimeGraph.Tests.Cms;

namespace SmimeGraph.Tests.Smime;

/// <summary>Seeded mutations of whole messages: the inspector reports, it never throws anything but MimeFormatException.</summary>
public class InspectorRobustnessTests
{
    [Fact]
    public void Mutated_messages_raise_nothing_outside_the_documented_family()
    {
        string[] seeds =
        [
            "alice.dsig.SHA256.multipart.eml",
            "alice.sig.SHA256.opaque.env.eml",
            "alice.env.dsig.SHA256.multipart.dave.sig.SHA256.opaque.eml",
            "alice.plain.dsig.SHA384.multipart.dave.dsig.SHA384.multipart.eml",
        ];
        byte[][] messages = seeds.Select(s => File.ReadAllBytes(ReaderVectors.Path("thunderbird-nss", "smime", s))).ToArray();
        SmimeInspectorOptions options = InspectorThunderbirdTests.NssOptions();
        var random = new Random(8551);
        var unexpected = new List<string>();
        for (int i = 0; i < 400; i++)
        {
            byte[] message = (byte[])messages[random.Next(messages.Length)].Clone();
            for (int e = 0; e < 1 + random.Next(6); e++)
            {
                int at = random.Next(message.Length);
                message[at] = random.Next(3) switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)"\r\n-=:;\"<>"[random.Next(9)],
                    _ => (byte)(message[at] ^ 0x20),
                };
            }

            try
            {
                InspectionResult result = SmimeInspector.Inspect(message, options);
                Assert.NotNull(result.Content);
            }
            catch (MimeFormatException)
            {
            }
            catch (Exception ex)
            {
                unexpected.Add($"#{i}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }
}
