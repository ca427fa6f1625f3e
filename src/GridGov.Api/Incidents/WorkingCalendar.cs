using System.Globalization;
using GridGov.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Incidents;

/// <summary>A public holiday (Working = false) or an adjusted working weekend day (调休上班, Working = true).</summary>
public sealed class Holiday
{
    public DateOnly Date { get; set; }
    public required string Name { get; set; }
    public bool Working { get; set; }
}

/// <summary>Configuration section <c>Calendar</c>.</summary>
public sealed class CalendarSettings
{
    /// <summary>The section as configured (defaults when absent).</summary>
    public static CalendarSettings From(IConfiguration configuration) => configuration.GetSection("Calendar").Get<CalendarSettings>() ?? new CalendarSettings();

    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>Working periods of a working day, local time, "HH:mm-HH:mm".</summary>
    public string[] WorkingPeriods { get; set; } = ["08:30-12:00", "14:00-17:30"];
    public DayOfWeek[] WorkingWeekdays { get; set; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
}

/// <summary>
/// Deadlines by the case standard's three units over a working calendar: working periods per day, working
/// weekdays, and dated exceptions (holidays off, adjusted weekends on). Immutable; safe from any thread.
/// </summary>
public sealed class WorkingCalendar
{
    private readonly TimeZoneInfo _zone;
    private readonly (TimeSpan Start, TimeSpan End)[] _periods;
    private readonly HashSet<DayOfWeek> _weekdays;
    private readonly Dictionary<DateOnly, bool> _exceptions;

    public WorkingCalendar(TimeZoneInfo zone, IEnumerable<(TimeSpan Start, TimeSpan End)> periods, IEnumerable<DayOfWeek> weekdays,
        IEnumerable<(DateOnly Date, bool Working)> exceptions)
    {
        _zone = zone;
        _periods = periods.OrderBy(p => p.Start).ToArray();
        if (_periods.Length == 0) throw new ArgumentException("A working calendar needs at least one working period.", nameof(periods));
        for (var i = 0; i < _periods.Length; i++)
        {
            if (_periods[i].End <= _periods[i].Start || _periods[i].End > TimeSpan.FromDays(1))
                throw new ArgumentException($"Working period {_periods[i].Start:hh\\:mm}-{_periods[i].End:hh\\:mm} is empty or crosses midnight.", nameof(periods));
            if (i > 0 && _periods[i].Start < _periods[i - 1].End)
                throw new ArgumentException("Working periods overlap.", nameof(periods));
        }
        _weekdays = weekdays.ToHashSet();
        _exceptions = exceptions.ToDictionary(e => e.Date, e => e.Working);
        WorkingDayLength = TimeSpan.FromTicks(_periods.Sum(p => (p.End - p.Start).Ticks));
    }

    public static WorkingCalendar From(CalendarSettings settings, IEnumerable<Holiday> holidays) => new(
        TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone),
        settings.WorkingPeriods.Select(ParsePeriod),
        settings.WorkingWeekdays,
        holidays.Select(h => (h.Date, h.Working)));

    public TimeSpan WorkingDayLength { get; }

    public TimeZoneInfo Zone => _zone;

    public bool IsWorkingDay(DateOnly date) =>
        _exceptions.TryGetValue(date, out var working) ? working : _weekdays.Contains(date.DayOfWeek);

    /// <summary>
    /// The deadline for a case whose clock starts at <paramref name="start"/>. Emergency hours count round the
    /// clock; working hours count only inside working periods (a report after hours starts at the next period);
    /// N working days are N times a working day's length in working time.
    /// </summary>
    public DateTimeOffset Deadline(DateTimeOffset start, int value, DeadlineUnit unit) => unit switch
    {
        DeadlineUnit.EmergencyHours => start.AddHours(value),
        DeadlineUnit.WorkingHours => AddWorkingTime(start, TimeSpan.FromHours(value)),
        DeadlineUnit.WorkingDays => AddWorkingTime(start, WorkingDayLength * value),
        _ => throw new ArgumentOutOfRangeException(nameof(unit)),
    };

