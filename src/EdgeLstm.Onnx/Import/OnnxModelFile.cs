using EdgeLstm.Core.Model;
using EdgeLstm.Onnx.Proto;
using Google.Protobuf;

namespace EdgeLstm.Onnx.Import;

/// <summary>Reads an ONNX model file (or bytes) into the generated message types, with one-line errors.</summary>
internal static class OnnxModelFile
{
    public static ModelProto Load(string path)
    {
        if (!File.Exists(path)) throw new ModelException($"{path}: no such file");
        return Parse(File.ReadAllBytes(path), path);
    }

    public static ModelProto Parse(byte[] bytes, string what)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelException($"{what}: not an ONNX model ({e.Message})", e);
        }
        if (model.Graph is null) throw new ModelException($"{what}: the ONNX model has no graph");
        foreach (var set in model.OpsetImport)
            if ((set.Domain is "" or "ai.onnx") && set.Version < 7)
                throw new ModelException($"{what}: operator set {set.Version} is older than 7, the first with today's LSTM, GRU and RNN");
        return model;
    }
}
