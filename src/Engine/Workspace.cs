namespace Qnn.Engine;

/// <summary>Every buffer one prediction needs, made once per thread and reused for each sample.</summary>
public sealed class Workspace
{
    internal Workspace(EngineModel model)
    {
        Activations = new float[model.Layers.Count + 1][];
        Activations[0] = new float[model.Input.Size];
        Scratch = new ulong[model.Layers.Count][];
        for (var i = 0; i < model.Layers.Count; i++)
        {
            Activations[i + 1] = new float[model.Layers[i].OutputSize];
            Scratch[i] = new ulong[model.Layers[i].ScratchWords];
        }
    }

    internal float[][] Activations { get; }
    internal ulong[][] Scratch { get; }

}
