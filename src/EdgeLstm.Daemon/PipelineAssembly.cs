namespace EdgeLstm.Daemon;

/// <summary>Marker for the daemon assembly (the pipeline lands here).</summary>
internal static class PipelineAssembly
{
}
