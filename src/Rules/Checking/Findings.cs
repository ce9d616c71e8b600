using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Qnn.Rules;

/// <summary>Collects findings in the order the rules fire, each argument as invariant text
/// (doubles in round-trip form, enums by name, or their number where the enum has none).</summary>
internal sealed class Findings
{
    public List<Finding> All { get; } = new();

    public void Add(Rule rule, Site site, params object[] arguments) =>
        All.Add(new Finding(rule, site, arguments.Select(Text).ToArray()));

    private static string Text(object argument) => argument switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Enum e => e.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => argument.ToString() ?? "",
    };
}
