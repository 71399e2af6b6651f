namespace EdgeLstm.Training.Data;

/// <summary>Training and test recordings with the same channels and class order.</summary>
public sealed record DatasetSplit(Dataset Train, Dataset Test);
