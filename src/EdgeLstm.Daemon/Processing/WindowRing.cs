using EdgeLstm.Core;

namespace EdgeLstm.Daemon.Processing;

/// <summary>
/// A windowed model's stream: its last <see cref="WindowSchedule.Window"/> mapped samples in a
/// ring, and when to classify them (<see cref="WindowSchedule"/>, the schedule the streaming
/// evaluation follows too). <see cref="Push"/> says when a sample closes a window;
/// <see cref="Replay"/> then runs the session over the window, oldest sample first. Allocates
/// its ring once.
/// </summary>
internal sealed class WindowRing(WindowSchedule schedule, int inputs)
{
    private readonly float[] _ring = new float[schedule.Window * inputs];
    private int _start, _filled;
    private long _count; // samples since the last reset, this one included

    /// <summary>Adds a sample; true when it closes a window.</summary>
    public bool Push(ReadOnlySpan<float> sample)
    {
        int window = schedule.Window, slot;
        if (_filled == window)
        {
            slot = _start; // the oldest makes room
            _start = (_start + 1) % window;
        }
        else slot = _filled++; // filling: the ring starts at 0
        sample.CopyTo(_ring.AsSpan(slot * inputs, inputs));
        return schedule.ClosesAt(++_count);
    }

    /// <summary>Resets the session and steps it over the window, oldest first.</summary>
    public void Replay(IClassifierSession session)
    {
        int window = schedule.Window;
        session.Reset();
        for (int k = 0; k < window; k++)
            session.Step(_ring.AsSpan((_start + k) % window * inputs, inputs));
    }

    /// <summary>The window, oldest sample first, into <paramref name="destination"/> (Window × inputs values): for a batched re-run.</summary>
    public void CopyTo(Span<float> destination)
    {
        int window = schedule.Window;
        for (int k = 0; k < window; k++)
            _ring.AsSpan((_start + k) % window * inputs, inputs).CopyTo(destination.Slice(k * inputs, inputs));
    }

    /// <summary>Forgets the samples: the stream was reset.</summary>
    public void Clear() => _start = _filled = (int)(_count = 0);
}
