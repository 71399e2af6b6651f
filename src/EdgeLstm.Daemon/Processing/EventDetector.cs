namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// Turns per-decision probabilities into label events: exponential smoothing, a confidence
/// threshold, a minimum duration before a change is accepted, and emission on change or every hop.
/// Allocates its buffers once.
/// </summary>
public sealed class EventDetector
{
    private readonly EventSettings _settings;
    private readonly float[] _smoothed;
    private bool _primed;
    private int _current = -1, _pending = -1, _pendingCount, _sinceEmit;

    public EventDetector(EventSettings settings, int classes)
    {
        _settings = settings;
        _smoothed = new float[classes];
    }

    /// <summary>Probabilities after smoothing (the `scores` of an emitted event).</summary>
    public ReadOnlySpan<float> Smoothed => _smoothed;

    /// <summary>The decided label, -1 before the first decision.</summary>
    public int Current => _current;

    public float CurrentScore => _current < 0 ? 0 : _smoothed[_current];

    public void Reset()
    {
        _primed = false;
        _current = _pending = -1;
        _pendingCount = _sinceEmit = 0;
    }

    /// <summary>Takes one decision's probabilities; true when an event is to be emitted now.</summary>
    public bool Update(ReadOnlySpan<float> probabilities)
    {
        float a = _settings.Smoothing;
        if (!_primed || a <= 0) probabilities.CopyTo(_smoothed);
        else for (int i = 0; i < _smoothed.Length; i++) _smoothed[i] = a * _smoothed[i] + (1 - a) * probabilities[i];
        _primed = true;

        int best = Core.ArgMax.Of(_smoothed);
        int candidate = _smoothed[best] >= _settings.Threshold ? best : -1;
        if (candidate == _pending) _pendingCount++;
        else
        {
            _pending = candidate;
            _pendingCount = 1;
        }
        bool changed = false;
        if (candidate >= 0 && candidate != _current && _pendingCount >= _settings.MinDuration)
        {
            _current = candidate;
            changed = true;
        }
        if (_settings.Emit == EmitMode.Change) return changed;
        if (_current < 0) return false;
        if (++_sinceEmit < _settings.Hop) return false;
        _sinceEmit = 0;
        return true;
    }
}
