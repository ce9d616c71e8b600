using System.Globalization;

namespace Qnn.Host.Cli;

/// <summary>
/// A command's flags, parsed against the flags it knows: <c>--name value</c>, <c>--name=value</c>
/// or a bare switch. Every mistake is a <see cref="UsageException"/> naming the flag and the rule.
/// </summary>
public sealed class CommandLine
{
    private readonly string command;
    private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);

    private CommandLine(string command) => this.command = command;

    /// <param name="flags">Each known flag without dashes, and whether it takes a value.</param>
    public static CommandLine Parse(string command, IReadOnlyList<string> args, IReadOnlyDictionary<string, bool> flags)
    {
        var line = new CommandLine(command);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new UsageException($"qnn {command}: unexpected argument '{arg}'; flags start with --");
            var name = arg.Substring(2);
            string? inline = null;
            var equals = name.IndexOf('=');
            if (equals >= 0)
            {
                inline = name.Substring(equals + 1);
                name = name.Substring(0, equals);
            }
            if (!flags.TryGetValue(name, out var takesValue))
                throw new UsageException($"qnn {command}: unknown flag --{name}; known flags: {string.Join(", ", flags.Keys.Select(k => "--" + k))}");
            if (line.values.ContainsKey(name))
                throw new UsageException($"qnn {command}: --{name} is given twice");
            if (!takesValue)
            {
                if (inline is not null)
                    throw new UsageException($"qnn {command}: --{name} is a switch and takes no value");
                line.values[name] = null;
                continue;
            }
            if (inline is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new UsageException($"qnn {command}: --{name} needs a value");
                inline = args[++i];
            }
            line.values[name] = inline;
        }
        return line;
    }

    public bool Has(string name) => values.ContainsKey(name);

    public string? String(string name) => values.GetValueOrDefault(name);

    public string String(string name, string fallback) => values.GetValueOrDefault(name) ?? fallback;

    public int Int(string name, int fallback, int minimum)
    {
        if (!values.TryGetValue(name, out var text) || text is null)
            return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < minimum)
            throw new UsageException($"qnn {command}: --{name} needs an integer >= {minimum}, got '{text}'");
        return value;
    }

    /// <summary>A number; <paramref name="positive"/> excludes 0, otherwise it must not be negative.</summary>
    public double Number(string name, double fallback, bool positive)
    {
        if (!values.TryGetValue(name, out var text) || text is null)
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)
            || value < 0 || (positive && value == 0))
            throw new UsageException($"qnn {command}: --{name} needs a {(positive ? "positive" : "non-negative")} number, got '{text}'");
        return value;
    }

    public string Choice(string name, string fallback, params string[] choices)
    {
        var value = String(name, fallback);
        if (!choices.Contains(value, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"qnn {command}: --{name} is one of {string.Join(", ", choices)}, got '{value}'");
        return value.ToLowerInvariant();
    }
}
