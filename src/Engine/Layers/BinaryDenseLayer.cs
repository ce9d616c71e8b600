using System.Numerics;
using System.Runtime.Intrinsics;
using Qnn.Engine.Kernels;

namespace Qnn.Engine;

/// <summary>
/// A fully connected layer with binary weights. On ±1 inputs it packs the input once and takes
/// each output's dot product by XNOR–popcount (z = n - 2·popcount(x XOR w)): with AVX-512 and at
/// least 256 outputs by the <see cref="ColumnCounter"/> (vertical, 512 outputs at a time), else
/// row by row. On integer input codes of up to 8 bits it multiplies u8 codes by ±1 bytes (VNNI
/// where the CPU has it, else AVX-512BW's vpmaddubsw in the same k-major layout, a block of samples
/// per pass over the weights); wider codes of one width
/// split into bit-planes: Σ ±c_i = Σ_b 2^b (2·popcount(plane_b AND w) - popcount(plane_b)); codes
/// of different widths accumulate Σ ±code·multiplier in integers (the multipliers bring them to
/// one denominator). Then its <see cref="LayerOutput"/>: folded thresholds or logits.
/// </summary>
public sealed class BinaryDenseLayer : EngineLayer
{
    /// <inheritdoc/>
    public override TResult Accept<TResult>(ILayerVisitor<TResult> visitor) => visitor.Visit(this);

    private readonly ulong[] packedWeights;
    private readonly int[]? codeMultipliers;
    private readonly int words;
    private readonly int planes;
    // ±1 inputs, vertical path: the weights transposed into columns and each row's count of +1s.
    private readonly AlignedArray<ulong>? columns;
    private readonly int[]? rowOnes;
    // Sign outputs on the vertical path: thresholds compared on the bit-sliced counts.
    private readonly SlicedThresholds? sliced;
    // Byte codes: ±1 bytes, k-major for VNNI or AVX-512BW, or row by row (byteStride each) otherwise.
    private readonly AlignedArray<sbyte>? vnniWeights;
    private readonly AlignedArray<sbyte>? avx512Weights;
    private readonly sbyte[]? byteWeights;
    private readonly int byteStride;
    // One sample's scratch regions (a block's are laid out per block).
    private readonly Regions one;

