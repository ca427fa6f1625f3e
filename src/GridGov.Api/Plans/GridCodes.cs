using System.Globalization;
using System.Text.RegularExpressions;
using GridGov.Api.Grids;

namespace GridGov.Api.Plans;

/// <summary>
/// The code rules: a unit grid code has 15 digits, county 6 + street 3 + community 3 + sequence 3 (GB/T 30428.1), so
/// its first 12 digits are its community's code; other levels' codes are 1-20 letters, digits, '-' or '_'. Pure.
/// </summary>
public static partial class GridCodes
{
    [GeneratedRegex(@"^\d{15}$")]
    private static partial Regex UnitRule();

    [GeneratedRegex(@"^[0-9A-Za-z_-]{1,20}$")]
    private static partial Regex OtherRule();

    [GeneratedRegex(@"^(.*?)(\d+)$")]
    private static partial Regex TrailingNumber();

    /// <summary>What is wrong with a code for its level (null: nothing).</summary>
    public static string? Problem(string code, GridLevel level, string? communityCode = null)
    {
        if (level == GridLevel.Unit)
        {
            if (!UnitRule().IsMatch(code))
                return $"Unit grid code '{code}' breaks the 15-digit rule (county 6 + street 3 + community 3 + sequence 3, GB/T 30428.1).";
            if (communityCode is { Length: 12 } c && c.All(char.IsAsciiDigit) && !code.StartsWith(c, StringComparison.Ordinal))
                return $"Unit grid code '{code}' lies in community {c}, so it starts with {c} (GB/T 30428.1).";
            return null;
        }
        return OtherRule().IsMatch(code) ? null : $"Code '{code}' is 1-20 letters, digits, '-' or '_'.";
    }

    /// <summary>
    /// The next free code after <paramref name="code"/> among <paramref name="taken"/>: its trailing number counted up
    /// (keeping its width), so 360799001001007 gives 360799001001008 and 360799L09 gives 360799L10.
    /// </summary>
    public static string? NextFree(string code, IReadOnlySet<string> taken)
    {
        var m = TrailingNumber().Match(code);
        var (prefix, digits) = m.Success ? (m.Groups[1].Value, m.Groups[2].Value) : (code + "-", "1");
        var width = digits.Length;
        var n = long.Parse(digits, CultureInfo.InvariantCulture);
        for (var i = 0; i < 10_000; i++)
        {
            n++;
            var text = n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
            if (text.Length > width && m.Success && width == 3 && prefix.Length == 12) return null; // a community has 999 unit grids at most
            var candidate = prefix + text;
            if (!taken.Contains(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Numbers grids without a code: the community's 12 digits + the next free 3-digit sequence.</summary>
    public static string? NextUnitCode(string communityCode, IReadOnlySet<string> taken) =>
        NextFree(communityCode + "000", taken);
}
