using System.Text.Json;

namespace EdgeLstm.Daemon.Flow;

/// <summary>
/// The summary object of `replay --summary` and `run --summary`: every counter, each stream with its
/// model, samples and emissions, and per-sample accuracy where the streams carried labels (scored
/// as issue 4's streaming protocol: a sample's prediction is the label most recently emitted at or
/// before it; only samples labelled with one of the model's classes are scored).
/// </summary>
public static class PipelineReport
{
    /// <summary>"partition": {"count", "index"}: which streams this gateway classifies (docs/operations.md, many nodes).</summary>
    public static void WritePartition(Utf8JsonWriter w, Pipeline pipeline)
    {
        w.WriteStartObject("partition");
        w.WriteNumber("count", pipeline.Streams.Partition.Count);
        w.WriteNumber("index", pipeline.Streams.Partition.Index);
        w.WriteEndObject();
    }

    public static void WriteSummary(Utf8JsonWriter w, Pipeline pipeline, double elapsedSeconds)
    {
        var classifiers = pipeline.Classifiers;
        w.WriteStartObject();
        w.WriteBoolean("summary", true);
        w.WriteNumber("elapsed_s", Math.Round(elapsedSeconds, 3));
        w.WriteNumber("samples_per_second", elapsedSeconds > 0 ? Math.Round(pipeline.Counters.Classified / elapsedSeconds) : 0);
        WritePartition(w, pipeline);
        pipeline.Counters.WriteProperties(w);
        if (pipeline.Counters.MqttLinks.Count > 0)
        {
            // What each MQTT sink published, spooled and lost (at stop, say) by the end of the run.
            w.WriteStartArray("mqtt");
            foreach (var link in pipeline.Counters.MqttLinks) link.WriteTo(w);
            w.WriteEndArray();
        }
        w.WriteNumber("pool_allocations", pipeline.PoolAllocations);
        w.WriteStartArray("streams");
        long scored = 0, correct = 0;
        foreach (var c in classifiers)
        {
            w.WriteStartObject();
            w.WriteString("stream", c.Stream.Name);
            w.WriteString("model", c.ModelName);
            w.WriteNumber("samples", c.T - c.FirstT); // a reload starts a new classifier: each reports its own part
            w.WriteNumber("classifications", c.Emitted);
            if (c.Scored > 0)
            {
                w.WriteNumber("scored", c.Scored);
                w.WriteNumber("correct", c.Correct);
                w.WriteNumber("accuracy", Math.Round((double)c.Correct / c.Scored, 4));
            }
            w.WriteEndObject();
            scored += c.Scored;
            correct += c.Correct;
        }
        w.WriteEndArray();
        if (scored > 0)
        {
            w.WriteStartObject("accuracy");
            w.WriteNumber("scored", scored);
            w.WriteNumber("correct", correct);
            w.WriteNumber("value", Math.Round((double)correct / scored, 4));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
