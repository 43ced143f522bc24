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

    // The largest multiple of the alphabet's size that fits in a byte: random bytes at or above it
    // are dropped, so every character is equally likely (no modulo bias).
    private const int Accepted = 256 / 62 * 62;

    /// <summary>
    /// A new boundary: the prefix and 30 characters from the alphabet. The random bytes come from
    /// one call to the RNG (with a second only in the rare case that too many were dropped), not
    /// one call per character.
    /// </summary>
    public static string Create() => string.Create(Length, 0, static (chars, _) =>
    {
        Prefix.CopyTo(chars);
        Span<char> random = chars[Prefix.Length..];

        // 40 bytes give the 30 characters unless more than 10 fall at or above 248 (p < 1e-9).
        Span<byte> bytes = stackalloc byte[40];
        int filled = 0;
        while (filled < random.Length)
        {
            RandomNumberGenerator.Fill(bytes);
            foreach (byte b in bytes)
            {
                if (b < Accepted)
                {
                    random[filled++] = Alphabet[b % Alphabet.Length];
                    if (filled == random.Length)
                    {
                        break;
                    }
                }
            }
        }

        CryptographicOperations.ZeroMemory(bytes);
    });
}
