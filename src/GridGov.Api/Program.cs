using GridGov.Api.Auth;
using GridGov.Api.Community;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.LifeCircles;
using GridGov.Api.Live;
using GridGov.Api.Open311;
using GridGov.Api.Photos;
using GridGov.Api.Residents;
using GridGov.Api.Plans;
using GridGov.Api.Platform;
using GridGov.Api.Streetlights;
using GridGov.Api.Teams;
using GridGov.Api.Tiles;

// `./gridgov user ...` manages sign-ins against the database without starting the service.
if (args is ["user", ..]) return await UserCommand.RunAsync(args[1..]);
if (args is ["import", "grids", ..]) return await ImportCommand.RunAsync(args[2..]);
if (args is ["import", "streetlights", ..]) return await StreetlightImportApi.RunAsync(args[2..]);
if (args is ["import", "osm", ..]) return await OsmImportCommand.RunAsync(args[2..]);
if (args is ["export", "osm", ..]) return await OsmImportCommand.ExportAsync(args[2..]);
if (args is ["seed", "year", ..]) return await GridGov.Api.Demo.YearSeedCommand.RunAsync(args[2..]);

// `./gridgov run --simulate` passes a bare switch; the configuration reads it as Simulator:Enabled.
var simulate = args.Contains("--simulate");
var builder = WebApplication.CreateBuilder(args.Where(a => a != "--simulate").ToArray());
if (simulate) builder.Configuration["Simulator:Enabled"] = "true";
builder.AddServiceDefaults();
builder.AddGridGovData();
builder.AddGridGovAuth();
builder.Services.AddSingleton<GridCatalog>();
builder.Services.AddPlans().AddGridChangeListener();
builder.AddIncidents();
builder.AddLive();
builder.AddLifeCircles();
builder.Services.AddStreetlights(builder.Configuration);
builder.Services.AddPhotos(builder.Configuration);
builder.Services.AddCommunity(builder.Configuration);

var app = builder.Build();
await app.PrepareDatabaseAsync();
await app.Services.GetRequiredService<GridCatalog>().ReloadAsync();
await app.LoadIncidentCatalogsAsync();
await app.LoadLiveAsync();

app.UseServiceDefaults();
app.MapHealth();
app.MapAuthApi();
app.MapUsersApi();
app.MapTeamsApi();
app.MapPeopleImport();
app.MapGridImport();
app.MapGridsApi();
app.MapPlansApi();
app.MapLifeCirclesApi();
app.MapStreetlightsApi();
app.MapStreetlightImport();
app.MapPatrolsApi();
app.MapIncidentsApi();
app.MapPhotosApi();
app.MapCommunity();
app.MapResidentApi();
app.MapCatalogApi();
app.MapListsApi();
app.MapIndicatorsApi();
app.MapOpen311Api();
app.MapTilesApi();
app.MapLive();
app.MapFallbacks();
app.Run();
return 0;

public partial class Program;
