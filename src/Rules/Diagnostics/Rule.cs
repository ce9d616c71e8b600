using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Qnn.Rules;

/// <summary>One rule of the catalogue (docs/diagnostics.md): its stable code, whether breaking it
/// is an error or a warning, its title and its message format, whose arguments <c>{0}</c>… are
/// the facts of the mistake while the fixed text states the rule.</summary>
#if QNN_GENERATOR
internal
#else
public
#endif
sealed class Rule
{
    public Rule(string code, bool isError, string title, string format)
    {
        Code = code;
        IsError = isError;
        Title = title;
        Format = format;
    }

    public string Code { get; }

    public bool IsError { get; }

    public string Title { get; }

    public string Format { get; }

    /// <summary>The message for these arguments (already text, as <see cref="Finding"/> holds them).</summary>
    public string Message(IReadOnlyList<string> arguments) =>
        string.Format(CultureInfo.InvariantCulture, Format, arguments.Cast<object>().ToArray());

    public override string ToString() => Code;
}
