using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.TypeConversion;

namespace GridGov.Api.Platform;

/// <summary>
/// CSV downloads for spreadsheets: UTF-8 with a BOM, invariant culture, times as ISO 8601. Rows go to the response as
/// they are read: nothing is collected first and nothing is cut off. Text is data, never a formula: a text cell that
/// starts with = + - @, a tab or a carriage return gets a leading apostrophe (OWASP, CSV injection); numbers stay numbers.
/// </summary>
public static class CsvExport
{
    private const int FlushEveryRows = 500;

    public static IResult Stream<T>(IAsyncEnumerable<T> rows, string name, CancellationToken ct) => Results.Stream(async body =>
    {
        await body.WriteAsync(Encoding.UTF8.Preamble.ToArray(), ct);
        await using var writer = new StreamWriter(body, new UTF8Encoding(false));
        await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var type in new[] { typeof(DateTimeOffset), typeof(DateTimeOffset?) })
            csv.Context.TypeConverterOptionsCache.GetOptions(type).Formats = ["yyyy-MM-dd'T'HH:mm:ssK"];
        csv.Context.TypeConverterCache.AddConverter<string>(new SpreadsheetText());
        csv.WriteHeader<T>();
        await csv.NextRecordAsync();
        var written = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            csv.WriteRecord(row);
            await csv.NextRecordAsync();
            if (++written % FlushEveryRows != 0) continue;
            await csv.FlushAsync();
            await writer.FlushAsync(ct);
        }
    }, "text/csv; charset=utf-8", $"{name}.csv");

    /// <summary>The text as a spreadsheet shows it literally: a leading formula character is escaped with an apostrophe.</summary>
    public static string? FormulaSafe(string? text) =>
        text is { Length: > 0 } && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    /// <summary>Text members only: numbers and times keep their own converters, so a negative number is never escaped.</summary>
    private sealed class SpreadsheetText : StringConverter
    {
        public override string? ConvertToString(object? value, IWriterRow row, MemberMapData memberMapData) =>
            FormulaSafe(base.ConvertToString(value, row, memberMapData));
    }
}
