using SmimeGraph.Benchmarks.Smime;
using SmimeGraph.Graph;

namespace SmimeGraph.Benchmarks.Reporting;

/// <summary>
/// <c>--sizes</c>: the layer sizes of the fixture's messages as the baseline builds them, the size
/// model's prediction, the headroom under the ceiling, and the largest attachment each operation
/// allows. Runs in a second; measures nothing.
/// </summary>
internal static class SizeReport
{
    public static void Print(TextWriter output)
    {
        output.WriteLine($"Certificates: {TestCertificates.Shared.Source}");
        output.WriteLine("| Operation | Attachment | Body entity | Encrypted | SignedData | EnvelopedData | MIME | Request body | Model | Headroom |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int size in new[] { MessageFixture.Small, MessageFixture.Medium, MessageFixture.Largest })
        {
            MessageFixture fixture = MessageFixture.For(size);
            foreach (SmimeOperation operation in Enum.GetValues<SmimeOperation>())
            {
                Composition c = fixture.Composition(operation);
                long body = MessageFixture.Base64Length(c.Mime.Length);
                output.WriteLine(
                    $"| {operation} | {size:N0} | {c.BodyEntityLength:N0} | {c.EncryptedContentLength:N0} | {c.SignatureLength:N0} | {c.EnvelopeLength:N0} | {c.Mime.Length:N0} | {body:N0} | {SizeModel.RequestBodyLength(size, operation):N0} | {GraphPayload.DefaultCeiling - body:N0} |");
            }
        }

        output.WriteLine();
        foreach (SmimeOperation operation in Enum.GetValues<SmimeOperation>())
        {
            output.WriteLine($"Largest attachment for {operation} under {GraphPayload.DefaultCeiling:N0}: {SizeModel.LargestAttachment(GraphPayload.DefaultCeiling, operation):N0} bytes (model); fixture uses {MessageFixture.Largest:N0}.");
        }
    }
}
