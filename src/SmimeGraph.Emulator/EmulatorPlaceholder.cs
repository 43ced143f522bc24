namespace SmimeGraph.Emulator;

/// <summary>The local Graph mail emulator (see EmulatorHost).</summary>
internal static class EmulatorAssembly
{
}
