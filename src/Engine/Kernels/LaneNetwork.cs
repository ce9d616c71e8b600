using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qnn.Engine;

/// <summary>
/// A small dense network run with samples in the SIMD lanes: a block of <see cref="Block"/>
/// samples is transposed once to [feature][sample], the input codes are computed 16 samples per
/// vector, and every layer adds (or multiplies in) whole lane vectors, one per input, for each
/// output: a tiny dot product per sample becomes a few vector additions per 16 or 32 samples.
/// Activations stay in the lanes from layer to layer (no float buffers, no transposing back) and
/// only the logits are written out per sample. A layer whose values stay within ±16383 runs in
/// int16 lanes (32 samples a vector), else in int32 lanes; all arithmetic is exact integer
/// arithmetic on the same values the plain layers compute, so the results are identical.
/// Sign thresholds compare in the lanes, logits are the same float32 operations as
/// <see cref="LayerOutput.Apply"/> in the lanes, and any other output form goes through
/// <see cref="LayerOutput.Apply"/> lane by lane (exact, slower).
/// </summary>
internal sealed class LaneNetwork
{
    /// <summary>Samples per pass.</summary>
    public const int Block = 128;

    /// <summary>Weights per layer up to which the lanes beat the per-sample kernels (measured
    /// with EngineBench: a 784×2048 layer is far faster by VNNI or the column counter).</summary>
    public const int MaxWeightsPerLayer = 16384;

    private const int ShortLimit = 16383;

    private readonly LaneLayer[] layers;
    private readonly bool[] wide;
    // Sign outputs: the firing range per output, clamped to the layer's reachable z (null otherwise).
    private readonly int[]?[] low;
    private readonly int[]?[] high;
    // Logits outputs evaluated in the lanes (the affine form), per layer.
    private readonly bool[] affine;
    // Inputs that come from Apply's fallback must stay within this bound (0: no check needed).
    private readonly long[] inputCap;
    // The input quantizer per feature: low, high, width, levels.
    private readonly float[] lows, highs, spans, levels;
    private readonly int features;

    private LaneNetwork(InputStage input, LaneLayer[] layers, bool[] wide, int[]?[] low, int[]?[] high, bool[] affine, long[] inputCap)
    {
        (this.layers, this.wide, this.low, this.high, this.affine, this.inputCap) = (layers, wide, low, high, affine, inputCap);
        features = input.Size;
        int Range(int f) => input.Low.Length == 1 ? 0 : f;
        lows = Enumerable.Range(0, features).Select(f => input.Low[Range(f)]).ToArray();
        highs = Enumerable.Range(0, features).Select(f => input.High[Range(f)]).ToArray();
        // The same float32 expressions as InputStage, so every code is the same.
        spans = Enumerable.Range(0, features).Select(f => MathF.Max(input.High[Range(f)] - input.Low[Range(f)], 1e-30f)).ToArray();
        levels = Enumerable.Range(0, features).Select(f => input.LevelsOf(f)).ToArray();
        Classes = layers[^1].Outputs;
    }

    /// <summary>Logits per sample.</summary>
    public int Classes { get; }

    /// <summary>Whether layer <paramref name="index"/> runs in int32 lanes (else int16).</summary>
    public bool IsWide(int index) => wide[index];