    /// <summary>Walks forward through working periods until <paramref name="amount"/> of working time has passed.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeSpan amount)
    {
        if (amount <= TimeSpan.Zero) return start;
        var local = TimeZoneInfo.ConvertTime(start, _zone).DateTime;
        var day = DateOnly.FromDateTime(local);
        var cursor = local.TimeOfDay;
        var remaining = amount;
        for (var guard = 0; guard < 3700; guard++, day = day.AddDays(1), cursor = TimeSpan.Zero)
        {
            if (!IsWorkingDay(day)) continue;
            foreach (var (periodStart, periodEnd) in _periods)
            {
                if (cursor >= periodEnd) continue;
                var from = cursor > periodStart ? cursor : periodStart;
                var available = periodEnd - from;
                if (remaining <= available) return ToInstant(day, from + remaining);
                remaining -= available;
            }
        }
        throw new InvalidOperationException("The working calendar has no working time in the next ten years.");
    }

    /// <summary>The calendar date of an instant in the calendar's time zone.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, _zone).DateTime);

    /// <summary>Local midnight at the start of <paramref name="day"/>, as a UTC instant.</summary>
    public DateTimeOffset StartOfDay(DateOnly day) => ToInstant(day, TimeSpan.Zero);

    private DateTimeOffset ToInstant(DateOnly day, TimeSpan timeOfDay)
    {
        var local = DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue) + timeOfDay, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static (TimeSpan Start, TimeSpan End) ParsePeriod(string text)
    {
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && TimeSpan.TryParseExact(parts[0], @"hh\:mm", CultureInfo.InvariantCulture, out var start)
            && (TimeSpan.TryParseExact(parts[1], @"hh\:mm", CultureInfo.InvariantCulture, out var end) || parts[1] == "24:00"))
        {
            return (start, parts[1] == "24:00" ? TimeSpan.FromDays(1) : end);
        }
        throw new FormatException($"Calendar:WorkingPeriods entry '{text}' is not 'HH:mm-HH:mm'.");
    }
}

/// <summary>The current calendar built from settings plus the holidays table; rebuilt after a holiday edit.</summary>
public sealed class CalendarProvider(IServiceScopeFactory scopes, CalendarSettings settings)
{
    private WorkingCalendar _current = WorkingCalendar.From(settings, []);

    public WorkingCalendar Current => _current;

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        var holidays = await db.Holidays.AsNoTracking().ToListAsync(ct);
        _current = WorkingCalendar.From(settings, holidays);
    }
}

/// <summary>
/// Mainland China's 2026 public holidays and adjusted working days (国务院办公厅 2026 节假日安排), written into an
/// empty holidays table once; admins keep the table current through /api/calendar/holidays.
/// </summary>
public static class HolidaySeed
{
    public static IReadOnlyList<Holiday> All()
    {
        var list = new List<Holiday>();
        void Off(string name, string from, string to)
        {
            for (var d = DateOnly.Parse(from, CultureInfo.InvariantCulture); d <= DateOnly.Parse(to, CultureInfo.InvariantCulture); d = d.AddDays(1))
                list.Add(new Holiday { Date = d, Name = name, Working = false });
        }
        void On(string name, string date) => list.Add(new Holiday { Date = DateOnly.Parse(date, CultureInfo.InvariantCulture), Name = name + "调休上班", Working = true });
        Off("元旦", "2026-01-01", "2026-01-03"); On("元旦", "2026-01-04");
        Off("春节", "2026-02-15", "2026-02-23"); On("春节", "2026-02-14"); On("春节", "2026-02-28");
        Off("清明节", "2026-04-04", "2026-04-06");
        Off("劳动节", "2026-05-01", "2026-05-05"); On("劳动节", "2026-05-09");
        Off("端午节", "2026-06-19", "2026-06-21");
        Off("中秋节", "2026-09-25", "2026-09-27");
        Off("国庆节", "2026-10-01", "2026-10-07"); On("国庆节", "2026-09-20"); On("国庆节", "2026-10-10");
        Off("元旦", "2027-01-01", "2027-01-01");
        return list;
    }
}
