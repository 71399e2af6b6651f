namespace EdgeLstm.Daemon.Flow;

/// <summary>What a stage does when its bounded queue is full.</summary>
public enum FullMode
{
    /// <summary>The producer waits (backpressure). File sources always wait, whatever the stage says.</summary>
    Wait,
    /// <summary>The incoming batch is dropped and counted.</summary>
    DropNewest,
    /// <summary>The oldest queued batch is dropped and counted, making room for the incoming one.</summary>
    DropOldest,
}
