using EdgeLstm.Training.Data;

namespace EdgeLstm.Training.Studies;

/// <summary>
/// A synthetic long-term dependency task: each sequence shows one of K symbols (one-hot) at its
/// first step, flagged by a marker channel, then T - 1 distractor symbols drawn from the same
/// alphabet; the class, asked at the last step, is the first symbol. Only a network that keeps
/// one value for T steps beats chance (1 / K): the task of Hochreiter &amp; Schmidhuber (1997),
/// section 5, in the form of a classification. Every step of a sequence carries the class, so a
/// window of T samples over a sequence is one example.
/// </summary>
public static class FirstSymbolRecall
{
    public const int Symbols = 4;

    public static Dataset Create(int sequences, int length, int seed, string name = "first-symbol-recall", bool distractors = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        var random = new Random(seed);
        int channels = Symbols + 1;
        var recordings = new List<Recording>(sequences);
        for (int s = 0; s < sequences; s++)
        {
            var samples = new float[length * channels];
            int first = random.Next(Symbols);
            for (int t = 0; t < length; t++)
            {
                int symbol = t == 0 ? first : random.Next(Symbols);
                if (t == 0 || distractors) samples[t * channels + symbol] = 1f;
                if (t == 0) samples[t * channels + Symbols] = 1f; // the marker
            }
            recordings.Add(new Recording($"seq{s:D5}", channels, samples, Enumerable.Repeat(first, length).ToArray()));
        }
        var channelNames = Enumerable.Range(0, Symbols).Select(i => $"symbol{i}").Append("marker").ToList();
        var classNames = Enumerable.Range(0, Symbols).Select(i => $"first{i}").ToList();
        return new Dataset(name, channelNames, classNames, 1f, recordings);
    }
}
