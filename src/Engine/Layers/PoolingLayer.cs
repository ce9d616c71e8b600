namespace Qnn.Engine;

/// <summary>What both max-pooling layers share: window and stride <see cref="Pool"/> (floor) over
/// [channels, height, width]. <see cref="MaxPoolLayer"/> ORs sign bits; <see cref="ValueMaxPoolLayer"/>
/// takes the maximum of any values.</summary>
public abstract class PoolingLayer(string name, int[] inputShape, int pool) : EngineLayer
{
    /// <inheritdoc />
    public override string Name { get; } = name;
    /// <summary>[channels, height, width] in.</summary>
    public int[] InputShape { get; } = inputShape;
    /// <summary>Window and stride.</summary>
    public int Pool { get; } = pool;
    /// <summary>Output height.</summary>
    protected int OutHeight => InputShape[1] / Pool;
    /// <summary>Output width.</summary>
    protected int OutWidth => InputShape[2] / Pool;
    /// <inheritdoc />
    public override int InputSize => InputShape[0] * InputShape[1] * InputShape[2];
    /// <inheritdoc />
    public override int OutputSize => InputShape[0] * OutHeight * OutWidth;
    /// <inheritdoc />
    public override long ParameterBytes => 0;
}
