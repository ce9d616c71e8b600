using Qnn.Search.Genes;

namespace Qnn.Search.Optimization;

/// <summary>One trial of a study as a sampler sees it: its genome and, once finished, its
/// evaluation. <paramref name="Result"/> is null while the trial is running or queued: its genome
/// is taken (never proposed again) but it cannot be a parent yet.</summary>
public sealed record Scored(Genome Genome, Evaluation? Result);
