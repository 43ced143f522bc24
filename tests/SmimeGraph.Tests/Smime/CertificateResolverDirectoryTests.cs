using System.Security.Cryptography.X509Certificates;
using SmimeGraph.Smime;
using static SmimeGraph.Tests.Smime.CertificateResolverTestPki;

namespace SmimeGraph.Tests.Smime;

/// <summary>The folder resolver over copies of the test PKI.</summary>
public sealed class CertificateResolverDirectoryTests : IDisposable
{
    private readonly List<string> _folders = [];

    public void Dispose() => _folders.ForEach(DeleteFolder);

    private string Folder(params string[] fileNames)
    {
        string folder = fileNames.Length == 0 ? FolderWithWholePki() : FolderWith(fileNames);
        _folders.Add(folder);
        return folder;
    }

    [Theory]
    [InlineData("alice@example.com", "signer-rsa2048.pem")]
    [InlineData("alice3072@example.com", "signer-rsa3072.pem")]
    [InlineData("ALICE-EC@example.com", "signer-ecdsa-p256.pem")]
    public async Task The_signer_comes_from_its_pfx_with_its_private_key(string address, string expected)
    {
        var asked = new List<string>();
        var resolver = new DirectoryCertificateResolver(Folder(), path => { asked.Add(path); return SmimeFixture.Password; });

        using X509Certificate2 found = await resolver.FindSigningCertificateAsync(address, Now);

        Assert.Equal(Thumbprint(expected), found.Thumbprint);
        Assert.True(found.HasPrivateKey);
        // The password callback is asked per PKCS #12 file, with its full path.
        Assert.Contains(Path.Combine(resolver.FolderPath, Path.ChangeExtension(expected, ".pfx")), asked);
    }

    [Theory]
    [InlineData("bob@example.com", "recipient-rsa2048.pem")]
    [InlineData("carol@example.com", "recipient-ecdh-p256.pem")]
    [InlineData("alice@example.com", "sender-rsa2048-enc.pem")] // Alice's signing certificate has no keyEncipherment
    public async Task The_encryption_certificate_comes_from_the_pem_files(string address, string expected)
    {
        int asked = 0;
        var resolver = new DirectoryCertificateResolver(Folder(), _ => { asked++; return SmimeFixture.Password; });

        IReadOnlyList<X509Certificate2> found = await resolver.FindEncryptionCertificatesAsync(address, Now);

        Assert.Equal(Thumbprint(expected), Assert.Single(found).Thumbprint);
        Assert.Equal(0, asked); // recipients need no key and no password
        found[0].Dispose();
    }

    [Fact]
    public async Task A_pem_file_with_certificate_and_pkcs8_key_is_a_signer()
    {
        string folder = Folder();
        foreach (string pfx in Directory.GetFiles(folder, "*.pfx"))
        {
            File.Delete(pfx);
        }

        File.WriteAllText(
            Path.Combine(folder, "alice-combined.pem"),
            File.ReadAllText(TestPaths.Cert("signer-rsa2048.pem")) + File.ReadAllText(TestPaths.Cert("signer-rsa2048.key.pem")));

        using X509Certificate2 found = await new DirectoryCertificateResolver(folder).FindSigningCertificateAsync("alice@example.com", Now);

        Assert.Equal(Thumbprint("signer-rsa2048.pem"), found.Thumbprint);
        Assert.True(found.HasPrivateKey);
        // The key really is the certificate's: .NET's SignedCms signs and verifies with it.
        var cms = new System.Security.Cryptography.Pkcs.SignedCms(new System.Security.Cryptography.Pkcs.ContentInfo("x"u8.ToArray()), detached: true);
        cms.ComputeSignature(new System.Security.Cryptography.Pkcs.CmsSigner(found));
        cms.CheckSignature(verifySignatureOnly: true);
    }

    [Fact]
    public async Task A_pem_file_with_a_key_of_another_certificate_is_refused_for_signing_with_the_reason()
    {
        string folder = Folder("signer-rsa2048.pem");
        File.WriteAllText(
            Path.Combine(folder, "mismatched.pem"),
            File.ReadAllText(TestPaths.Cert("signer-rsa2048.pem")) + File.ReadAllText(TestPaths.Cert("recipient-rsa2048.key.pem")));

        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => new DirectoryCertificateResolver(folder).FindSigningCertificateAsync("alice@example.com", Now));

