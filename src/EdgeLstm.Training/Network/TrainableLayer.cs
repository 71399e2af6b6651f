namespace EdgeLstm.Training.Network;

/// <summary>
/// One trainable recurrent layer kind: forward over a chunk (recording a tape), backward
/// through time (accumulating parameter gradients, and the gradient of its input when a layer
/// below needs it), and conversion to Core's float layer. New kinds (depth-gated LSTM, Clockwork
/// RNN) are new subclasses with their own tapes; the network, the shards and the optimizer do
/// not change.
/// </summary>
internal abstract class TrainableLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public abstract int InputSize { get; }
    public abstract int OutputSize { get; }

    /// <summary>The arrays the optimizer updates, in a fixed order; gradient sets mirror it.</summary>
    public abstract IReadOnlyList<ParameterTensor<T>> Parameters { get; }

    public abstract LayerTape<T> CreateTape(int batch, int steps);

    /// <summary>The tape for a layer stacked on <paramref name="below"/> (null for the first layer); layers that read the layer below's tape (depth-gated LSTM) override it.</summary>
    public virtual LayerTape<T> CreateTape(int batch, int steps, LayerTape<T>? below) => CreateTape(batch, steps);

    /// <summary>Runs the chunk: input is time-major [steps, batch, InputSize]; fills tape.Output.</summary>
    public abstract void Forward(LayerTape<T> tape, ReadOnlySpan<T> input, SequenceShape shape);

    /// <summary>
    /// Backpropagates tape.OutputGrad through time. Adds parameter gradients to grads (same order
    /// as <see cref="Parameters"/>) and, when inputGrad is not empty, dLoss/dinput to it.
    /// </summary>
    public abstract void Backward(LayerTape<T> tape, ReadOnlySpan<T> input, Span<T> inputGrad, SequenceShape shape, T[][] grads);

    /// <summary>The layer in Core's float layout (the float engine reproduces training's forward pass).</summary>
    public abstract RecurrentLayer ToCore();
}
