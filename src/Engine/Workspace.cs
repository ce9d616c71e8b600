using Qnn.Engine.Execution;

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

    /// <summary>Samples a batch prediction moves through each layer together.</summary>
    internal const int Block = 32;

    internal float[][]? BlockActivations { get; private set; }

    /// <summary>The lanes plan's buffers (see <see cref="LaneNetwork"/>), made on first use.</summary>
    internal LaneScratch? Lanes { get; set; }
    internal ulong[][]? BlockScratch { get; private set; }

    /// <summary>Makes the block buffers on first use (a batch prediction), once per workspace.</summary>
    internal void EnsureBlockBuffers(EngineModel model)
    {
        if (BlockActivations is not null) return;
        BlockActivations = new float[model.Layers.Count + 1][];
        BlockActivations[0] = new float[model.Input.Size * Block];
        BlockScratch = new ulong[model.Layers.Count][];
        for (var i = 0; i < model.Layers.Count; i++)
        {
            BlockActivations[i + 1] = new float[model.Layers[i].OutputSize * Block];
            BlockScratch[i] = new ulong[model.Layers[i].BlockScratchWords(Block)];
        }
    }
}
