using System.Buffers;
using System.Security.Cryptography;

namespace SmimeGraph.Buffers;

/// <summary>
/// The shared byte pool for buffers that may hold plaintext, keys or decrypted content: rent,
/// use, and return clearing the bytes that were written (the shape of dotnet/runtime's
/// <c>CryptoPool</c>). Every pooled buffer in the library goes back through <see cref="Return"/>.
/// </summary>
internal static class CryptoPool
{
    /// <summary>Passed as the clear size to clear the whole array (its written extent is not known).</summary>
    public const int ClearAll = -1;

    [ThreadStatic]
    private static int t_outstanding;

    /// <summary>
    /// Arrays rented on this thread less arrays returned on it: a reader that rents and returns
    /// on one thread leaves it as it found it, or an array it rented was never cleared.
    /// </summary>
    internal static int OutstandingOnThisThread => t_outstanding;

    /// <summary>Rents an array of at least <paramref name="minimumLength"/> bytes.</summary>
    public static byte[] Rent(int minimumLength)
    {
        byte[] array = ArrayPool<byte>.Shared.Rent(minimumLength);
        t_outstanding++;
        return array;
    }

    /// <summary>
    /// Clears the first <paramref name="clearSize"/> bytes of <paramref name="array"/> (all of it
    /// for <see cref="ClearAll"/>, none for 0) and returns it to the pool.
    /// </summary>
    public static void Return(byte[] array, int clearSize = ClearAll)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentOutOfRangeException.ThrowIfLessThan(clearSize, ClearAll);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clearSize, array.Length);
        CryptographicOperations.ZeroMemory(clearSize == ClearAll ? array : array.AsSpan(0, clearSize));
        ArrayPool<byte>.Shared.Return(array);
        t_outstanding--;
    }
}
