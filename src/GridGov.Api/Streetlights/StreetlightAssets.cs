using System.Globalization;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using GridGov.Api.Teams;

namespace GridGov.Api.Streetlights;

/// <summary>
/// Which lamp (or cabinet) a report is about, as FixMyStreet's asset layers do it: a code typed from the pole is looked
/// up; a pin without a code snaps to the nearest lamp within <see cref="StreetlightSettings.SnapM"/>; a lamp category
/// with no lamp in reach is accepted and flagged for the office group. The asset's group owns the case.
/// </summary>
public sealed class StreetlightAssets(StreetlightIndex index, StreetlightStatus status, StreetlightSettings settings) : IIncidentAssets
{
    public async Task<string?> CategoryOfAsync(string assetCode, CancellationToken ct) =>
        await index.FindAsync(assetCode, ct) switch
        {
            { Component: StreetlightIndex.LampComponent } => settings.LampCategories.FirstOrDefault(),
            { Component: StreetlightIndex.CabinetComponent } => settings.CabinetCategories.FirstOrDefault(),
            _ => null,
        };

    public async Task<AssetMatch?> ResolveAsync(Category category, string? assetCode, (double Lon, double Lat)? at, Validation v, CancellationToken ct)
    {
        var component = settings.LampCategories.Contains(category.Code) ? StreetlightIndex.LampComponent
            : settings.CabinetCategories.Contains(category.Code) ? StreetlightIndex.CabinetComponent
            : null;
        var what = component == StreetlightIndex.CabinetComponent ? "配电箱" : "路灯";
        if (component is null)
        {
            // Not a streetlight matter: a code of another register (a manhole cover's) travels as given, but a lamp's
            // code under, say, "garbage" means one of the two is wrong.
            if (assetCode is not null && await index.FindAsync(assetCode, ct) is { } named)
                v.Add("assetCode", $"'{assetCode}' is a {(named.Component == StreetlightIndex.LampComponent ? "streetlight" : "power cabinet")}, but category {category.Code} ({category.NameEn}) is not a streetlight matter; report it as {string.Join(" or ", settings.LampCategories.Concat(settings.CabinetCategories))}, or leave 'assetCode' out.");
            return null;
        }
        var groups = await status.CurrentAsync(ct);
        var duty = component == StreetlightIndex.LampComponent ? StreetlightDuty.Repair : StreetlightDuty.Line;
        var owner = groups.Group(duty);
        var ownerLabel = owner is { } o ? o.Name : "（未配置路灯班组，由网格班组处置）";
        var kind = component == StreetlightIndex.LampComponent ? "lamp" : "cabinet";

        if (assetCode is not null)
        {
            var lamp = await index.FindAsync(assetCode, ct);
            if (lamp is null || lamp.Component != component)
            {
                var near = at is { } p ? await index.NearestAsync(component, p.Lon, p.Lat, 200, 5, ct) : [];
                var hint = near.Count > 0
                    ? $"; {what} within 200 m of the spot: " + string.Join(", ", near.Select(n => string.Create(CultureInfo.InvariantCulture, $"{n.Lamp.Code} ({n.DistanceM:0} m)")))
                    : at is null ? "; send the spot (lon, lat) too, and the answer lists the codes near it" : "; there is none within 200 m of the spot";
                v.Add("assetCode", lamp is null
                    ? $"There is no {(component == StreetlightIndex.LampComponent ? "streetlight" : "power cabinet")} '{assetCode}' (the code is the 17 digits on the pole){hint}."
                    : $"'{assetCode}' is a {(lamp.Component == StreetlightIndex.LampComponent ? "streetlight" : "power cabinet")}, not what category {category.Code} ({category.NameEn}) is about{hint}.");
                return null;
            }
            if (at is { } spot)
            {
                var apart = Live.Geodesy.Metres(spot.Lon, spot.Lat, lamp.Lon, lamp.Lat);
                if (apart > settings.MismatchM)
                {
                    v.Add("assetCode", string.Create(CultureInfo.InvariantCulture,
                        $"{what} {assetCode} stands {apart:N0} m from the reported spot (more than {settings.MismatchM:0} m): which is right? Send the code without lon/lat to report at the pole, or check the code against the spot."));
                    return null;
                }
            }
            return new AssetMatch(kind, lamp.Code, lamp.Lon, lamp.Lat, owner?.Id, $"按{what}编号 {lamp.Code} 定位，归{ownerLabel} (by asset code)");
        }

        if (at is not { } pin) return null;
        var nearest = await index.NearestAsync(component, pin.Lon, pin.Lat, settings.SnapM, 1, ct);
        if (nearest.Count > 0)
        {
            var (found, distance) = nearest[0];
            return new AssetMatch(kind, found.Code, found.Lon, found.Lat, owner?.Id,
                string.Create(CultureInfo.InvariantCulture, $"未填编号，吸附至 {settings.SnapM:0} 米内最近的{what} {found.Code}（{distance:0} 米），归{ownerLabel} (snapped to the nearest {kind}, {distance:0} m)"));
        }
        var office = groups.Group(StreetlightDuty.Office);
        return new AssetMatch(null, null, pin.Lon, pin.Lat, office?.Id,
            string.Create(CultureInfo.InvariantCulture, $"{settings.SnapM:0} 米内没有{what}：已受理并标记，转{office?.Name ?? "指挥中心"}核实 (no {kind} within {settings.SnapM:0} m: flagged for the office group)"));
    }
}
