using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;
using SmimeGraph.Tests.Support;

namespace SmimeGraph.Benchmarks.Reading;

/// <summary>One hostile input of issue-sized proportions and the inspector options that read it.</summary>
internal sealed record HostileCase(string Name, Func<byte[]> Build, IReadOnlyList<X509Certificate2> Keys)
{
    public static IReadOnlyList<HostileCase> All { get; } =
    [
        new("large-exponent", () => HostileMessages.LargeExponentSignature(signerInfos: 3, exponentBits: 16_384), []),
        new("duplicated-attributes", () => HostileMessages.DuplicatedSignedAttributes(4_300_000), []),
        new("recipient-infos", () => HostileMessages.ManyRecipientInfos(5000), [HostileMessages.Pki.Recipient]),
        new("signer-infos", () => HostileMessages.ManySignerInfos(3600), []),
        new("enveloped-parts", () => HostileMessages.ManyEnvelopedParts(9000), HostileMessages.Pki.FourKeys),
    ];

    public SmimeInspectorOptions Options()
    {
        var options = new SmimeInspectorOptions { ValidationTime = HostilePki.ValidationTime };
        options.TrustAnchors.Add(HostileMessages.Pki.Root);
        foreach (X509Certificate2 key in Keys)
        {
            options.DecryptionCertificates.Add(key);
        }

        return options;
    }
}
