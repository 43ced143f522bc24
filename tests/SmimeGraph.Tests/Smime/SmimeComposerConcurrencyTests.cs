using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Graph;
using SmimeGraph.Smime;

namespace SmimeGraph.Tests.Smime;

/// <summary>A mail service composes for several mailboxes at once with the same certificate objects.</summary>
public sealed class SmimeComposerConcurrencyTests
{
    [Fact]
    public async Task Messages_composed_in_parallel_with_shared_certificates_all_succeed()
    {
        var composer = new SmimeComposer();
        var failures = new List<string>();
        for (int round = 0; round < 300; round++)
        {
            // Fresh objects each round: the first reads of a certificate's extensions are the racy ones.
            X509Certificate2 signer = SmimeFixture.LoadPfx("signer-rsa2048");
            X509Certificate2 recipient = SmimeFixture.LoadPfx("recipient-rsa2048");
            using var start = new Barrier(2);
            Task[] work = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                start.SignalAndWait();
                var encryption = new SmimeEncryptionOptions();
                encryption.Recipients.Add(recipient);
                try
                {
                    using GraphPayload payload = await composer.ComposeAsync(SmimeFixture.Message(100), new SmimeOptions { Signer = new SmimeSigner(signer), Encryption = encryption });
                }
                catch (SmimeGraphException ex)
                {
                    lock (failures)
                    {
                        failures.Add(ex.Message);
                    }
                }
            })).ToArray();
            await Task.WhenAll(work);
        }

        Assert.Empty(failures);
    }
}
