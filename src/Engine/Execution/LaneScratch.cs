namespace Qnn.Engine.Execution;

/// <summary>One thread's buffers for a <see cref="LaneNetwork"/>: the block's features as
/// [feature][sample], each layer's input lanes and sums (int[] or short[], [row][sample]), the
/// block's Σx per lane, a row of int32 and of float values, and the logits [sample][class].</summary>
internal sealed record LaneScratch(float[] Features, Array[] Inputs, Array[] Sums, int[] Total, int[] Row, float[] Values, float[] Logits);
