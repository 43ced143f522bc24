using System.Security.Cryptography;

namespace SmimeGraph.Cms;

/// <summary>
/// A recipient's public key, imported from its certificate once and reused by every message the
/// writer encrypts: importing a key (decoding the SubjectPublicKeyInfo into the platform's key
/// object) costs several times the key transport itself. The platform's key objects are not
/// documented as safe for use by several threads at once, so each use rents one; a second is
/// imported only when two messages are encrypted at the same moment.
/// </summary>
internal sealed class PublicKeyPool<T>(Func<T> import)
    where T : AsymmetricAlgorithm
{
    // More idle keys than cores would never all be in use at once.
    private static readonly int MaxIdle = Math.Max(2, Environment.ProcessorCount);

    private readonly Stack<T> _idle = new();

    /// <summary>A key for the caller alone until it is given back with <see cref="Return"/>.</summary>
    public T Rent()
    {
        lock (_idle)
        {
            if (_idle.Count > 0)
            {
                return _idle.Pop();
            }
        }

        return import();
    }

    public void Return(T key)
    {
        lock (_idle)
        {
            if (_idle.Count < MaxIdle)
            {
                _idle.Push(key);
                return;
            }
        }

        key.Dispose();
    }
}