    /// <param name="name">The layer's name (fc1…).</param>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="packedWeights">Outputs × ⌈inputs/64⌉ packed sign rows.</param>
    /// <param name="codeMultipliers">Null for ±1 inputs; for code inputs, one integer multiplier per input.</param>
    /// <param name="output">Thresholds or logits, one per output.</param>
    public BinaryDenseLayer(string name, int inputs, ulong[] packedWeights, int[]? codeMultipliers, LayerOutput output)
    {
        Name = name;
        InputSize = inputs;
        words = BitPacking.WordsFor(inputs);
        if (packedWeights.Length != words * output.Count)
            throw new ArgumentException($"{name}: {output.Count} outputs of {inputs} inputs need {words * output.Count} weight words, got {packedWeights.Length}");
        if (codeMultipliers is not null && codeMultipliers.Length != inputs)
            throw new ArgumentException($"{name}: {inputs} inputs need {inputs} code multipliers, got {codeMultipliers.Length}");
        this.packedWeights = packedWeights;
        this.codeMultipliers = codeMultipliers;
        Output = output;
        if (codeMultipliers is null && ColumnCounter.IsSupported && output.Count >= 256 && inputs <= ColumnCounter.MaxInputs)
        {
            columns = new AlignedArray<ulong>(ColumnCounter.Transpose(packedWeights, inputs, output.Count));
            rowOnes = new int[output.Count];
            for (var j = 0; j < output.Count; j++)
                foreach (var word in packedWeights.AsSpan(j * words, words))
                    rowOnes[j] += BitOperations.PopCount(word);
            if (output.Thresholds is not null)
                sliced = SlicedThresholds.Create(output, rowOnes, inputs);
        }
        // One multiplier for every input: bit-planes apply (codes are below 2^MaxCodeBits, so that many planes at most).
        planes = codeMultipliers is { Length: > 0 } m && m.All(x => x == m[0]) ? InputStage.MaxCodeBits : 0;
        if (planes > 0 && ByteDotVnni.IsSupported)
        {
            byteStride = ByteDotVnni.Stride(inputs);
            vnniWeights = new AlignedArray<sbyte>(ByteDotVnni.Arrange(packedWeights, inputs, output.Count));
        }
        else if (planes > 0 && ByteDotAvx512.IsSupported)
        {
            byteStride = ByteDotAvx512.Stride(inputs);
            avx512Weights = new AlignedArray<sbyte>(ByteDotAvx512.Arrange(packedWeights, inputs, output.Count));
        }
        else if (planes > 0)
        {
            byteStride = (inputs + 63) / 64 * 64;
            byteWeights = new sbyte[byteStride * output.Count];
            for (var j = 0; j < output.Count; j++)
                for (var i = 0; i < inputs; i++)
                    byteWeights[j * byteStride + i] = (sbyte)BitPacking.SignAt(packedWeights.AsSpan(j * words, words), i);
        }
        one = LayOut(1);
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override int InputSize { get; }

    /// <inheritdoc />
    public override int OutputSize => Output.Count;

    /// <summary>What happens to each pre-activation.</summary>
    public LayerOutput Output { get; }

    /// <summary>The packed weight rows.</summary>
    public ReadOnlySpan<ulong> PackedWeights => packedWeights;

    /// <summary>Null for ±1 inputs, else one multiplier per input code.</summary>
    public int[]? CodeMultipliers => codeMultipliers;

    /// <summary>How ±1 inputs are counted: vertically by <see cref="ColumnCounter"/> or row by row.</summary>
    public bool CountsByColumns => columns is not null;

    /// <inheritdoc />
    public override long ParameterBytes => packedWeights.Length * 8L + (Output.Thresholds is null ? 8L * OutputSize : 5L * OutputSize) + 4L * (codeMultipliers?.Length ?? 0);

    /// <inheritdoc />
    public override long BinaryOperations => codeMultipliers is null ? (long)InputSize * OutputSize : 0;

    /// <inheritdoc />
    public override long OtherOperations => codeMultipliers is null ? 0 : (long)InputSize * OutputSize;

    private int PaddedOutputs => vnniWeights is not null ? ByteDotVnni.PaddedOutputs(OutputSize)
        : avx512Weights is not null ? ByteDotAvx512.PaddedOutputs(OutputSize)
        : columns is not null ? ColumnCounter.GroupsFor(OutputSize) * ColumnCounter.GroupWidth : OutputSize;

    /// <summary>The scratch regions for some samples: the packed ±1 input, the bit-planes of codes
    /// of one width, integer sums, the inputs the column counter selects, and byte codes.</summary>
    private readonly record struct Regions(ScratchRegion<ulong> Packed, ScratchRegion<ulong> Planes, ScratchRegion<int> Sums,
        ScratchRegion<int> Selected, ScratchRegion<byte> Codes, int Words);

    /// <summary>The regions for <paramref name="count"/> samples, in this order.</summary>
    private Regions LayOut(int count)
    {
        var layout = new ScratchLayout();
        var packed = layout.Add<ulong>(words);
        var planeWords = layout.Add<ulong>(words * planes);
        var sums = layout.Add<int>(count * PaddedOutputs);
        var selected = layout.Add<int>(columns is null ? 0 : InputSize);
        var codes = layout.Add<byte>(count * byteStride);
        return new Regions(packed, planeWords, sums, selected, codes, layout.Words);
    }

    /// <inheritdoc />
    public override int ScratchWords => one.Words;

    /// <inheritdoc />
    public override int BlockScratchWords(int count) => LayOut(count).Words;

    /// <summary>Inputs up to which wide codes are summed input by input: a few inputs cost less
    /// that way than a popcount per bit-plane and output (VertebralMlp's 6 16-bit codes: 4 µs by
    /// planes, a tenth of that by integers).</summary>
    private const int FewInputs = 64;

    /// <inheritdoc />
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        if (codeMultipliers is null)
            ForwardSigns(input, output, scratch);
        else if (planes > 0 && ByteCodes.TryNarrow(input.Slice(0, InputSize), one.Codes.In(scratch)))
            ForwardBytes(output, scratch);
        else if (planes > 0 && InputSize > FewInputs)
            ForwardPlanes(input, output, one.Planes.In(scratch));
        else
            ForwardMixedCodes(input, output);
    }

