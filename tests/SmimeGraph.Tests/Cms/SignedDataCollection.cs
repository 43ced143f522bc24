namespace SmimeGraph.Tests.Cms;

/// <summary>The SignedData tests share one test PKI (its RSA keys are slow to make).</summary>
[CollectionDefinition(Name)]
public sealed class SignedDataCollection : ICollectionFixture<SignedDataTestPki>
{
    public const string Name = "SignedData";
}
