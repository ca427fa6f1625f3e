using GridGov.Api.Data;
using GridGov.Api.Teams;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Incidents;

/// <summary>The three deadline units of the case standard.</summary>
public enum DeadlineUnit
{
    /// <summary>Counted round the clock (紧急时限).</summary>
    EmergencyHours,
    /// <summary>Counted only inside the working calendar's working periods.</summary>
    WorkingHours,
    /// <summary>Working days; one day is the length of one working day's periods.</summary>
    WorkingDays,
}

public enum Urgency
{
    Normal,
    Urgent,
    Emergency,
}

/// <summary>
/// A matter category (事项小类) in the GB/T 47678.5 layout: 2-digit major + 3-digit minor. Majors 01-05 are
/// component abnormalities (the minor is the component's), 06-10 are matters. Editable data: the seed is a start.
/// </summary>
public sealed class Category
{
    public required string Code { get; set; }
    public required string Major { get; set; }
    public required string Name { get; set; }
    public required string NameEn { get; set; }
    public CrewRole Role { get; set; }
    public int DeadlineValue { get; set; }
    public DeadlineUnit DeadlineUnit { get; set; }
    public Urgency Urgency { get; set; }
    public bool Active { get; set; } = true;

    public string DeadlineRule => $"{DeadlineValue} {Platform.JsonNames.Of(DeadlineUnit)}";
}

/// <summary>The matter majors (事项大类) 01-10.</summary>
public static class CategoryMajors
{
    public static readonly IReadOnlyDictionary<string, (string Name, string NameEn)> All = new Dictionary<string, (string, string)>
    {
        ["01"] = ("公用设施类部件异常", "Municipal utilities (component abnormal)"),
        ["02"] = ("道路交通设施类部件异常", "Traffic facilities (component abnormal)"),
        ["03"] = ("市容环境设施类部件异常", "Sanitation facilities (component abnormal)"),
        ["04"] = ("园林绿化设施类部件异常", "Landscaping (component abnormal)"),
        ["05"] = ("其他设施类部件异常", "Other facilities (component abnormal)"),
        ["06"] = ("市容环境", "City appearance and environment"),
        ["07"] = ("宣传广告", "Advertising"),
        ["08"] = ("施工管理", "Construction management"),
        ["09"] = ("街面秩序", "Street order"),
        ["10"] = ("其他事件", "Other matters"),
    };
}

/// <summary>The categories a county sees; written into an empty database once (see <see cref="IncidentsSetup"/>).</summary>
public static class CategorySeed
{
    private const CrewRole M = CrewRole.Municipal, E = CrewRole.Enforcement, L = CrewRole.Landscaping, S = CrewRole.Sanitation;
    private const DeadlineUnit EH = DeadlineUnit.EmergencyHours, WH = DeadlineUnit.WorkingHours, WD = DeadlineUnit.WorkingDays;
    private const Urgency N = Urgency.Normal, U = Urgency.Urgent, X = Urgency.Emergency;