    /// <summary>±1 inputs: packed once, then counted by columns or row by row.</summary>
    private void ForwardSigns(ReadOnlySpan<float> input, Span<float> output, Span<ulong> scratch)
    {
        var sums = one.Sums.In(scratch);
        var packed = one.Packed.In(scratch);
        BitPacking.PackSigns(input.Slice(0, InputSize), packed);
        if (sliced is not null)
        {
            FireByColumns(packed, output, one.Selected.In(scratch));
            return;
        }
        if (columns is not null)
            CountByColumns(packed, sums, one.Selected.In(scratch));
        else
        {
            RowKernels.XorPopCountRows(packed, packedWeights, sums, PopCountKernel.Best);
            for (var j = 0; j < OutputSize; j++)
                sums[j] = InputSize - 2 * sums[j];
        }
        Output.ApplyAll(sums, 1, output);
    }

    /// <summary>One sample's codes, already narrowed to bytes: u8 × ±1 byte dots.</summary>
    private void ForwardBytes(Span<float> output, Span<ulong> scratch)
    {
        var codes = one.Codes.In(scratch);
        var sums = one.Sums.In(scratch);
        if (vnniWeights is not null)
            ByteDotVnni.Run(codes, 1, vnniWeights.Span, InputSize, sums);
        else if (avx512Weights is not null)
            ByteDotAvx512.Run(codes, 1, avx512Weights.Span, InputSize, sums);
        else
            RowKernels.ByteDotRows(codes, byteWeights, byteStride, sums);
        Output.ApplyAll(sums.Slice(0, OutputSize), codeMultipliers![0], output);
    }

    /// <summary>Codes of different widths: Σ ±code·multiplier in integers, input by input.</summary>
    private void ForwardMixedCodes(ReadOnlySpan<float> input, Span<float> output)
    {
        for (var j = 0; j < OutputSize; j++)
        {
            var row = packedWeights.AsSpan(j * words, words);
            long z = 0;
            for (var i = 0; i < InputSize; i++)
            {
                var term = (long)input[i] * codeMultipliers![i];
                z += ((row[i >> 6] >> (i & 63)) & 1) == 1 ? term : -term;
            }
            output[j] = Output.Apply(j, z);
        }
    }

    /// <summary>The inputs whose columns the counter sums: the +1 inputs where they are no more than
    /// the −1 ones (<paramref name="overPlus"/>), else the −1 inputs; <paramref name="plus"/> counts the +1 inputs.</summary>
    private Span<int> SelectColumns(ReadOnlySpan<ulong> packed, Span<int> indices, out int plus, out bool overPlus)
    {
        plus = 0;
        foreach (var word in packed) plus += BitOperations.PopCount(word);
        overPlus = plus <= InputSize - plus;
        return indices.Slice(0, ColumnCounter.Select(packed, InputSize, overPlus, indices));
    }

    /// <summary>Sign outputs by the column counter, compared on its bit-sliced counts (see
    /// <see cref="SlicedThresholds"/>): the counts are never converted to integers.</summary>
    private void FireByColumns(ReadOnlySpan<ulong> packed, Span<float> output, Span<int> indices)
    {
        var n = InputSize;
        var selected = SelectColumns(packed, indices, out var plus, out var overPlus);
        Span<Vector512<ulong>> planes = stackalloc Vector512<ulong>[ColumnCounter.Planes];
        for (var g = 0; g < ColumnCounter.GroupsFor(OutputSize); g++)
        {
            ColumnCounter.CountPlanes(columns!.Span.Slice(g * n * 8, n * 8), selected, planes);
            sliced!.Fire(planes, g, overPlus, plus, out var fires);
            var start = g * ColumnCounter.GroupWidth;
            SlicedThresholds.Write(fires, output.Slice(start, Math.Min(ColumnCounter.GroupWidth, OutputSize - start)));
        }
    }

