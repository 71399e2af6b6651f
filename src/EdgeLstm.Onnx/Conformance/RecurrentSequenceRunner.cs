using EdgeLstm.Core.Model;
using EdgeLstm.Core.Quantization;
using EdgeLstm.Onnx.Import;

namespace EdgeLstm.Onnx.Conformance;

/// <summary>
/// Runs one ONNX recurrent node over whole sequences on Core's streaming sessions, adding what a
/// session does not have: batches (one stream per batch entry), layout=1, initial_h and initial_c,
/// sequence_lens (steps past a sequence's length give zeros in Y; Y_h and Y_c hold its last valid
/// step), and the outputs Y, Y_h, Y_c. The sessions' per-step path is used unchanged.
/// </summary>
public static class RecurrentSequenceRunner
{
    /// <summary>The layer as a model Core can run: identity normalization and a placeholder head.</summary>
    public static EdgeModel SingleLayerModel(RecurrentLayer layer)
    {
        var head = new DenseLayer(layer.HiddenSize, 1);
        Array.Fill(head.W, 1f / layer.HiddenSize); // nonzero so the head quantizes like any other; never read
        var metadata = ModelMetadata.Default(layer.InputSize, 1);
        return new EdgeModel(metadata, new FloatNetwork([layer], head), null);
    }

    /// <summary>
    /// The model with its integer form, calibrated by running the float engine over the runs as
    /// they are meant to run (from their initial states), so the cell range covers initial_c too.
    /// </summary>
    public static EdgeModel Quantize(EdgeModel model, RecurrentNode node, IEnumerable<SequenceInputs> runs)
    {
        var stats = new CalibrationStatistics(1);
        var session = model.CreateFloatSession();
        var stepper = new FloatLayerStepper(session);
        var cell = new float[node.Layer.HiddenSize];
        foreach (var run in runs)
        {
            ForEachStep(node, run, stepper, (x, _, _) =>
            {
                foreach (float v in x) stats.MaxAbsInput = MathF.Max(stats.MaxAbsInput, MathF.Abs(v));
                stepper.ReadCell(cell);
                foreach (float c in cell) stats.MaxAbsCell[0] = MathF.Max(stats.MaxAbsCell[0], MathF.Abs(c));
                stats.Steps++;
            });
            if (run.InitialC is not null)
                foreach (float c in run.InitialC.AsFloats()) stats.MaxAbsCell[0] = MathF.Max(stats.MaxAbsCell[0], MathF.Abs(c));
        }
        if (stats.Steps == 0) throw new ModelException("calibration data is empty");
        return new EdgeModel(model.Metadata, model.Float, Quantizer.Quantize(model, stats));
    }

    public static SequenceOutputs Run(RecurrentNode node, SequenceInputs run, ILayerStepper stepper)
    {
        var (seq, batch) = Shape(node, run);
        int hs = node.Layer.HiddenSize;
        bool hasCellState = node.Layer.Definition.Onnx!.HasCellState;
        var y = new float[seq * batch * hs];
        var yh = new float[batch * hs];
        var yc = new float[batch * hs];
        ForEachStep(node, run, stepper, (_, t, b) =>
        {
            stepper.ReadHidden(y.AsSpan(YIndex(node.Layout, t, b, seq, batch, hs), hs));
            stepper.ReadHidden(yh.AsSpan(b * hs, hs));
            if (hasCellState) stepper.ReadCell(yc.AsSpan(b * hs, hs));
        });
        long[] yDims = node.Layout == 0 ? [seq, 1, batch, hs] : [batch, seq, 1, hs];
        long[] stateDims = node.Layout == 0 ? [1, batch, hs] : [batch, 1, hs];
        return new SequenceOutputs(new OnnxTensor(yDims, y), new OnnxTensor(stateDims, yh), hasCellState ? new OnnxTensor(stateDims, yc) : null);
    }

    /// <summary>Steps every batch entry from its initial state over its valid steps; <paramref name="after"/> sees (x, t, b) after each step.</summary>
    private static void ForEachStep(RecurrentNode node, SequenceInputs run, ILayerStepper stepper, Action<float[], int, int> after)
    {
        var (seq, batch) = Shape(node, run);
        int input = node.Layer.InputSize, hs = node.Layer.HiddenSize;
        var xs = run.X.AsFloats();
        var h0 = State(node, run.InitialH, "initial_h", batch);
        var c0 = State(node, run.InitialC, "initial_c", batch);
        var x = new float[input];
        for (int b = 0; b < batch; b++)
        {
            int length = seq;
            if (run.SequenceLens is not null)
            {
                if (run.SequenceLens.Length != batch) throw new ModelException($"{node.Describe}: sequence_lens has {run.SequenceLens.Length} values for a batch of {batch}");
                long l = run.SequenceLens[b];
                if (l < 1 || l > seq) throw new ModelException($"{node.Describe}: sequence_lens[{b}] = {l} is outside [1, {seq}]");
                length = (int)l;
            }
            stepper.Reset();
            if (h0 is not null || c0 is not null)
                stepper.SetState(h0 is null ? new float[hs] : h0.AsSpan(b * hs, hs), c0 is null ? [] : c0.AsSpan(b * hs, hs));
            for (int t = 0; t < length; t++)
            {
                int offset = node.Layout == 0 ? (t * batch + b) * input : (b * seq + t) * input;
                xs.AsSpan(offset, input).CopyTo(x);
                stepper.Step(x);
                after(x, t, b);
            }
        }
    }

    private static (int Seq, int Batch) Shape(RecurrentNode node, SequenceInputs run)
    {
        var d = run.X.Dims;
        if (d.Length != 3 || d[2] != node.Layer.InputSize)
            throw new ModelException($"{node.Describe}: X has shape {run.X.ShapeText}, expected 3-D with {node.Layer.InputSize} inputs");
        return node.Layout == 0 ? ((int)d[0], (int)d[1]) : ((int)d[1], (int)d[0]);
    }

    /// <summary>An initial state as [batch, H] values (the direction axis has size 1 in either layout).</summary>
    private static float[]? State(RecurrentNode node, OnnxTensor? state, string name, int batch)
    {
        if (state is null) return null;
        int hs = node.Layer.HiddenSize;
        long[] expected = node.Layout == 0 ? [1, batch, hs] : [batch, 1, hs];
        if (!state.Dims.SequenceEqual(expected))
            throw new ModelException($"{node.Describe}: {name} has shape {state.ShapeText}, expected [{string.Join(", ", expected)}]");
        return state.AsFloats();
    }

    private static int YIndex(int layout, int t, int b, int seq, int batch, int hs) =>
        layout == 0 ? (t * batch + b) * hs : (b * seq + t) * hs;
}
