using System.Collections.Generic;

namespace Qnn.Rules;

/// <summary>A broken rule: the rule, where, and the arguments of its message as invariant text
/// (doubles round-trippable), so that a finding is plain, comparable data.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed record Finding(Rule Rule, Site Site, IReadOnlyList<string> Arguments)
{
    public string Code => Rule.Code;

    public bool IsError => Rule.IsError;

    public string Message => Rule.Message(Arguments);
}
