namespace EdgeLstm.Core.Model;

/// <summary>What a recurrent layer's float and integer forms share for sizing and costing a network.</summary>
public interface ILayerShape
{
    int InputSize { get; }
    int HiddenSize { get; }
    long MacsPerStep { get; }
    double AverageMacsPerStep { get; }
}
