namespace EdgeLstm.Core.Model;

/// <summary>The dense head's sizes, shared by its float and integer forms: logits = W h + B, W [OutputSize, InputSize].</summary>
public interface IHeadShape
{
    int InputSize { get; }
    int OutputSize { get; }
}
