using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Qnn.Engine.Kernels;

namespace Qnn.Engine.Execution;

/// <summary>
/// A small dense network run with samples in the SIMD lanes: a block of <see cref="Block"/>
/// samples is transposed once to [feature][sample], the input codes are computed 16 samples per
/// vector, and every layer adds (or multiplies in) whole lane vectors, one per input, for each
/// output: a tiny dot product per sample becomes a few vector additions per 16 to 64 samples.
/// Activations stay in the lanes from layer to layer (no float buffers, no transposing back) and
/// only the logits are written out per sample. Each layer runs in the narrowest integer lanes
/// that hold every value it can reach (<see cref="LaneWidth"/>); all arithmetic is exact integer
/// arithmetic on the same values the plain layers compute, so the results are identical.
/// Sign thresholds compare in the lanes, level outputs (ternary activations, DoReFa codes) count
/// their firing thresholds in the lanes and pick the level's value there, logits are the same
/// float32 operations as <see cref="LayerOutput.Apply"/> in the lanes, and any other output form
/// goes through <see cref="LayerOutput.Apply"/> lane by lane (exact, slower).
/// </summary>
internal sealed class LaneNetwork
{
    /// <summary>Samples per pass: four vectors of the narrowest lanes.</summary>
    public const int Block = 256;

    /// <summary>Weights per layer up to which a network runs in the lanes. The lanes cost about one
    /// vector addition per weight and 16–64 samples, so a 128×128 layer is still a few hundred
    /// instructions a sample; a 784×2048 layer is far cheaper by byte dots or the column counter.</summary>
    public const int MaxWeightsPerLayer = 16384;

    /// <summary>Most inputs or outputs of a layer in the lanes (its lane buffers hold that many
    /// rows of <see cref="Block"/> values).</summary>
    public const int MaxWidth = 1024;

    private const int ByteLimit = 126;
    private const int ShortLimit = 16383;
    // Per output in a program: added, subtracted and multiplied counts, Factor, TotalFactor.
    private const int Header = 5;

    private readonly LaneLayer[] layers;
    private readonly LaneWidth[] widths;
    // Per layer, per output: counts, then input offsets (row·vectors per row) and weights.
    private readonly int[][] programs;
    // Sign outputs: the firing range per output, clamped to the layer's reachable z (null otherwise).
    private readonly int[]?[] low;
    private readonly int[]?[] high;
    // Level outputs into the next layer: per output its Steps firing ranges (clamped like the sign
    // ones), and the level values as the next layer reads them (null otherwise).
    private readonly LevelLanes?[] levels;
    // Logits outputs evaluated in the lanes (the affine form), per layer.
    private readonly bool[] affine;
    // Inputs that come from Apply's fallback must stay within this bound (0: no check needed).
    private readonly long[] inputCap;
    // The input quantizer per feature: low, high, width, levels.
    private readonly float[] lows, highs, spans, codeLevels;
    private readonly int features;

    private LaneNetwork(InputStage input, LaneLayer[] layers, LaneWidth[] widths, int[]?[] low, int[]?[] high, LevelLanes?[] levels, bool[] affine, long[] inputCap)
    {
        (this.layers, this.widths, this.low, this.high, this.levels, this.affine, this.inputCap) = (layers, widths, low, high, levels, affine, inputCap);
        programs = layers.Select((layer, k) => Program(layer, Block / LanesOf(widths[k]))).ToArray();
        features = input.Size;
        int Range(int f) => input.Low.Length == 1 ? 0 : f;
        lows = Enumerable.Range(0, features).Select(f => input.Low[Range(f)]).ToArray();
        highs = Enumerable.Range(0, features).Select(f => input.High[Range(f)]).ToArray();
        // The same float32 expressions as InputStage, so every code is the same.
        spans = Enumerable.Range(0, features).Select(f => MathF.Max(input.High[Range(f)] - input.Low[Range(f)], 1e-30f)).ToArray();
        codeLevels = Enumerable.Range(0, features).Select(f => input.LevelsOf(f)).ToArray();
        Classes = layers[^1].Outputs;
    }

    /// <summary>Logits per sample.</summary>
    public int Classes { get; }

    /// <summary>The lanes layer <paramref name="index"/> runs in.</summary>
    public LaneWidth WidthOf(int index) => widths[index];

    private static int LanesOf(LaneWidth width) => 64 / (int)width;

