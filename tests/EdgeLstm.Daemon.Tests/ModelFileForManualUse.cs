namespace EdgeLstm.Daemon.Tests;

public class TestModelTests
{
    [Fact]
    public void Test_model_has_the_recordings_channels()
    {
        Assert.Equal(6, TestModels.Streaming.InputSize);
        Assert.True(File.Exists(TestModels.StreamingPath));
        File.Copy(TestModels.StreamingPath, "/tmp/edgelstm-test-S.elstm", overwrite: true);
    }
}
