using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Tests.Training;

/// <summary>Small synthetic labelled recordings whose classes differ in frequency and offset, so tiny models learn them in seconds.</summary>
internal static class TrainerFixtures
{
    public static Dataset Oscillations(int recordings, int length, int seed)
    {
        var random = new Random(seed);
        var list = new List<Recording>();
        for (int r = 0; r < recordings; r++)
        {
            var samples = new float[length * 2];
            var labels = new int[length];
            int segment = 0, label = 0;
            double phase = 0;
            for (int t = 0; t < length; t++)
            {
                if (segment == 0)
                {
                    segment = 60 + random.Next(60);
                    label = random.Next(4) - 1; // -1: an unlabelled stretch
                }
                segment--;
                int cls = Math.Max(label, 0);
                phase += 0.15 + 0.25 * cls;
                samples[2 * t] = (float)(Math.Sin(phase) * (1 + cls) + random.NextDouble() * 0.3);
                samples[2 * t + 1] = (float)(cls * 0.5 + random.NextDouble() * 0.3 + 3);
                labels[t] = label;
            }
            list.Add(new Recording($"rec{r:D2}", 2, samples, labels) { Subject = r % 3 + 1 });
        }
        return new Dataset("oscillations", ["a", "b"], ["slow", "medium", "fast"], 50f, list);
    }
}
