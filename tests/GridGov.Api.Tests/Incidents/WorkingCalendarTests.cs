using GridGov.Api.Incidents;

namespace GridGov.Api.Tests.Incidents;

public class WorkingCalendarTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    // 2026-09-25..27 Mid-Autumn off, 2026-10-01..07 National Day off, Saturday 2026-10-10 worked (调休).
    private static readonly WorkingCalendar Calendar = WorkingCalendar.From(new CalendarSettings(), HolidaySeed.All());

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, China);

    [Fact]
    public void Emergency_hours_count_round_the_clock()
    {
        Assert.Equal(Local(10, 2, 1), Calendar.Deadline(Local(10, 1, 23), 2, DeadlineUnit.EmergencyHours));
    }

    [Fact]
    public void Working_hours_skip_the_lunch_break_and_the_night()
    {
        // Tuesday 11:00 + 4 h: 1 h until noon, then 14:00-17:00.
        Assert.Equal(Local(11, 24, 17), Calendar.Deadline(Local(11, 24, 11), 4, DeadlineUnit.WorkingHours));
        // Tuesday 17:00 + 2 h: 30 min today, 90 min tomorrow morning.
        Assert.Equal(Local(11, 25, 10), Calendar.Deadline(Local(11, 24, 17), 2, DeadlineUnit.WorkingHours));
        // Reported at 20:00 the clock starts at 08:30 next morning.
        Assert.Equal(Local(11, 25, 10, 30), Calendar.Deadline(Local(11, 24, 20), 2, DeadlineUnit.WorkingHours));
    }

    [Fact]
    public void Working_days_skip_weekends()
    {
        // Friday 10:00 + 1 working day (7 h) = Monday 10:00.
        Assert.Equal(Local(11, 30, 10), Calendar.Deadline(Local(11, 27, 10), 1, DeadlineUnit.WorkingDays));
        // Saturday: counting starts Monday 08:30, 2 days = 14 h → Tuesday 17:30.
        Assert.Equal(Local(12, 1, 17, 30), Calendar.Deadline(Local(11, 28, 9), 2, DeadlineUnit.WorkingDays));
    }

    [Fact]
    public void Holidays_are_skipped_and_an_adjusted_saturday_is_worked()
    {
        // Wednesday 30 Sep 16:00 + 1 working day: 1.5 h on the 30th, Oct 1-7 off, then 5.5 h on Thursday the 8th.
        Assert.Equal(Local(10, 8, 16), Calendar.Deadline(Local(9, 30, 16), 1, DeadlineUnit.WorkingDays));
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 10, 10)));
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 10, 5)));
        // Friday 9 Oct 17:00 + 2 working hours: 30 min Friday, 90 min on the adjusted Saturday.
        Assert.Equal(Local(10, 10, 10), Calendar.Deadline(Local(10, 9, 17), 2, DeadlineUnit.WorkingHours));
    }

    [Fact]
    public void Working_periods_are_checked()
    {
        Assert.Throws<FormatException>(() => WorkingCalendar.ParsePeriod("8:30 to 12"));
        Assert.Throws<ArgumentException>(() => WorkingCalendar.From(new CalendarSettings { WorkingPeriods = ["09:00-12:00", "11:00-13:00"] }, []));
        Assert.Equal(TimeSpan.FromHours(7), Calendar.WorkingDayLength);
    }
}
