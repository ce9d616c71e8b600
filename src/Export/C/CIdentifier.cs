using System.Text;
using System.Text.RegularExpressions;

namespace Qnn.Export.C;

/// <summary>C identifiers for generated sources: a model's name in snake_case, and the check a
/// user-given prefix must pass.</summary>
public static partial class CIdentifier
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
        "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
        "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
        "_Bool", "_Complex", "_Imaginary",
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ValidPattern();

    /// <summary>Whether <paramref name="name"/> may prefix the generated names (a C identifier,
    /// no keyword, not reserved by a leading underscore).</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 63 && ValidPattern().IsMatch(name) && !name.StartsWith('_') && !Keywords.Contains(name);

    /// <summary>A model's name in snake_case as a valid C identifier ("VertebralMlp" → "vertebral_mlp").</summary>
    public static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterUpper(c))
            {
                var afterLower = i > 0 && (char.IsAsciiLetterLower(name[i - 1]) || char.IsAsciiDigit(name[i - 1]));
                var endsAcronym = i > 0 && char.IsAsciiLetterUpper(name[i - 1]) && i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]);
                if (afterLower || endsAcronym)
                    text.Append('_');
                text.Append(char.ToLowerInvariant(c));
            }
            else
                text.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }
        var snake = Regex.Replace(text.ToString(), "_+", "_").Trim('_');
        if (snake.Length == 0)
            snake = "model";
        if (char.IsAsciiDigit(snake[0]))
            snake = "model_" + snake;
        if (snake.Length > 63)
            snake = snake.Substring(0, 63).TrimEnd('_');
        return Keywords.Contains(snake) ? snake + "_model" : snake;
    }
}