        Assert.Contains(ex.Rejected, r => r.Source.EndsWith("mismatched.pem", StringComparison.Ordinal) && r.Reasons.Any(x => x.Contains("private key in the file could not be used", StringComparison.Ordinal)));
        Assert.Contains(ex.Rejected, r => r.Source.EndsWith("signer-rsa2048.pem", StringComparison.Ordinal) && r.Reasons.Contains("it has no private key here"));
    }

    [Theory]
    [InlineData(".cer")]
    [InlineData(".crt")]
    public async Task Der_certificates_are_read_for_recipients(string extension)
    {
        string folder = Folder();
        foreach (string file in Directory.GetFiles(folder, "recipient-rsa2048*"))
        {
            File.Delete(file);
        }

        using (X509Certificate2 bob = SmimeFixture.LoadPem("recipient-rsa2048"))
        {
            File.WriteAllBytes(Path.Combine(folder, "bob" + extension), bob.RawData);
        }

        IReadOnlyList<X509Certificate2> found = await new DirectoryCertificateResolver(folder).FindEncryptionCertificatesAsync("bob@example.com", Now);

        Assert.Equal(Thumbprint("recipient-rsa2048.pem"), Assert.Single(found).Thumbprint);
        found[0].Dispose();
    }

    [Fact]
    public async Task Nothing_is_cached_a_file_added_or_removed_is_seen_at_once()
    {
        string folder = Folder("recipient-ecdh-p256.pem");
        var resolver = new DirectoryCertificateResolver(folder);
        await Assert.ThrowsAsync<CertificateNotFoundException>(() => resolver.FindEncryptionCertificatesAsync("bob@example.com", Now));

        File.Copy(TestPaths.Cert("recipient-rsa2048.pem"), Path.Combine(folder, "bob.pem"));
        IReadOnlyList<X509Certificate2> found = await resolver.FindEncryptionCertificatesAsync("bob@example.com", Now);
        Assert.Single(found).Dispose();

        File.Delete(Path.Combine(folder, "bob.pem"));
        await Assert.ThrowsAsync<CertificateNotFoundException>(() => resolver.FindEncryptionCertificatesAsync("bob@example.com", Now));
    }

    [Fact]
    public async Task A_pfx_whose_password_is_refused_is_reported_as_unreadable()
    {
        string folder = Folder("signer-rsa2048.pfx");

        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => new DirectoryCertificateResolver(folder, _ => "wrong").FindSigningCertificateAsync("alice@example.com", Now));

        RejectedCertificate unreadable = Assert.Single(ex.Rejected);
        Assert.Null(unreadable.Thumbprint);
        Assert.EndsWith("signer-rsa2048.pfx", unreadable.Source, StringComparison.Ordinal);
        Assert.Contains("is the password right?", unreadable.Reasons[0], StringComparison.Ordinal);
        Assert.Contains("signer-rsa2048.pfx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_certificate_is_reported_and_the_others_still_found()
    {
        string folder = Folder("recipient-rsa2048.pem");
        File.WriteAllText(Path.Combine(folder, "garbage.cer"), "not a certificate");

        IReadOnlyList<X509Certificate2> found = await new DirectoryCertificateResolver(folder).FindEncryptionCertificatesAsync("bob@example.com", Now);
        Assert.Single(found).Dispose();

        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => new DirectoryCertificateResolver(folder).FindEncryptionCertificatesAsync("carol@example.com", Now));
        Assert.Contains(ex.Rejected, r => r.Source.EndsWith("garbage.cer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_that_claims_no_length_but_never_ends_is_read_only_up_to_the_limit()
    {
        if (!File.Exists("/dev/zero"))
        {
            return; // no endless device file on this platform
        }

        // A device (or a file growing as it is read) reports a length of 0: the read itself is bounded.
        string folder = Folder("recipient-rsa2048.pem");
        File.CreateSymbolicLink(Path.Combine(folder, "endless.pem"), "/dev/zero");
        var resolver = new DirectoryCertificateResolver(folder);

        IReadOnlyList<X509Certificate2> found = await resolver.FindEncryptionCertificatesAsync("bob@example.com", Now);
        Assert.Single(found).Dispose();
        var ex = await Assert.ThrowsAsync<CertificateNotFoundException>(() => resolver.FindEncryptionCertificatesAsync("carol@example.com", Now));
        RejectedCertificate endless = Assert.Single(ex.Rejected, r => r.Source.EndsWith("endless.pem", StringComparison.Ordinal));
        Assert.Contains($"larger than {DirectoryCertificateResolver.MaxFileLength} bytes", endless.Reasons[0], StringComparison.Ordinal);

        X509Certificate2Collection authorities = await resolver.FindCertificateAuthoritiesAsync();
        Assert.Empty(authorities);
    }

    [Fact]
    public async Task A_cancelled_lookup_stops()
    {
        var resolver = new DirectoryCertificateResolver(Folder());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resolver.FindSigningCertificateAsync("alice@example.com", Now, cancelled.Token));
    }

    [Fact]
    public void A_missing_folder_is_refused_up_front()
    {
        Assert.Throws<DirectoryNotFoundException>(() => new DirectoryCertificateResolver(Path.Combine(Path.GetTempPath(), "smimegraph-none-" + Guid.NewGuid().ToString("N"))));
    }

    [Fact]
    public async Task The_folder_offers_its_certificate_authorities_for_the_chain_and_nothing_else()
    {
        X509Certificate2Collection authorities = await new DirectoryCertificateResolver(Folder()).FindCertificateAuthoritiesAsync();

        // intermediate.pem, root-ca.pem and both certificates of ca-chain.pem; no end entity.
        Assert.Equal(4, authorities.Count);
        Assert.Equal(
            new[] { Thumbprint("intermediate.pem"), Thumbprint("root-ca.pem") }.Order(StringComparer.Ordinal),
            authorities.Select(c => c.Thumbprint).Distinct().Order(StringComparer.Ordinal));
        Assert.All(authorities, c => Assert.True(c.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority));
        foreach (X509Certificate2 certificate in authorities)
        {
            certificate.Dispose();
        }
    }
}