    /// <summary>z for every output by the column counter: it sums the weight bits of the inputs
    /// that are +1 (or of those that are −1, whichever are fewer), and z follows from that sum S,
    /// the row's count of +1 weights W and the number of +1 inputs p:
    /// z = 4S − 2W + n − 2p over the +1 inputs, z = 2W − 4S + n − 2p over the −1 inputs.</summary>
    private void CountByColumns(ReadOnlySpan<ulong> packed, Span<int> z, Span<int> indices)
    {
        var n = InputSize;
        var selected = SelectColumns(packed, indices, out var plus, out var overPlus);
        var (sign, offset) = (overPlus ? 4 : -4, n - 2 * plus);
        for (var g = 0; g < ColumnCounter.GroupsFor(OutputSize); g++)
            ColumnCounter.Count(columns!.Span.Slice(g * n * 8, n * 8), selected, z.Slice(g * ColumnCounter.GroupWidth, ColumnCounter.GroupWidth));
        var j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 16 <= OutputSize; j += 16)
                (Vector512.Create(z.Slice(j, 16)) * sign - Vector512.Create(rowOnes.AsSpan(j, 16)) * (sign / 2) + Vector512.Create(offset)).CopyTo(z.Slice(j, 16));
        }
        for (; j < OutputSize; j++)
            z[j] = sign * z[j] - (sign / 2) * rowOnes![j] + offset;
    }

    /// <inheritdoc />
    public override void ForwardBlock(ReadOnlySpan<float> inputs, Span<float> outputs, int count, Span<ulong> scratch)
    {
        // Input codes of up to 8 bits: each weight row (or VNNI panel) is read once for the block.
        var block = LayOut(count);
        var codes = block.Codes.In(scratch);
        var usable = planes > 0;
        for (var s = 0; s < count && usable; s++)
            usable = ByteCodes.TryNarrow(inputs.Slice(s * InputSize, InputSize), codes.Slice(s * byteStride, byteStride));
        if (!usable)
        {
            base.ForwardBlock(inputs, outputs, count, scratch);
            return;
        }
        var sums = block.Sums.In(scratch);
        if (vnniWeights is not null)
            ByteDotVnni.Run(codes, count, vnniWeights.Span, InputSize, sums);
        else if (avx512Weights is not null)
            ByteDotAvx512.Run(codes, count, avx512Weights.Span, InputSize, sums);
        else
            ByteDotsByRows(codes, count, sums);
        for (var s = 0; s < count; s++)
            Output.ApplyAll(sums.Slice(s * PaddedOutputs, OutputSize), codeMultipliers![0], outputs.Slice(s * OutputSize, OutputSize));
    }

    /// <summary>A block's byte dots without VNNI: each row meets up to 8 samples at a time (their
    /// accumulators in registers); sample s's sums start at s·<see cref="PaddedOutputs"/>.</summary>
    private void ByteDotsByRows(ReadOnlySpan<byte> codes, int count, Span<int> sums)
    {
        Span<int> dots = stackalloc int[8];
        for (var start = 0; start < count; start += 8)
        {
            var n = Math.Min(8, count - start);
            for (var j = 0; j < OutputSize; j++)
            {
                RowKernels.ByteDotBlock(codes.Slice(start * byteStride, n * byteStride), n, byteWeights.AsSpan(j * byteStride, byteStride), dots);
                for (var s = 0; s < n; s++)
                    sums[(start + s) * PaddedOutputs + j] = dots[s];
            }
        }
    }

    /// <summary>Integer codes of one width by bit-planes: each plane is a packed vector.</summary>
    private void ForwardPlanes(ReadOnlySpan<float> input, Span<float> output, Span<ulong> planeWords)
    {
        planeWords.Clear();
        var used = 0;
        for (var i = 0; i < InputSize; i++)
        {
            var code = (uint)input[i];
            while (code != 0)
            {
                var b = BitOperations.TrailingZeroCount(code);
                planeWords[b * words + (i >> 6)] |= 1UL << (i & 63);
                used = Math.Max(used, b + 1);
                code &= code - 1;
            }
        }
        Span<int> planeCounts = stackalloc int[InputStage.MaxCodeBits];
        for (var b = 0; b < used; b++)
        {
            var count = 0;
            foreach (var word in planeWords.Slice(b * words, words)) count += BitOperations.PopCount(word);
            planeCounts[b] = count;
        }
        long multiplier = codeMultipliers![0];
        for (var j = 0; j < OutputSize; j++)
        {
            var row = packedWeights.AsSpan(j * words, words);
            long z = 0;
            for (var b = 0; b < used; b++)
                z += (2L * PopCountKernel.AndPopCount(planeWords.Slice(b * words, words), row) - planeCounts[b]) << b;
            output[j] = Output.Apply(j, z * multiplier);
        }
    }
}
