using System.Globalization;
using System.Security.Claims;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using GridGov.Api.Teams;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Incidents;

/// <summary>Categories, the holiday calendar and notices: the data behind routing and deadlines.</summary>
public static class CatalogApi
{
    public sealed record CategoryDto(string Code, string Major, string MajorName, string Name, string NameEn, CrewRole Role,
        int DeadlineValue, DeadlineUnit DeadlineUnit, string DeadlineRule, Urgency Urgency, bool Active);

    public sealed record CategoryEdit(string? Name, string? NameEn, CrewRole? Role, int? DeadlineValue, DeadlineUnit? DeadlineUnit, Urgency? Urgency, bool? Active);

    public sealed record HolidayEdit(string? Name, bool? Working);

    public sealed record NoticeDto(long Id, DateTimeOffset At, string Kind, long? IncidentId, string Audience, int? CrewId, string Text);

    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Categories and calendar");
        api.MapGet("/categories", ListCategories).RequireAuthorization(Policies.SignedIn)
            .WithSummary("Matter categories (GB/T 47678.5 majors 01-10): handling role, deadline rule and urgency of each.");
        api.MapPut("/categories/{code}", EditCategory).RequireAuthorization(Policies.Admin)
            .WithSummary("Create or change a category (admin). New categories need every field.");
        api.MapGet("/calendar/holidays", ListHolidays).RequireAuthorization(Policies.Staff)
            .WithSummary("Holidays (working=false) and adjusted working days (working=true) of the working calendar.");
        api.MapPut("/calendar/holidays/{date}", EditHoliday).RequireAuthorization(Policies.Admin);
        api.MapDelete("/calendar/holidays/{date}", DeleteHoliday).RequireAuthorization(Policies.Admin);
        api.MapGet("/notices", ListNotices).RequireAuthorization(Policies.Staff)
            .WithSummary("Overdue notices for the dispatch center and escalations to the caller (as a crew lead), newest first.");
        return app;
    }

    private static CategoryDto Dto(Category c) => new(c.Code, c.Major, CategoryMajors.All.TryGetValue(c.Major, out var m) ? m.Name : "",
        c.Name, c.NameEn, c.Role, c.DeadlineValue, c.DeadlineUnit, c.DeadlineRule, c.Urgency, c.Active);

    private static async Task<Ok<List<CategoryDto>>> ListCategories(GridGovDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Categories.AsNoTracking().OrderBy(c => c.Code).ToListAsync(ct)).Select(Dto).ToList());

    private static async Task<IResult> EditCategory(string code, CategoryEdit? body, GridGovDb db, CategoryCatalog catalog, CancellationToken ct)
    {
        var v = new Validation();
        if (code.Length != 5 || !code.All(char.IsAsciiDigit) || !CategoryMajors.All.ContainsKey(code[..2]))
            v.Add("code", "A category code is 5 digits: a major 01-10 and a 3-digit minor (e.g. 06002).");
        if (body is null) v.Add("body", "Send the fields to set: name, nameEn, role, deadlineValue, deadlineUnit, urgency, active.");
        if (body?.DeadlineValue is < 1 or > 365) v.Add("deadlineValue", "'deadlineValue' is between 1 and 365.");
        if (body?.Name is { Length: > 60 }) v.Add("name", "'name' is at most 60 characters.");
        if (!v.IsValid) return v.Problem();
        var category = await db.Categories.FirstOrDefaultAsync(c => c.Code == code, ct);
        var created = category is null;
        if (category is null)
        {
            if (string.IsNullOrWhiteSpace(body!.Name) || body.Role is null || body.DeadlineValue is null || body.DeadlineUnit is null)
            {
                v.Add("body", "A new category needs name, role, deadlineValue and deadlineUnit.");
                return v.Problem();
            }
            category = new Category { Code = code, Major = code[..2], Name = body.Name.Trim(), NameEn = body.NameEn?.Trim() ?? body.Name.Trim() };
            db.Categories.Add(category);
        }
        if (!string.IsNullOrWhiteSpace(body!.Name)) category.Name = body.Name.Trim();
        if (!string.IsNullOrWhiteSpace(body.NameEn)) category.NameEn = body.NameEn.Trim();
        if (body.Role is { } role) category.Role = role;
        if (body.DeadlineValue is { } value) category.DeadlineValue = value;
        if (body.DeadlineUnit is { } unit) category.DeadlineUnit = unit;
        if (body.Urgency is { } urgency) category.Urgency = urgency;
        if (body.Active is { } active) category.Active = active;
        await db.SaveChangesAsync(ct);
        await catalog.ReloadAsync(ct);
        return created ? TypedResults.Created($"/api/categories/{code}", Dto(category)) : TypedResults.Ok(Dto(category));
    }

    private static async Task<Ok<List<Holiday>>> ListHolidays(GridGovDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Holidays.AsNoTracking().OrderBy(h => h.Date).ToListAsync(ct));

    private static async Task<IResult> EditHoliday(string date, HolidayEdit? body, GridGovDb db, CalendarProvider calendar, CancellationToken ct)
    {
        var v = new Validation();
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) v.Add("date", $"'{date}' is not a date (yyyy-MM-dd).");
        if (string.IsNullOrWhiteSpace(body?.Name) || body.Name.Length > 40) v.Add("name", "'name' is required, at most 40 characters.");
        if (body?.Working is null) v.Add("working", "'working' is required: false for a holiday, true for an adjusted working day.");
        if (!v.IsValid) return v.Problem();
        var holiday = await db.Holidays.FirstOrDefaultAsync(h => h.Date == day, ct);
        if (holiday is null) db.Holidays.Add(holiday = new Holiday { Date = day, Name = body!.Name!.Trim() });
        holiday.Name = body!.Name!.Trim();
        holiday.Working = body.Working!.Value;
        await db.SaveChangesAsync(ct);
        await calendar.ReloadAsync(ct);
        return TypedResults.Ok(holiday);
    }

    private static async Task<IResult> DeleteHoliday(string date, GridGovDb db, CalendarProvider calendar, CancellationToken ct)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var v = new Validation();
            v.Add("date", $"'{date}' is not a date (yyyy-MM-dd).");
            return v.Problem();
        }
        var removed = await db.Holidays.Where(h => h.Date == day).ExecuteDeleteAsync(ct);
        await calendar.ReloadAsync(ct);
        return removed == 0
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"{date} is not in the holiday calendar.")
            : TypedResults.NoContent();
    }

    private static async Task<Ok<List<NoticeDto>>> ListNotices(int? limit, ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        var query = db.Notices.AsNoTracking();
        query = actor.Is(Roles.Admin) || actor.Is(Roles.Dispatcher) || actor.Is(Roles.Leader)
            ? query.Where(n => n.Audience == "dispatch" || (actor.CrewId != null && n.CrewId == actor.CrewId))
            : query.Where(n => n.Audience == "crew" && n.CrewId == actor.CrewId);
        var take = Math.Clamp(limit ?? 100, 1, 1000);
        return TypedResults.Ok(await query.OrderByDescending(n => n.Id).Take(take)
            .Select(n => new NoticeDto(n.Id, n.At, n.Kind, n.IncidentId, n.Audience, n.CrewId, n.Text)).ToListAsync(ct));
    }
}
