using System.Security.Cryptography;

namespace SmimeGraph.Mime;

/// <summary>
/// Multipart boundaries (RFC 2046 §5.1.1): a fixed length, so that size prediction is exact,
/// and random from a cryptographic RNG, so that no content can anticipate one.
/// </summary>
internal static class MimeBoundary
{
    /// <summary>The length of every boundary.</summary>
    public const int Length = 32;

    // "=_" can occur neither in base64 nor in quoted-printable output (where '=' is followed by
    // two hex digits or CRLF), so an encoded part can never contain a delimiter line.
    private const string Prefix = "=_";

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Create() =>
        Prefix + new string(RandomNumberGenerator.GetItems<char>(Alphabet, Length - Prefix.Length));
}
