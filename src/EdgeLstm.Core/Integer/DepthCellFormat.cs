namespace EdgeLstm.Core.Integer;

/// <summary>
/// The shifts of the depth-gated cell update c' = f*c + i*g + d*c_lower (<see cref="Elementwise.DepthGatedCell"/>),
/// derived once at load from the cell's and the lower cell's fraction bits. The three products are
/// rounded to <see cref="Extra"/> bits below the cell's grid, summed, and rounded to the grid once:
/// rounding each to the grid (as the plain LSTM does for its two) would cost up to one and a half
/// grid steps per update instead of about half of one.
/// </summary>
internal readonly struct DepthCellFormat
{
    /// <summary>Guard bits of the sum, at most 6 and below the depth product's shift so that no shift is 0.</summary>
    public const int MaxExtra = 6;

    public DepthCellFormat(int cellFracBits, int lowerCellFracBits)
    {
        int depthShift = 15 + lowerCellFracBits - cellFracBits; // Q15 x Q(lower) -> Q(cell): 4 to 26
        Extra = Math.Min(MaxExtra, depthShift - 1);
        ForgetShift = 15 - Extra;
        InputShift = 30 - cellFracBits - Extra;
        DepthShift = depthShift - Extra;
        ForgetRound = 1 << (ForgetShift - 1);
        InputRound = 1 << (InputShift - 1);
        DepthRound = 1 << (DepthShift - 1);
        Round = 1 << (Extra - 1);
    }

    public int Extra { get; }
    public int ForgetShift { get; }
    public int InputShift { get; }
    public int DepthShift { get; }
    public int ForgetRound { get; }
    public int InputRound { get; }
    public int DepthRound { get; }
    public int Round { get; }
}
