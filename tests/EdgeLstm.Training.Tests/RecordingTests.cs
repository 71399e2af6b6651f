using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Tests;

public class RecordingTests
{
    [Fact]
    public void Rows_and_labels_must_agree()
    {
        Assert.Throws<ArgumentException>(() => new Recording("r", 3, new float[7], new int[2]));
        Assert.Throws<ArgumentException>(() => new Recording("r", 3, new float[6], new int[3]));
        var ok = new Recording("r", 3, [1, 2, 3, 4, 5, 6], [0, Recording.Unlabelled]);
        Assert.Equal(2, ok.Length);
        Assert.Equal([4f, 5f, 6f], ok.Row(1).ToArray());
    }
}