    /// <summary>The lanes plan of a network made only of small binary and integer dense layers on
    /// a CPU with 512-bit vectors; null where the per-sample kernels apply instead.</summary>
    public static LaneNetwork? TryCreate(InputStage input, IReadOnlyList<EngineLayer> engineLayers)
    {
        if (!Vector512.IsHardwareAccelerated || engineLayers.Count == 0)
            return null;
        var layers = new LaneLayer[engineLayers.Count];
        for (var k = 0; k < layers.Length; k++)
        {
            if ((long)engineLayers[k].InputSize * engineLayers[k].OutputSize > MaxWeightsPerLayer || LaneLayer.Of(engineLayers[k]) is not { } lane)
                return null;
            layers[k] = lane;
        }
        var (wide, low, high, affine, cap) = (new bool[layers.Length], new int[]?[layers.Length], new int[]?[layers.Length], new bool[layers.Length], new long[layers.Length]);
        // The largest |x| of the first layer's inputs: codes (NaN reads as 0), or signs.
        long[] bound = layers[0].SignInputs ? Enumerable.Repeat(1L, input.Size).ToArray()
            : Enumerable.Range(0, input.Size).Select(f => (long)input.LevelsOf(f)).ToArray();
        for (var k = 0; k < layers.Length; k++)
        {
            var layer = layers[k];
            long reach;
            if (bound.Length == 0)
            {
                // Values from Apply's fallback: unknown ahead, checked at run time against a cap.
                var widest = Math.Max(1, layer.AbsoluteSums.DefaultIfEmpty(0).Max());
                cap[k] = int.MaxValue / 2 / widest;
                reach = int.MaxValue / 2;
                wide[k] = true;
            }
            else
            {
                reach = 0;
                for (var j = 0; j < layer.Outputs; j++)
                {
                    var sum = 0L;
                    for (var t = layer.AddedStart[j]; t < layer.AddedStart[j + 1]; t++) sum += bound[layer.Added[t]];
                    for (var t = layer.SubtractedStart[j]; t < layer.SubtractedStart[j + 1]; t++) sum += bound[layer.Subtracted[t]];
                    for (var t = layer.MultipliedStart[j]; t < layer.MultipliedStart[j + 1]; t++) sum += Math.Abs((long)layer.MultipliedWeight[t]) * bound[layer.Multiplied[t]];
                    // The all-±1 form sums every input once more (Σ x).
                    if (layer.TotalFactor[j] != 0) sum = 2 * sum + bound.Sum();
                    reach = Math.Max(reach, sum);
                }
                if (reach > int.MaxValue / 2)
                    return null;
                wide[k] = reach > ShortLimit;
            }
            var output = layer.Output;
            if (output.Thresholds is { } thresholds)
            {
                // Beyond the reachable z every threshold acts the same, so it fits the lane type.
                var limit = (int)Math.Min(reach + 1, int.MaxValue / 2 + 1);
                (low[k], high[k]) = (new int[layer.Outputs], new int[layer.Outputs]);
                for (var j = 0; j < layer.Outputs; j++)
                {
                    var (lo, hi) = thresholds[j].FiringRange;
                    (low[k]![j], high[k]![j]) = (Math.Clamp(lo, -limit, limit), Math.Clamp(hi, -limit, limit));
                }
                bound = Enumerable.Repeat(1L, layer.Outputs).ToArray();
            }
            else
            {
                affine[k] = k == layers.Length - 1 && IsAffine(output);
                bound = Array.Empty<long>();
            }
            if (k + 1 < layers.Length && layers[k + 1].Inputs != layer.Outputs)
                return null;
            if (k + 1 < layers.Length && layers[k + 1].SignInputs && bound.Length == 0)
                bound = Enumerable.Repeat(1L, layer.Outputs).ToArray();
        }
        return new LaneNetwork(input, layers, wide, low, high, affine, cap);
    }

    /// <summary>Whether the output is the logits form z·Scale·α + β (probed on z of both signs and
    /// beyond 2^24, so a form that only looks like it runs through Apply instead).</summary>
    private static bool IsAffine(LayerOutput output)
    {
        if (output.Alpha is null || output.Beta is null || output.Alpha.Length != output.Count || output.Beta.Length != output.Count)
            return false;
        foreach (var z in new long[] { 0, 1, -1, 7, -13, 1000, -123457, 1 << 20, -(1 << 20) - 3, (1 << 25) + 5, -(1 << 26) - 7 })
            for (var j = 0; j < output.Count; j++)
            {
                var expected = (float)z * output.Scale * output.Alpha[j] + output.Beta[j];
                if (BitConverter.SingleToInt32Bits(output.Apply(j, z)) != BitConverter.SingleToInt32Bits(expected))
                    return false;
            }
        return true;
    }

