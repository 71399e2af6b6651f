namespace EdgeLstm.Core.Model;

/// <summary>A model (file or in memory) is unusable; the message names the problem.</summary>
public sealed class ModelException : Exception
{
    public ModelException(string message) : base(message) { }
    public ModelException(string message, Exception inner) : base(message, inner) { }
}
