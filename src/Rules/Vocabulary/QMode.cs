namespace Qnn;

/// <summary>Whether quantizers sample (stochastic) or round (deterministic) while training.
/// Evaluation is always deterministic, so accuracy does not depend on a random draw.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
enum QMode
{
    Deterministic = 0,
    Stochastic = 1,
}
