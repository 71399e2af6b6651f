namespace EdgeLstm.Daemon.Tests;

public class AssemblyTests
{
    [Fact]
    public void Daemon_assembly_loads() => Assert.NotNull(typeof(EdgeLstm.Daemon.PipelineAssembly).Assembly);
}
