namespace Qnn.Export.C;

/// <summary>
/// The generated entry points and their declarations. <c>NAME_run</c> runs the layers; where the
/// last layer sums integers it leaves its sums z in the scratch, and the logits (float32, as the
/// engine) and the class (fixed point, integers only) are computed from them (<see cref="CFinal"/>);
/// where it sums in float it writes the logits and the class is their arg-max.
/// </summary>
internal sealed class CFunctions(Qnn.Engine.EngineModel model, string prefix, string upper, CLayerPlan plan, bool finalSums)
{
    /// <summary>What a prediction from codes computes in, for its declaration's comment.</summary>
    private string Arithmetic => plan.IntegerOnly
        ? "integer arithmetic only: no float, no libm, no soft-float routine on a core without a float unit"
        : finalSums
            ? "some hidden layer computes in float (the class itself is fixed point)"
            : "the last layer sums in float, so the class is the arg-max of float logits";

    /// <summary>The declarations of a model whose inputs are all integer codes.</summary>
    public string CodesApi() => $$"""
        /* Input codes in (each below 2^bits of its feature), the class out; {{Arithmetic}}. */
        int {{prefix}}_predict_codes(const {{prefix}}_code_t *codes);
        /* Raw features in, {{upper}}_CLASSES logits out (float32, as the engine's); uses the static buffers. */
        void {{prefix}}_logits(const float *input, float *logits);
        /* The input quantizer alone: {{upper}}_INPUTS features to as many codes. */
        void {{prefix}}_encode(const float *input, {{prefix}}_code_t *codes);
        /* Reentrant: codes to logits with the caller's scratch of {{upper}}_SCRATCH_BYTES bytes
           (uint32_t-aligned). */
        void {{prefix}}_forward(const {{prefix}}_code_t *codes, float *logits, uint32_t *scratch);
        """;

    /// <summary>The declarations of a model with an input wider than 24 bits: such a feature passes
    /// as its real position in [0, 1], so there are no integer codes and no NAME_predict_codes.</summary>
    public string RealsApi() => $$"""
        /* This model's inputs include widths above 24 bits, which pass unrounded as reals: there are
           no integer codes, so no {{prefix}}_predict_codes; the values are floats. */
        /* Raw features in, {{upper}}_CLASSES logits out; uses a static scratch buffer. */
        void {{prefix}}_logits(const float *input, float *logits);
        /* The input stage alone: {{upper}}_INPUTS features to as many values (codes of narrow
           features as exact floats, the position (clamp(x, low, high) - low) / span of wide ones). */
        void {{prefix}}_encode(const float *input, float *values);
        /* Reentrant: values to logits with the caller's scratch of {{upper}}_SCRATCH_BYTES bytes
           (uint32_t-aligned). */
        void {{prefix}}_forward(const float *values, float *logits, uint32_t *scratch);
        """;

    /// <summary>The layers in turn; returns where the last layer left its sums (or, writing
    /// logits, the scratch, unused).</summary>
    private string Run(string input) => $$"""
        static const uint32_t *{{prefix}}_run(const {{input}} *codes, float *logits, uint32_t *scratch)
        {
        {{plan.ForwardBody(prefix)}}    return {{(finalSums ? plan.FinalAt : "scratch")}};
        }


        """;

    /// <summary>The statement that computes the logits from <paramref name="run"/> (a call of NAME_run).</summary>
    private string Logits(string run) => finalSums ? $"{prefix}_logits_of({run}, logits);" : $"(void){run};";

    /// <summary>The statements that return the class from <paramref name="run"/>, a call of NAME_run
    /// into <c>logits</c> (declared here where the last layer writes them).</summary>
    private string Decide(string run) => finalSums
        ? $"return {prefix}_decide({run});"
        : $"float logits[{upper}_CLASSES];\n    (void){run};\n    return {prefix}_argmax(logits);";

    private string ArgMax => finalSums ? "" : $$"""
        static int {{prefix}}_argmax(const float *logits)
        {
            int j, best = 0;
            for (j = 1; j < {{upper}}_CLASSES; j++)
                if (logits[j] > logits[best])
                    best = j;
            return best;
        }


        """;

    public string Codes() => Run($"{prefix}_code_t") + ArgMax + $$"""
        void {{prefix}}_forward(const {{prefix}}_code_t *codes, float *logits, uint32_t *scratch)
        {
            {{Logits($"{prefix}_run(codes, logits, scratch)")}}
        }

        int {{prefix}}_predict_codes(const {{prefix}}_code_t *codes)
        {
            {{Decide($"{prefix}_run(codes, {(finalSums ? "(float *)0" : "logits")}, {prefix}_scratch)")}}
        }

        void {{prefix}}_logits(const float *input, float *logits)
        {
            {{prefix}}_encode(input, {{prefix}}_codes);
            {{prefix}}_forward({{prefix}}_codes, logits, {{prefix}}_scratch);
        }

        int {{prefix}}_predict(const float *input)
        {
            {{prefix}}_encode(input, {{prefix}}_codes);
            return {{prefix}}_predict_codes({{prefix}}_codes);
        }

        """;

    /// <summary>A model without codes: the values pass as float words after the arena.</summary>
    public string Reals() => Run("uint32_t") + ArgMax + $$"""
        void {{prefix}}_forward(const float *values, float *logits, uint32_t *scratch)
        {
            uint32_t *words = scratch + {{plan.ValuesOffset}}L;
            int32_t i;
            for (i = 0; i < {{model.Input.Size}}L; i++)
                words[i] = qnn_word(values[i]);
            {{Logits($"{prefix}_run(words, logits, scratch)")}}
        }

        /* The input values as float words after the arena of the static scratch. */
        static const uint32_t *{{prefix}}_values(const float *input)
        {
            uint32_t *words = {{prefix}}_scratch + {{plan.ValuesOffset}}L;
            int32_t i;
            for (i = 0; i < {{model.Input.Size}}L; i++)
                words[i] = qnn_word({{prefix}}_value(input[i], {{(model.Input.Low.Length == 1 ? "0" : "i")}}));
            return words;
        }

        void {{prefix}}_logits(const float *input, float *logits)
        {
            {{Logits($"{prefix}_run({prefix}_values(input), logits, {prefix}_scratch)")}}
        }

        int {{prefix}}_predict(const float *input)
        {
            {{Decide($"{prefix}_run({prefix}_values(input), {(finalSums ? "(float *)0" : "logits")}, {prefix}_scratch)")}}
        }

        """;
}
