using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Qnn.Host.Cli;

/// <summary>
/// Builds the options of qnn's commands. An option object is at once the parser's rule and the line
/// of `--help`; a bad value is a parse error naming the flag and the rule (exit code 2).
/// </summary>
public static class Flag
{
    /// <summary>A value such as a file or a name; no default.</summary>
    public static Option<string?> Text(string name, string helpName, string description, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    /// <summary>A value with a default shown in the help.</summary>
    public static Option<string> Text(string name, string helpName, string description, string fallback) =>
        new(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => fallback };

    /// <summary>A switch: present or not; it takes no value.</summary>
    public static Option<bool> Switch(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static Option<int> Int(string name, string description, int fallback, int minimum, int maximum = int.MaxValue) =>
        new(name)
        {
            Description = description, HelpName = "N", DefaultValueFactory = _ => fallback,
            CustomParser = result => ParseInt(result, name, minimum, maximum),
        };

    /// <summary>An integer with no default: null when the flag is absent.</summary>
    public static Option<int?> OptionalInt(string name, string description, int minimum) =>
        new(name) { Description = description, HelpName = "N", CustomParser = result => ParseInt(result, name, minimum) };

    /// <summary>A number that training uses as a float32: finite there, <paramref name="positive"/>
    /// excludes 0 (also a value that rounds to 0 in float32), otherwise it must not be negative;
    /// <paramref name="below"/>, when given, is an exclusive upper bound.</summary>
    public static Option<double> Number(string name, string description, double fallback, bool positive, double? below = null) =>
        new(name)
        {
            Description = description, HelpName = "X", DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                var rule = (positive ? "a positive" : "a non-negative") + " number" + (below is { } b ? string.Create(CultureInfo.InvariantCulture, $" below {b}") : "");
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
                {
                    result.AddError($"{name} needs {rule}, got '{text}'");
                    return fallback;
                }
                var single = (float)value;
                if (value < 0 || (positive && single <= 0) || (below is { } limit && value >= limit))
                    result.AddError($"{name} needs {rule}, got '{text}'");
                else if (!float.IsFinite(single))
                    result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} is {text}, beyond what training's float32 arithmetic holds ({float.MaxValue:G3}); it needs {rule}"));
                return value;
            },
        };

    /// <summary>An optional number in [<paramref name="minimum"/>, <paramref name="maximum"/>]: null when the flag is absent.</summary>
    public static Option<double?> OptionalNumber(string name, string description, double minimum, double maximum) =>
        new(name)
        {
            Description = description, HelpName = "X",
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= minimum && value <= maximum)
                    return value;
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} needs a number from {minimum} to {maximum:G}, got '{text}'"));
                return null;
            },
        };

    /// <summary>One of a few words (matched without case, returned in lower case).</summary>
    public static Option<string> Choice(string name, string description, string fallback, params string[] choices)
    {
        var option = new Option<string>(name)
        {
            Description = description, HelpName = string.Join("|", choices), DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (choices.Contains(text, StringComparer.OrdinalIgnoreCase))
                    return text.ToLowerInvariant();
                result.AddError($"{name} is one of {string.Join(", ", choices)}, got '{text}'");
                return fallback;
            },
        };
        option.CompletionSources.Add(choices);
        return option;
    }

    /// <summary>on or off; read with <see cref="IsOn"/>.</summary>
    public static Option<string> OnOff(string name, string description, bool fallback) =>
        Choice(name, description, fallback ? "on" : "off", "on", "off");

    public static bool IsOn(this ParseResult result, Option<string> onOff) => result.GetValue(onOff) == "on";

    private static int ParseInt(ArgumentResult result, string name, int minimum, int maximum = int.MaxValue)
    {
        var text = result.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum)
            return value;
        result.AddError(maximum == int.MaxValue
            ? $"{name} needs an integer >= {minimum}, got '{text}'"
            : string.Create(CultureInfo.InvariantCulture, $"{name} needs an integer from {minimum} to {maximum:N0}, got '{text}'"));
        return minimum;
    }
}