    /// <summary>A layer's weights as one flat program: per output its header, then the offsets of
    /// the inputs it adds, subtracts and multiplies, then the multiplied weights.</summary>
    private static int[] Program(LaneLayer layer, int perRow)
    {
        var program = new List<int>();
        for (var j = 0; j < layer.Outputs; j++)
        {
            var (a0, a1) = (layer.AddedStart[j], layer.AddedStart[j + 1]);
            var (s0, s1) = (layer.SubtractedStart[j], layer.SubtractedStart[j + 1]);
            var (m0, m1) = (layer.MultipliedStart[j], layer.MultipliedStart[j + 1]);
            program.AddRange(new[] { a1 - a0, s1 - s0, m1 - m0, layer.Factor[j], layer.TotalFactor[j] });
            program.AddRange(layer.Added[a0..a1].Select(i => i * perRow));
            program.AddRange(layer.Subtracted[s0..s1].Select(i => i * perRow));
            program.AddRange(layer.Multiplied[m0..m1].Select(i => i * perRow));
            program.AddRange(layer.MultipliedWeight[m0..m1]);
        }
        return program.ToArray();
    }

    /// <summary>The lanes plan of a network made only of small binary, integer and integer-sum
    /// general dense layers on a CPU with 512-bit vectors; null where the per-sample kernels apply
    /// instead.</summary>
    public static LaneNetwork? TryCreate(InputStage input, IReadOnlyList<EngineLayer> engineLayers)
    {
        if (!Vector512.IsHardwareAccelerated || engineLayers.Count == 0)
            return null;
        var layers = new LaneLayer[engineLayers.Count];
        for (var k = 0; k < layers.Length; k++)
        {
            var (inputs, outputs) = (engineLayers[k].InputSize, engineLayers[k].OutputSize);
            if ((long)inputs * outputs > MaxWeightsPerLayer || inputs > MaxWidth || outputs > MaxWidth || LaneLayer.Of(engineLayers[k]) is not { } lane)
                return null;
            layers[k] = lane;
        }
        var (widths, low, high, affine, cap) = (new LaneWidth[layers.Length], new int[]?[layers.Length], new int[]?[layers.Length], new bool[layers.Length], new long[layers.Length]);
        var levels = new LevelLanes?[layers.Length];
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
                    // The all-±1 form doubles its sum and adds Σ x: every partial result stays below this.
                    if (layer.TotalFactor[j] != 0) sum = 2 * sum + bound.Sum();
                    reach = Math.Max(reach, sum);
                }
                if (reach > int.MaxValue / 2)
                    return null;
            }
            widths[k] = reach <= ByteLimit && layer.Multiplied.Length == 0 ? LaneWidth.Bytes : reach <= ShortLimit ? LaneWidth.Shorts : LaneWidth.Ints;
            var output = layer.Output;
            // Beyond the reachable z every threshold acts the same, so it fits the lanes.
            var limit = (int)Math.Min(reach + 1, int.MaxValue / 2 + 1);
            if (output.Thresholds is { } thresholds)
            {
                (low[k], high[k]) = (new int[layer.Outputs], new int[layer.Outputs]);
                for (var j = 0; j < layer.Outputs; j++)
                {
                    var (lo, hi) = thresholds[j].FiringRange;
                    (low[k]![j], high[k]![j]) = (Math.Clamp(lo, -limit, limit), Math.Clamp(hi, -limit, limit));
                }
                bound = Enumerable.Repeat(1L, layer.Outputs).ToArray();
            }
            else if (k + 1 < layers.Length && LevelLanes.Of(output, layers[k + 1].SignInputs, limit) is { } level)
            {
                levels[k] = level;
                bound = Enumerable.Repeat(level.Largest, layer.Outputs).ToArray();
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
        return new LaneNetwork(input, layers, widths, low, high, levels, affine, cap);
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

    private static Array LaneBuffer(LaneWidth width, int rows) => width switch
    {
        LaneWidth.Bytes => new sbyte[rows * Block],
        LaneWidth.Shorts => new short[rows * Block],
        _ => new int[rows * Block],
    };

    /// <summary>Buffers for one thread.</summary>
    public LaneScratch CreateScratch()
    {
        var inputs = layers.Select((layer, k) => LaneBuffer(widths[k], layer.Inputs)).ToArray();
        var sums = layers.Select((layer, k) => LaneBuffer(widths[k], layer.Outputs)).ToArray();
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
            var ok = widths[k] switch
            {
                LaneWidth.Bytes => Layer<sbyte>(k, count, scratch),
                LaneWidth.Shorts => Layer<short>(k, count, scratch),
                _ => Layer<int>(k, count, scratch),
            };
            if (!ok)
                return false;
        }
        return true;
    }

    private bool Layer<T>(int k, int count, LaneScratch scratch) where T : unmanaged, IBinaryInteger<T>
    {
        Accumulate((T[])scratch.Inputs[k], (T[])scratch.Sums[k], scratch.Total, programs[k], layers[k].Inputs, layers[k].Outputs, layers[k].UsesTotal);
        return Emit<T>(k, count, scratch);
    }

    /// <summary>Transposes the samples to [feature][sample] and computes the input codes in the
    /// lanes with InputStage's float32 operations, read as the first layer reads them.</summary>
    private void Encode(ReadOnlySpan<float> samples, int count, LaneScratch scratch)
    {
        var rows = scratch.Features;
        ref var from = ref MemoryMarshal.GetReference(samples);
        ref var to = ref MemoryMarshal.GetArrayDataReference(rows);
        for (var s = 0; s < count; s++)
        {
            ref var sample = ref Unsafe.Add(ref from, s * features);
            for (var f = 0; f < features; f++)
                Unsafe.Add(ref to, f * Block + s) = Unsafe.Add(ref sample, f);
        }
        for (var f = 0; f < features; f++)
            rows.AsSpan(f * Block + count, Block - count).Clear();
        var signs = layers[0].SignInputs;
        var codes = scratch.Row;
        for (var f = 0; f < features; f++)
        {
            var (lo, hi, width, top) = (Vector512.Create(lows[f]), Vector512.Create(highs[f]), Vector512.Create(spans[f]), Vector512.Create(codeLevels[f]));
            for (var s = 0; s < Block; s += 16)
            {
                var x = Vector512.Create(rows.AsSpan(f * Block + s, 16));
                var clamped = Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, Vector512.ConditionalSelect(Vector512.GreaterThan(x, hi), hi, x));
                var code = Vector512.Round((clamped - lo) / width * top);
                ToLane(code, signs).CopyTo(codes.AsSpan(s, 16));
            }
            StoreRow(codes, scratch.Inputs[0], f);
        }
    }

    /// <summary>A float value as a layer reads it: its sign (&gt;= 0 is +1, NaN −1) or its integer
    /// part (NaN 0), as the plain layers' packing and (long) conversion do.</summary>
    private static Vector512<int> ToLane(Vector512<float> value, bool signs) => signs
        ? Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(value, Vector512<float>.Zero).AsInt32(), Vector512.Create(1), Vector512.Create(-1))
        : Vector512.ConvertToInt32(Vector512.ConditionalSelect(Vector512.Equals(value, value), value, Vector512<float>.Zero));

    /// <summary>Stores one row of <see cref="Block"/> int values (each within the lanes' range)
    /// into row <paramref name="row"/> of an int32, int16 or int8 lane buffer.</summary>
    private static void StoreRow(ReadOnlySpan<int> values, Array buffer, int row)
    {
        switch (buffer)
        {
            case int[] ints:
                values.CopyTo(ints.AsSpan(row * Block, Block));
                break;
            case short[] shorts:
                for (var s = 0; s < Block; s += 32)
                    Vector512.Narrow(Vector512.Create(values.Slice(s, 16)), Vector512.Create(values.Slice(s + 16, 16))).CopyTo(shorts.AsSpan(row * Block + s, 32));
                break;
            default:
                var bytes = (sbyte[])buffer;
                for (var s = 0; s < Block; s += 64)
                    Vector512.Narrow(
                        Vector512.Narrow(Vector512.Create(values.Slice(s, 16)), Vector512.Create(values.Slice(s + 16, 16))),
                        Vector512.Narrow(Vector512.Create(values.Slice(s + 32, 16)), Vector512.Create(values.Slice(s + 48, 16)))).CopyTo(bytes.AsSpan(row * Block + s, 64));
                break;
        }
    }

    /// <summary>Output j's row of lanes as int32: the row itself where the lanes are int32, else
    /// widened into <paramref name="row"/>.</summary>
    private static ReadOnlySpan<int> WideRow<T>(T[] sums, int j, int[] row) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(int))
            return MemoryMarshal.Cast<T, int>(sums.AsSpan(j * Block, Block));
        Widen<T>(sums.AsSpan(j * Block, Block), row);
        return row;
    }

    /// <summary>One row of lanes as int32.</summary>
    private static void Widen<T>(ReadOnlySpan<T> lanes, Span<int> row) where T : unmanaged, IBinaryInteger<T>
    {
        if (typeof(T) == typeof(int))
        {
            MemoryMarshal.Cast<T, int>(lanes).CopyTo(row);
            return;
        }
        if (typeof(T) == typeof(short))
        {
            var shorts = MemoryMarshal.Cast<T, Vector512<short>>(lanes);
            for (var c = 0; c < shorts.Length; c++)
            {
                Vector512.WidenLower(shorts[c]).CopyTo(row.Slice(c * 32, 16));
                Vector512.WidenUpper(shorts[c]).CopyTo(row.Slice(c * 32 + 16, 16));
            }
            return;
        }
        var bytes = MemoryMarshal.Cast<T, Vector512<sbyte>>(lanes);
        for (var c = 0; c < bytes.Length; c++)
        {
            var (lower, upper) = (Vector512.WidenLower(bytes[c]), Vector512.WidenUpper(bytes[c]));
            Vector512.WidenLower(lower).CopyTo(row.Slice(c * 64, 16));
            Vector512.WidenUpper(lower).CopyTo(row.Slice(c * 64 + 16, 16));
            Vector512.WidenLower(upper).CopyTo(row.Slice(c * 64 + 32, 16));
            Vector512.WidenUpper(upper).CopyTo(row.Slice(c * 64 + 48, 16));
        }
    }

    /// <summary>z[j][·] for every output over the block's lanes, four vectors at a time, by the
    /// layer's program.</summary>
    private static void Accumulate<T>(T[] inputs, T[] sums, int[] totalBuffer, int[] program, int inputCount, int outputs, bool usesTotal)
        where T : unmanaged, IBinaryInteger<T>
    {
        var perRow = Block / Vector512<T>.Count;
        ref var x0 = ref Unsafe.As<T, Vector512<T>>(ref MemoryMarshal.GetArrayDataReference(inputs));
        ref var z0 = ref Unsafe.As<T, Vector512<T>>(ref MemoryMarshal.GetArrayDataReference(sums));
        ref var t0 = ref Unsafe.As<int, Vector512<T>>(ref MemoryMarshal.GetArrayDataReference(totalBuffer));
        ref var p0 = ref MemoryMarshal.GetArrayDataReference(program);
        if (usesTotal)
        {
            for (var c = 0; c < perRow; c++)
            {
                var t = Vector512<T>.Zero;
                for (var i = 0; i < inputCount; i++)
                    t += Unsafe.Add(ref x0, i * perRow + c);
                Unsafe.Add(ref t0, c) = t;
            }
        }
        for (var c = 0; c < perRow; c += 4)
        {
            ref var xc = ref Unsafe.Add(ref x0, c);
            var p = 0;
            for (var j = 0; j < outputs; j++)
            {
                var (added, subtracted, multiplied) = (Unsafe.Add(ref p0, p), Unsafe.Add(ref p0, p + 1), Unsafe.Add(ref p0, p + 2));
                var (factor, totalFactor) = (Unsafe.Add(ref p0, p + 3), Unsafe.Add(ref p0, p + 4));
                p += Header;
                Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var end = p + added; p < end; p++)
                {
                    ref var r = ref Unsafe.Add(ref xc, Unsafe.Add(ref p0, p));
                    a0 += r; a1 += Unsafe.Add(ref r, 1); a2 += Unsafe.Add(ref r, 2); a3 += Unsafe.Add(ref r, 3);
                }
                for (var end = p + subtracted; p < end; p++)
                {
                    ref var r = ref Unsafe.Add(ref xc, Unsafe.Add(ref p0, p));
                    a0 -= r; a1 -= Unsafe.Add(ref r, 1); a2 -= Unsafe.Add(ref r, 2); a3 -= Unsafe.Add(ref r, 3);
                }
                for (var end = p + multiplied; p < end; p++)
                {
                    ref var r = ref Unsafe.Add(ref xc, Unsafe.Add(ref p0, p));
                    var w = Vector512.Create(T.CreateTruncating(Unsafe.Add(ref p0, p + multiplied)));
                    a0 += r * w; a1 += Unsafe.Add(ref r, 1) * w; a2 += Unsafe.Add(ref r, 2) * w; a3 += Unsafe.Add(ref r, 3) * w;
                }
                p += multiplied;
                if (factor != 1)
                {
                    (a0, a1, a2, a3) = (a0 + a0, a1 + a1, a2 + a2, a3 + a3);
                    if (factor < 0) (a0, a1, a2, a3) = (-a0, -a1, -a2, -a3);
                }
                if (totalFactor != 0)
                {
                    ref var t = ref Unsafe.Add(ref t0, c);
                    if (totalFactor > 0) (a0, a1, a2, a3) = (a0 + t, a1 + Unsafe.Add(ref t, 1), a2 + Unsafe.Add(ref t, 2), a3 + Unsafe.Add(ref t, 3));
                    else (a0, a1, a2, a3) = (a0 - t, a1 - Unsafe.Add(ref t, 1), a2 - Unsafe.Add(ref t, 2), a3 - Unsafe.Add(ref t, 3));
                }
                ref var z = ref Unsafe.Add(ref z0, j * perRow + c);
                (z, Unsafe.Add(ref z, 1), Unsafe.Add(ref z, 2), Unsafe.Add(ref z, 3)) = (a0, a1, a2, a3);
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
        var row = scratch.Row;
        if (low[k] is { } lo && high[k] is { } hi && !last)
        {
            if (widths[k + 1] == widths[k])
            {
                // ±1 straight into the next layer's lanes.
                var z = MemoryMarshal.Cast<T, Vector512<T>>(sums.AsSpan());
                var y = MemoryMarshal.Cast<T, Vector512<T>>(((T[])scratch.Inputs[k + 1]).AsSpan());
                var (plus, minus) = (Vector512.Create(T.One), Vector512.Create(-T.One));
                var perRow = Block / Vector512<T>.Count;
                for (var j = 0; j < layer.Outputs; j++)
                {
                    var (l, h) = (Vector512.Create(T.CreateTruncating(lo[j])), Vector512.Create(T.CreateTruncating(hi[j])));
                    for (var c = j * perRow; c < (j + 1) * perRow; c++)
                        y[c] = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z[c], l) & Vector512.LessThanOrEqual(z[c], h), plus, minus);
                }
                return true;
            }
            // ±1 compared in int32, then narrowed or widened to the next layer's lanes.
            var (one, minusOne) = (Vector512.Create(1), Vector512.Create(-1));
            for (var j = 0; j < layer.Outputs; j++)
            {
                var wide = WideRow(sums, j, row);
                var (l, h) = (Vector512.Create(lo[j]), Vector512.Create(hi[j]));
                for (var s = 0; s < Block; s += 16)
                {
                    var z = Vector512.Create(wide.Slice(s, 16));
                    Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, l) & Vector512.LessThanOrEqual(z, h), one, minusOne).CopyTo(row.AsSpan(s, 16));
                }
                StoreRow(row, scratch.Inputs[k + 1], j);
            }
            return true;
        }
        if (levels[k] is { } level && !last)
        {
            if (widths[k + 1] == widths[k])
            {
                // Level values straight into the next layer's lanes.
                var next = (T[])scratch.Inputs[k + 1];
                for (var j = 0; j < layer.Outputs; j++)
                    level.Apply<T>(j, sums.AsSpan(j * Block, Block), next.AsSpan(j * Block, Block));
                return true;
            }
            // Counted in int32, then narrowed or widened to the next layer's lanes.
            for (var j = 0; j < layer.Outputs; j++)
            {
                var wide = WideRow(sums, j, row);
                level.Apply<int>(j, wide, row);
                StoreRow(row, scratch.Inputs[k + 1], j);
            }
            return true;
        }
        var values = scratch.Values;
        for (var j = 0; j < layer.Outputs; j++)
        {
            Widen<T>(sums.AsSpan(j * Block, Block), row);
            if (last && affine[k])
            {
                // The same float32 operations as LayerOutput.Apply: z·Scale, ·α, +β.
                var output = layer.Output;
                var (scale, alpha, beta) = (Vector512.Create(output.Scale), Vector512.Create(output.Alpha![j]), Vector512.Create(output.Beta![j]));
                for (var s = 0; s < count; s += 16)
                    (Vector512.ConvertToSingle(Vector512.Create(row.AsSpan(s, 16))) * scale * alpha + beta).CopyTo(values.AsSpan(s, 16));
            }
            else
            {
                for (var s = 0; s < count; s++)
                    values[s] = layer.Output.Apply(j, row[s]);
            }
            if (last)
            {
                var logits = scratch.Logits;
                for (var s = 0; s < count; s++)
                    logits[s * Classes + j] = values[s];
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
}
