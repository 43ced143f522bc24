using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SmimeGraph.Cli;

/// <summary>
/// Reads a small input file whole, but never more than a limit: a device such as /dev/zero or a
/// file that keeps growing ends in a one-line usage error, not in an out-of-memory abort.
/// </summary>
internal static class BoundedFile
{
    /// <summary>Reads <paramref name="path"/> as UTF-8 text (a byte-order mark is honoured, as File.ReadAllText does).</summary>
    /// <exception cref="UsageException">The file is a directory, does not exist, or is longer than <paramref name="limit"/> bytes.</exception>
    public static string ReadAllText(string option, string path, long limit)
    {
        byte[] bytes = ReadAllBytes(option, path, limit);
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes of <paramref name="path"/>; the caller clears the result.</summary>
    public static byte[] ReadAllBytes(string option, string path, long limit)
    {
        InputFiles.EnsureFile(option, path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        try
        {
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw new UsageException(string.Format(CultureInfo.InvariantCulture, "{0}: '{1}' is longer than {2:N0} bytes, the most it may hold.", option, path, limit));
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(chunk);
            CryptographicOperations.ZeroMemory(buffer.GetBuffer());
        }
    }
}