    /// <summary>Buffers for one thread.</summary>
    public LaneScratch CreateScratch()
    {
        var inputs = new Array[layers.Length];
        var sums = new Array[layers.Length];
        for (var k = 0; k < layers.Length; k++)
        {
            inputs[k] = wide[k] ? new int[layers[k].Inputs * Block] : new short[layers[k].Inputs * Block];
            sums[k] = wide[k] ? new int[layers[k].Outputs * Block] : new short[layers[k].Outputs * Block];
        }
        return new LaneScratch(new float[features * Block], inputs, sums, new int[Block], new int[Block], new float[Block], new float[Block * Classes]);
    }

    /// <summary>The logits of <paramref name="count"/> (≤ <see cref="Block"/>) samples stored one
    /// after another, into <see cref="LaneScratch.Logits"/>; false when a value from a fallback
    /// output exceeds what the int32 lanes hold exactly (then the plain path must run the block).</summary>
    public bool Run(ReadOnlySpan<float> samples, int count, LaneScratch scratch)
    {
        if (count is < 1 or > Block || samples.Length != count * features)
            throw new ArgumentException($"{count} samples of {features} values, at most {Block}, got {samples.Length} values");
        Encode(samples, count, scratch);
        for (var k = 0; k < layers.Length; k++)
        {
            if (wide[k]) Accumulate((int[])scratch.Inputs[k], (int[])scratch.Sums[k], scratch.Total, layers[k]);
            else Accumulate((short[])scratch.Inputs[k], (short[])scratch.Sums[k], scratch.Total, layers[k]);
            var ok = wide[k] ? Emit<int>(k, count, scratch) : Emit<short>(k, count, scratch);
            if (!ok)
                return false;
        }
        return true;
    }