    public static IReadOnlyList<Category> All() =>
    [
        C("01001", "上水井盖异常", "Water main manhole cover abnormal", M, 2, EH, U),
        C("01002", "污水井盖异常", "Sewer manhole cover abnormal", M, 2, EH, U),
        C("01003", "雨水井盖异常", "Storm drain manhole cover abnormal", M, 2, EH, U),
        C("01004", "雨水箅子异常", "Storm drain grate abnormal", M, 1, WD, N),
        C("01005", "电力井盖异常", "Power manhole cover abnormal", M, 2, EH, U),
        C("01006", "路灯井盖异常", "Streetlight manhole cover abnormal", M, 2, EH, U),
        C("01021", "消防栓异常", "Fire hydrant abnormal", M, 1, WD, U),
        C("01037", "路灯异常", "Streetlight abnormal", M, 2, WD, N),
        C("01038", "地灯异常", "Ground light abnormal", M, 3, WD, N),
        C("01039", "景观灯异常", "Landscape light abnormal", M, 3, WD, N),
        C("01060", "路灯配电箱异常", "Streetlight power cabinet abnormal", M, 4, WH, U),
        C("02001", "交通标志牌异常", "Traffic sign abnormal", M, 2, WD, N),
        C("02003", "道路破损", "Road surface damaged", M, 2, WD, N),
        C("02005", "护栏异常", "Guardrail abnormal", M, 2, WD, N),
        C("02010", "公交站亭异常", "Bus shelter abnormal", M, 3, WD, N),
        C("02020", "盲道异常", "Tactile paving abnormal", M, 5, WD, N),
        C("03001", "公共厕所异常", "Public toilet abnormal", S, 4, WH, N),
        C("03005", "果皮箱损坏", "Litter bin damaged", S, 2, WD, N),
        C("03006", "垃圾箱满溢", "Overflowing bin", S, 4, WH, N),
        C("03010", "垃圾收集点异常", "Refuse collection point abnormal", S, 1, WD, N),
        C("04002", "行道树异常", "Street tree abnormal", L, 2, WD, N),
        C("04003", "绿地损坏", "Damaged green", L, 2, WD, N),
        C("04005", "花坛花箱损坏", "Flower bed damaged", L, 3, WD, N),
        C("04010", "树木倒伏", "Fallen tree", L, 2, EH, X),
        C("05001", "健身设施损坏", "Fitness equipment damaged", M, 3, WD, N),
        C("05005", "宣传栏损坏", "Notice board damaged", M, 3, WD, N),
        C("06001", "暴露垃圾", "Exposed garbage", S, 4, WH, N),
        C("06002", "积存垃圾渣土", "Garbage piles", S, 1, WD, N),
        C("06003", "道路不洁", "Dirty road", S, 4, WH, N),
        C("06004", "水域不洁", "Dirty water surface", S, 1, WD, N),
        C("06005", "焚烧垃圾树叶", "Burning rubbish or leaves", E, 2, EH, U),
        C("06006", "违法建设", "Illegal construction", E, 3, WD, N),
        C("06007", "乱堆物堆料", "Materials piled in public space", E, 1, WD, N),
        C("06008", "乱涂乱画", "Graffiti", S, 2, WD, N),
        C("06009", "餐饮油烟", "Restaurant cooking fumes", E, 3, WD, N),
        C("06010", "绿地脏乱", "Littered green", L, 1, WD, N),
        C("06011", "树木枝叶遮挡", "Overgrown trees", L, 2, WD, N),
        C("06012", "动物尸体", "Dead animal", S, 2, EH, U),
        C("07001", "非法小广告", "Small illegal ads", E, 1, WD, N),
        C("07002", "违规户外广告", "Illegal outdoor advertising", E, 3, WD, N),
        C("07003", "广告招牌破损", "Damaged shop sign", E, 4, WH, U),
        C("07004", "条幅横幅乱挂", "Unauthorised banners", E, 4, WH, N),
        C("08001", "施工扰民", "Construction disturbance", E, 4, WH, N),
        C("08002", "工地扬尘", "Construction dust", E, 4, WH, N),
        C("08003", "道路遗撒", "Spillage on the road", S, 2, EH, U),
        C("08004", "施工占道", "Construction occupying the road", E, 1, WD, N),
        C("08005", "渣土车违规", "Muck truck violation", E, 4, WH, N),
        C("09001", "无照经营游商", "Street vendors", E, 4, WH, N),
        C("09002", "店外经营", "Shop-front encroachment", E, 4, WH, N),
        C("09003", "占道经营", "Stalls occupying the road", E, 4, WH, N),
        C("09004", "机动车乱停放", "Illegal parking", E, 2, WH, N),
        C("09005", "非机动车乱停放", "Disorderly bicycle parking", E, 4, WH, N),
        C("09006", "露天烧烤", "Open-air barbecue", E, 2, WH, N),
        C("09007", "占道废品收购", "Scrap collecting on the road", E, 1, WD, N),
        C("09009", "噪声扰民", "Noise", E, 4, WH, N),
        C("10001", "路面塌陷", "Road collapse", M, 2, EH, X),
        C("10002", "道路积水", "Waterlogging", M, 2, EH, X),
        C("10003", "供水管破裂", "Burst water main", M, 2, EH, X),
        C("10099", "其他事件", "Other", E, 3, WD, N),
    ];

    private static Category C(string code, string name, string nameEn, CrewRole role, int value, DeadlineUnit unit, Urgency urgency) =>
        new() { Code = code, Major = code[..2], Name = name, NameEn = nameEn, Role = role, DeadlineValue = value, DeadlineUnit = unit, Urgency = urgency };
}

/// <summary>
/// The active categories held in memory for intake; <see cref="ReloadAsync"/> swaps a fresh snapshot in after
/// an edit. Reads are lock-free.
/// </summary>
public sealed class CategoryCatalog(IServiceScopeFactory scopes)
{
    private IReadOnlyDictionary<string, Category> _byCode = new Dictionary<string, Category>();

    public IReadOnlyDictionary<string, Category> ByCode => _byCode;

    public Category? Find(string? code) => code is not null && _byCode.TryGetValue(code, out var c) && c.Active ? c : null;

    /// <summary>The category's Chinese name, for lists and exports (the code itself when unknown).</summary>
    public string NameOf(string code) => _byCode.TryGetValue(code, out var c) ? c.Name : code;

    public IEnumerable<string> ActiveCodes => _byCode.Values.Where(c => c.Active).Select(c => c.Code).Order(StringComparer.Ordinal);

    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        _byCode = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Code, StringComparer.Ordinal, ct);
    }
}
