using System.Globalization;

namespace GridGov.Geo.Files;

/// <summary>Attribute values as the text <see cref="BoundaryFeature.Attributes"/> holds, and the progress lines. Pure.</summary>
internal static class AttributeText
{
    /// <summary>
    /// The value as invariant text: numbers in their shortest round-trip form (decimals without trailing zeros),
    /// dates as yyyy-MM-dd (with the time when there is one), booleans as true/false; null for null, blank or NaN.
    /// </summary>
    public static string? Of(object? value)
    {
        var text = value switch
        {
            null or DBNull => null,
            string s => s.Trim(),
            bool b => b ? "true" : "false",
            decimal m => m.ToString("0.############################", CultureInfo.InvariantCulture),
            double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : null,
            float f => float.IsFinite(f) ? f.ToString("R", CultureInfo.InvariantCulture) : null,
            DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            byte[] bytes => Convert.ToBase64String(bytes),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    public static bool IsNumber(object value) => value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    /// <summary>Every 1,000 features: "read 3,000 of 12,000 features".</summary>
    public static void Progress(Action<string>? progress, int done, int total)
    {
        if (progress is not null && done % 1000 == 0 && done < total)
            progress(string.Create(CultureInfo.InvariantCulture, $"read {done:N0} of {total:N0} features"));
    }

    /// <summary>The closing line, for files big enough to have had progress lines.</summary>
    public static void Done(Action<string>? progress, int done, int total)
    {
        if (progress is not null && total >= 1000)
            progress(string.Create(CultureInfo.InvariantCulture, $"read {done:N0} of {total:N0} features"));
    }
}