    /// <summary>Transposes the samples to [feature][sample] and computes the input codes in the
    /// lanes with InputStage's float32 operations, read as the first layer reads them.</summary>
    private void Encode(ReadOnlySpan<float> samples, int count, LaneScratch scratch)
    {
        var rows = scratch.Features;
        for (var s = 0; s < count; s++)
            for (var f = 0; f < features; f++)
                rows[f * Block + s] = samples[s * features + f];
        for (var f = 0; f < features; f++)
            rows.AsSpan(f * Block + count, Block - count).Clear();
        var signs = layers[0].SignInputs;
        Span<int> codes = stackalloc int[Block];
        for (var f = 0; f < features; f++)
        {
            var (lo, hi, width, top) = (Vector512.Create(lows[f]), Vector512.Create(highs[f]), Vector512.Create(spans[f]), Vector512.Create(levels[f]));
            for (var s = 0; s < Block; s += 16)
            {
                var x = Vector512.Create(rows.AsSpan(f * Block + s, 16));
                var clamped = Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, Vector512.ConditionalSelect(Vector512.GreaterThan(x, hi), hi, x));
                var code = Vector512.Round((clamped - lo) / width * top);
                ToLane(code, signs).CopyTo(codes.Slice(s, 16));
            }
            StoreRow(codes, scratch.Inputs[0], f);
        }
    }

    /// <summary>A float value as a layer reads it: its sign (&gt;= 0 is +1, NaN −1) or its integer
    /// part (NaN 0), as the plain layers' packing and (long) conversion do.</summary>
    private static Vector512<int> ToLane(Vector512<float> value, bool signs) => signs
        ? Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(value, Vector512<float>.Zero).AsInt32(), Vector512.Create(1), Vector512.Create(-1))
        : Vector512.ConvertToInt32(Vector512.ConditionalSelect(Vector512.Equals(value, value), value, Vector512<float>.Zero));

    /// <summary>Stores one row of <see cref="Block"/> int values into row <paramref name="row"/> of
    /// an int32 or int16 lane buffer.</summary>
    private static void StoreRow(ReadOnlySpan<int> values, Array buffer, int row)
    {
        if (buffer is int[] ints)
        {
            values.CopyTo(ints.AsSpan(row * Block, Block));
            return;
        }
        var shorts = (short[])buffer;
        for (var s = 0; s < Block; s += 32)
            Vector512.Narrow(Vector512.Create(values.Slice(s, 16)), Vector512.Create(values.Slice(s + 16, 16))).CopyTo(shorts.AsSpan(row * Block + s, 32));
    }

    /// <summary>z[j][·] for every output over the block's lanes, four vectors at a time.</summary>
    private static void Accumulate<T>(T[] inputs, T[] sums, int[] totalBuffer, LaneLayer layer)
        where T : unmanaged, IBinaryInteger<T>
    {
        var x = MemoryMarshal.Cast<T, Vector512<T>>(inputs.AsSpan());
        var z = MemoryMarshal.Cast<T, Vector512<T>>(sums.AsSpan());
        var total = MemoryMarshal.Cast<int, Vector512<T>>(totalBuffer.AsSpan());
        var perRow = Block / Vector512<T>.Count;
        ref var x0 = ref MemoryMarshal.GetReference(x);
        if (layer.UsesTotal)
        {
            for (var c = 0; c < perRow; c++)
            {
                var t = Vector512<T>.Zero;
                for (var i = 0; i < layer.Inputs; i++)
                    t += Unsafe.Add(ref x0, i * perRow + c);
                total[c] = t;
            }
        }
        var (added, subtracted, multiplied, weights) = (layer.Added, layer.Subtracted, layer.Multiplied, layer.MultipliedWeight);
        for (var c = 0; c < perRow; c += 4)
        {
            for (var j = 0; j < layer.Outputs; j++)
            {
                Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var t = layer.AddedStart[j]; t < layer.AddedStart[j + 1]; t++)
                {
                    ref var r = ref Unsafe.Add(ref x0, added[t] * perRow + c);
                    a0 += r; a1 += Unsafe.Add(ref r, 1); a2 += Unsafe.Add(ref r, 2); a3 += Unsafe.Add(ref r, 3);
                }
                for (var t = layer.SubtractedStart[j]; t < layer.SubtractedStart[j + 1]; t++)
                {
                    ref var r = ref Unsafe.Add(ref x0, subtracted[t] * perRow + c);
                    a0 -= r; a1 -= Unsafe.Add(ref r, 1); a2 -= Unsafe.Add(ref r, 2); a3 -= Unsafe.Add(ref r, 3);
                }
                for (var t = layer.MultipliedStart[j]; t < layer.MultipliedStart[j + 1]; t++)
                {
                    ref var r = ref Unsafe.Add(ref x0, multiplied[t] * perRow + c);
                    var w = Vector512.Create(T.CreateTruncating(weights[t]));
                    a0 += r * w; a1 += Unsafe.Add(ref r, 1) * w; a2 += Unsafe.Add(ref r, 2) * w; a3 += Unsafe.Add(ref r, 3) * w;
                }
                var factor = layer.Factor[j];
                if (factor != 1)
                {
                    (a0, a1, a2, a3) = (a0 + a0, a1 + a1, a2 + a2, a3 + a3);
                    if (factor < 0) (a0, a1, a2, a3) = (-a0, -a1, -a2, -a3);
                }
                var totalFactor = layer.TotalFactor[j];
                if (totalFactor > 0) (a0, a1, a2, a3) = (a0 + total[c], a1 + total[c + 1], a2 + total[c + 2], a3 + total[c + 3]);
                else if (totalFactor < 0) (a0, a1, a2, a3) = (a0 - total[c], a1 - total[c + 1], a2 - total[c + 2], a3 - total[c + 3]);
                var at = j * perRow + c;
                (z[at], z[at + 1], z[at + 2], z[at + 3]) = (a0, a1, a2, a3);
            }
        }
    }

    /// <summary>Applies layer <paramref name="k"/>'s output to its sums: the next layer's input
    /// lanes, or the logits.</summary>
    private bool Emit<T>(int k, int count, LaneScratch scratch) where T : unmanaged, IBinaryInteger<T>
    {
        var layer = layers[k];
        var sums = (T[])scratch.Sums[k];
        var last = k == layers.Length - 1;
        var perRow = Block / Vector512<T>.Count;
        if (low[k] is { } lo && high[k] is { } hi && !last)
        {
            // ±1 in the lanes; in place when the next layer's lanes are another width.
            var same = wide[k + 1] == wide[k];
            var into = same ? (T[])scratch.Inputs[k + 1] : sums;
            var z = MemoryMarshal.Cast<T, Vector512<T>>(sums.AsSpan());
            var y = MemoryMarshal.Cast<T, Vector512<T>>(into.AsSpan());
            var (plus, minus) = (Vector512.Create(T.One), Vector512.Create(-T.One));
            for (var j = 0; j < layer.Outputs; j++)
            {
                var (l, h) = (Vector512.Create(T.CreateTruncating(lo[j])), Vector512.Create(T.CreateTruncating(hi[j])));
                for (var c = j * perRow; c < (j + 1) * perRow; c++)
                    y[c] = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z[c], l) & Vector512.LessThanOrEqual(z[c], h), plus, minus);
            }
            if (!same)
                Convert(sums, scratch.Inputs[k + 1], layer.Outputs);
            return true;
        }
        var row = scratch.Row;
        var values = scratch.Values;
        for (var j = 0; j < layer.Outputs; j++)
        {
            Widen(sums.AsSpan(j * Block, Block), row);
            if (last && affine[k])
            {
                // The same float32 operations as LayerOutput.Apply: z·Scale, ·α, +β.
                var output = layer.Output;
                var (scale, alpha, beta) = (Vector512.Create(output.Scale), Vector512.Create(output.Alpha![j]), Vector512.Create(output.Beta![j]));
                for (var s = 0; s < Block; s += 16)
                    (Vector512.ConvertToSingle(Vector512.Create(row.AsSpan(s, 16))) * scale * alpha + beta).CopyTo(values.AsSpan(s, 16));
            }
            else
            {
                for (var s = 0; s < count; s++)
                    values[s] = layer.Output.Apply(j, row[s]);
            }
            if (last)
            {
                for (var s = 0; s < count; s++)
                    scratch.Logits[s * Classes + j] = values[s];
                continue;
            }
            // A fallback output read as the next layer reads it, within what its lanes hold exactly.
            var signs = layers[k + 1].SignInputs;
            for (var s = 0; s < Block; s += 16)
                ToLane(Vector512.Create(values.AsSpan(s, 16)), signs).CopyTo(row.AsSpan(s, 16));
            row.AsSpan(count).Clear();
            var cap = inputCap[k + 1];
            if (cap > 0)
                foreach (var v in row.AsSpan(0, count))
                    if (Math.Abs((long)v) > cap)
                        return false;
            StoreRow(row, scratch.Inputs[k + 1], j);
        }
        return true;
    }

    /// <summary>One row of sums as int32.</summary>
    private static void Widen<T>(ReadOnlySpan<T> sums, Span<int> row) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(int))
        {
            MemoryMarshal.Cast<T, int>(sums).CopyTo(row);
            return;
        }
        var shorts = MemoryMarshal.Cast<T, Vector512<short>>(sums);
        for (var c = 0; c < shorts.Length; c++)
        {
            Vector512.WidenLower(shorts[c]).CopyTo(row.Slice(c * 32, 16));
            Vector512.WidenUpper(shorts[c]).CopyTo(row.Slice(c * 32 + 16, 16));
        }
    }

    /// <summary>±1 rows from one lane width to the other.</summary>
    private static void Convert(Array from, Array to, int rows)
    {
        Span<int> row = stackalloc int[Block];
        for (var r = 0; r < rows; r++)
        {
            if (from is int[] ints)
                ints.AsSpan(r * Block, Block).CopyTo(row);
            else
                Widen(((short[])from).AsSpan(r * Block, Block), row);
            StoreRow(row, to, r);
        }
    }
}
