using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Certificates decoded from CMS structures (RFC 5652 §10.2.3), remembered by their exact DER
/// bytes: the same sender's certificate and its intermediates arrive with every message they
/// sign, and decoding a certificate costs several times what verifying a signature does. Each
/// caller gets its own <see cref="X509Certificate2"/> (a new handle to the decoded certificate), so
/// disposing it affects no one else. Bounded: at most <see cref="Capacity"/> certificates of at
/// most <see cref="MaxLength"/> bytes are kept, and a full memo starts again empty, so messages
/// crafted to carry many different certificates cost no more memory than that.
/// </summary>
internal sealed class DecodedCertificates(int capacity = DecodedCertificates.DefaultCapacity)
{
    /// <summary>How many certificates the shared memo keeps at most.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>Larger certificates are decoded every time.</summary>
    public const int MaxLength = 16 * 1024;

    private readonly Dictionary<DerDigest, Entry> _decoded = [];

    /// <summary>The memo the readers use.</summary>
    public static DecodedCertificates Shared { get; } = new();

    public int Capacity { get; } = capacity;

    /// <summary>How many certificates are remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_decoded)
            {
                return _decoded.Count;
            }
        }
    }

    /// <summary>How many loads were answered from the memo.</summary>
    public long Hits { get; private set; }

    /// <summary>Decodes <paramref name="der"/> like <see cref="X509CertificateLoader.LoadCertificate(ReadOnlySpan{byte})"/>; the caller owns the result.</summary>
    /// <exception cref="CryptographicException">The bytes are not a certificate.</exception>
    public X509Certificate2 Load(ReadOnlySpan<byte> der)
    {
        if (der.Length > MaxLength)
        {
            return X509CertificateLoader.LoadCertificate(der);
        }

        DerDigest digest = DerDigest.Of(der);
        lock (_decoded)
        {
            if (_decoded.TryGetValue(digest, out Entry? entry) && entry.Der.AsSpan().SequenceEqual(der))
            {
                Hits++;
                return new X509Certificate2(entry.Certificate);
            }
        }

        X509Certificate2 decoded = X509CertificateLoader.LoadCertificate(der);
        var kept = new Entry(der.ToArray(), new X509Certificate2(decoded));
        lock (_decoded)
        {
            if (_decoded.Count >= Capacity)
            {
                _decoded.Clear();
            }

            _decoded[digest] = kept;
        }

        return decoded;
    }

    private sealed record Entry(byte[] Der, X509Certificate2 Certificate);
}
