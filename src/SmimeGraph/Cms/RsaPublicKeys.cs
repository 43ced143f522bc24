using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmimeGraph.Cms;

/// <summary>
/// Signers' RSA public keys, imported once per SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) and reused
/// for the next signature by the same key: importing a public key costs several times verifying
/// a signature with it. Keys are rented through <see cref="PublicKeyPool{T}"/> (one caller at a
/// time per key object). Bounded: at most <see cref="Capacity"/> keys are kept, and a full memo
/// starts again empty.
/// </summary>
internal sealed class RsaPublicKeys(int capacity = RsaPublicKeys.DefaultCapacity)
{
    /// <summary>How many different keys the shared memo keeps at most.</summary>
    public const int DefaultCapacity = 256;

    private readonly Dictionary<DerDigest, PublicKeyPool<RSA>> _pools = [];

    /// <summary>The memo the readers use.</summary>
    public static RsaPublicKeys Shared { get; } = new();

    public int Capacity { get; } = capacity;

    /// <summary>How many different keys are remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_pools)
            {
                return _pools.Count;
            }
        }
    }

    /// <summary>The certificate's RSA key (null when its key is not RSA) until the lease is disposed.</summary>
    /// <exception cref="CryptographicException">The key cannot be imported.</exception>
    public Lease Rent(X509Certificate2 certificate)
    {
        if (certificate.PublicKey.Oid.Value != Oids.RsaEncryption)
        {
            return new Lease(certificate.GetRSAPublicKey(), null);
        }

        DerDigest digest = DerDigest.Of(certificate.PublicKey.ExportSubjectPublicKeyInfo());
        PublicKeyPool<RSA>? pool;
        lock (_pools)
        {
            if (!_pools.TryGetValue(digest, out pool))
            {
                if (_pools.Count >= Capacity)
                {
                    _pools.Clear();
                }

                // The first certificate seen with this key imports it; any other holds the same key.
                var source = new X509Certificate2(certificate);
                pool = new PublicKeyPool<RSA>(() => source.GetRSAPublicKey()
                    ?? throw new CryptographicException("The certificate's RSA key cannot be imported."));
                _pools[digest] = pool;
            }
        }

        return new Lease(pool.Rent(), pool);
    }

    /// <summary>A rented key; disposing gives it back.</summary>
    internal readonly struct Lease(RSA? key, PublicKeyPool<RSA>? pool) : IDisposable
    {
        public RSA? Key { get; } = key;

        public void Dispose()
        {
            if (Key is null)
            {
                return;
            }

            if (pool is null)
            {
                Key.Dispose();
            }
            else
            {
                pool.Return(Key);
            }
        }
    }
}
