using SmimeGraph.Mime;

namespace SmimeGraph.Tests.Mime;

/// <summary>An attachment file that cannot be one says why.</summary>
public sealed class MimeAttachmentFileTests
{
    [Fact]
    public void A_directory_is_reported_as_a_directory()
    {
        string folder = TestPaths.NewTempDirectory();
        try
        {
            var error = Assert.ThrowsAny<IOException>(() => MimeAttachment.FromFile(folder));
            Assert.Equal($"Attachment '{folder}' is a directory, not a file.", error.Message);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public void A_missing_file_is_reported_as_missing()
    {
        string missing = Path.Combine(Path.GetTempPath(), "smimegraph-missing-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<FileNotFoundException>(() => MimeAttachment.FromFile(missing));
        Assert.Equal(missing, error.FileName);
    }
}
