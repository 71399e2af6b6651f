using EdgeLstm.Core.Cells.Clockwork;
using EdgeLstm.Core.Cells.DepthGated;
using EdgeLstm.Core.Cells.Gru;
using EdgeLstm.Core.Cells.Lstm;
using EdgeLstm.Core.Cells.Mut1;
using EdgeLstm.Core.Cells.Mut2;
using EdgeLstm.Core.Cells.Mut3;
using EdgeLstm.Core.Cells.Rnn;

namespace EdgeLstm.Core.Cells;

/// <summary>
/// The cell kinds this build knows, in the order of their <see cref="CellKind"/> bytes: the one
/// list every dispatch over kinds goes through (sessions, quantizer, model file, `inspect`, the
/// trainer's layer factory). Adding a kind is adding its definition here.
/// </summary>
public static class CellRegistry
{
    /// <summary>Every kind: the ONNX cells, then the lineage beyond ONNX.</summary>
    public static readonly IReadOnlyList<CellDefinition> All =
        [new RnnCell(), new LstmCell(), new GruCell(), new ClockworkCell(), new DepthGatedCell(),
         new Mut1Cell(), new Mut2Cell(), new Mut3Cell()];

    private static readonly CellDefinition?[] ByKind = Index();

    private static CellDefinition?[] Index()
    {
        var table = new CellDefinition?[256];
        foreach (var cell in All) table[(byte)cell.Kind] = cell;
        return table;
    }

    /// <summary>The definition of a kind; throws for a value no definition has.</summary>
    public static CellDefinition For(CellKind kind) =>
        ByKind[(byte)kind] ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown cell kind");

    /// <summary>The definition of a stored kind byte, or null when this build knows no such kind.</summary>
    public static CellDefinition? Find(byte kind) => ByKind[kind];

    /// <summary>The definition of the cell an ONNX operator type (RNN, LSTM, GRU) expresses, or null.</summary>
    public static CellDefinition? ForOnnxOperator(string opType) => All.FirstOrDefault(c => c.OnnxOperator == opType);

    /// <summary>The definition that makes a user-facing variant (<see cref="CellVariant.Names"/>), or null.</summary>
    public static CellDefinition? ForVariant(string variant) => All.FirstOrDefault(c => c.Variants.Contains(variant));
}
