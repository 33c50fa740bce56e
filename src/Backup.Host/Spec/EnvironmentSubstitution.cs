using System.Text.RegularExpressions;

namespace Backup.Host.Spec;

/// <summary>Replaces <c>${VAR}</c> and <c>${VAR:-default}</c> in spec values, shell-style; <c>$$</c> is a literal <c>$</c>.</summary>
/// <remarks>Applied to scalar values after YAML parsing, so a variable's content can never change the YAML structure.</remarks>
internal static partial class EnvironmentSubstitution
{
    /// <summary>Substitutes every reference in <paramref name="value"/>; <paramref name="problems"/> names each unset variable without default and each malformed reference.</summary>
    public static string Substitute(string value, Func<string, string?> lookup, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var result = Reference().Replace(value, match =>
        {
            if (match.Value == "$$")
            {
                return "$";
            }

            // Nesting ("${A${B}}", "${A:-${B}}") is not supported: kept as text it would reach a plugin half-substituted.
            if (match.Groups["malformed"].Success || match.Groups["default"].Value.Contains("${", StringComparison.Ordinal))
            {
                found.Add($"'{match.Value}' is not a valid reference: write ${{NAME}} or ${{NAME:-default}} (NAME of letters, digits and '_'; no nesting), or $$ for a literal $");
                return match.Value;
            }

            var name = match.Groups["name"].Value;
            var current = lookup(name);
            if (match.Groups["default"].Success)
            {
                // Shell semantics of ":-": the default also replaces an empty value.
                return string.IsNullOrEmpty(current) ? match.Groups["default"].Value : current;
            }

            if (current is null)
            {
                found.Add($"environment variable {name} is not set (use ${{{name}:-default}} for a default)");
                return string.Empty;
            }

            return current;
        });

        problems = found;
        return result;
    }

    // A "${" that does not start a well-formed reference is matched up to its "}" (or the end) as malformed.
    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(:-(?<default>[^}]*))?\}|(?<malformed>\$\{[^}]*\}?)")]
    private static partial Regex Reference();
}
