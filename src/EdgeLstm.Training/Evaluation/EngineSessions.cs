using EdgeLstm.Core;

namespace EdgeLstm.Training.Evaluation;

/// <summary>The engines a model can run, float first, and the comparison built from their matrices.</summary>
internal static class EngineSessions
{
    public static IClassifierSession[] Of(EdgeModel model)
    {
        var list = new List<IClassifierSession>();
        if (model.Float is not null) list.Add(model.CreateFloatSession());
        if (model.Integer is not null) list.Add(model.CreateIntegerSession());
        return list.ToArray();
    }

    public static EngineComparison Compare(string protocol, EdgeModel model, ConfusionMatrix[] matrices, long compared, long agreed)
    {
        int e = 0;
        var f = model.Float is not null ? matrices[e++] : null;
        var i = model.Integer is not null ? matrices[e] : null;
        return new EngineComparison(protocol, f, i, compared, agreed);
    }
}
