namespace EdgeLstm.Daemon.Processing;

/// <summary>Chooses the plan of a stream on its first sight (by source and stream name).</summary>
public delegate StreamPlan StreamPlanner(string sourceName, string streamName);
