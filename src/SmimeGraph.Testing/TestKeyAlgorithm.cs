namespace SmimeGraph.Testing;

/// <summary>The key algorithm of a test certificate.</summary>
public enum TestKeyAlgorithm
{
    /// <summary>RSA (RFC 8017), for signing and key transport.</summary>
    Rsa,

    /// <summary>ECDSA on P-256 (RFC 5480), for signing.</summary>
    EcdsaP256,

    /// <summary>ECDH on P-256, for key agreement (RFC 5753).</summary>
    EcdhP256,
}
