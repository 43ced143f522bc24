namespace SmimeGraph.Tests;

/// <summary>Where the test PKI and the golden files are in the test output folder.</summary>
public static class TestPaths
{
    public static string CertsTest { get; } = Path.Combine(AppContext.BaseDirectory, "certs-test");

    public static string TestData { get; } = Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string Cert(string fileName) => Path.Combine(CertsTest, fileName);

    public static string Data(params string[] parts) => Path.Combine([TestData, .. parts]);

    /// <summary>A fresh temporary folder, removed by the OS or the caller.</summary>
    public static string NewTempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "smimegraph-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
