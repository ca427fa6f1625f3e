using System.Text.Json;
using System.Text.Json.Serialization;

namespace GridGov.Api.LifeCircles;

/// <summary>One life-circle facility class: its GB 50180-2018 level (5, 10 or 15 minutes) and the OSM tags that map to it.</summary>
public sealed record FacilityClass(string Class, string Zh, string En, int Level, bool Required, IReadOnlyList<FacilityRule> Rules);

/// <summary>Every tag must match (<c>a|b</c> = either value, <c>*</c> = any); with <see cref="NameContains"/>, the name must contain one word.</summary>
public sealed record FacilityRule(IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string>? NameContains)
{
    public bool Matches(IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, pattern) in Tags)
        {
            if (!tags.TryGetValue(key, out var value)) return false;
            if (pattern != "*" && !pattern.Split('|').Contains(value, StringComparer.Ordinal)) return false;
        }
        if (NameContains is { Count: > 0 })
            return tags.TryGetValue("name", out var name) && NameContains.Any(w => name.Contains(w, StringComparison.Ordinal));
        return true;
    }
}

/// <summary>
/// The facility-class table, kept as data (<c>facility-classes.json</c> beside the service, or the file named by
/// <c>LifeCircles:ClassesFile</c>). Classes are tried in file order; the first whose rule matches a feature's tags wins.
/// </summary>
public sealed class FacilityClasses
{
    public static readonly int[] Levels = [5, 10, 15];

    private readonly Dictionary<string, FacilityClass> _byKey;

    public IReadOnlyList<FacilityClass> All { get; }

    private FacilityClasses(IReadOnlyList<FacilityClass> all)
    {
        All = all;
        _byKey = all.ToDictionary(c => c.Class, StringComparer.Ordinal);
    }

    public FacilityClass? Find(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>The class an OSM feature's tags map to, or null.</summary>
    public FacilityClass? Match(IReadOnlyDictionary<string, string> tags)
    {
        foreach (var c in All)
            foreach (var rule in c.Rules)
                if (rule.Matches(tags)) return c;
        return null;
    }

    /// <summary>The tags an export writes for a facility of this class (its first rule; '|' alternatives take the first).</summary>
    public static IEnumerable<KeyValuePair<string, string>> ExportTags(FacilityClass c) =>
        c.Rules[0].Tags.Select(t => KeyValuePair.Create(t.Key, t.Value == "*" ? "yes" : t.Value.Split('|')[0]));

    public const string FileName = "facility-classes.json";

    public static FacilityClasses Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    /// <summary>The table shipped beside the service (the build copies it to the output folder).</summary>
    public static FacilityClasses LoadDefault() => Load(Path.Combine(AppContext.BaseDirectory, FileName));

    public static FacilityClasses Parse(Stream json, string source)
    {
        var file = JsonSerializer.Deserialize<ClassFile>(json, Options)
                   ?? throw new InvalidDataException($"{source}: empty facility-class table");
        var list = new List<FacilityClass>();
        foreach (var c in file.Classes ?? [])
        {
            if (string.IsNullOrWhiteSpace(c.Class)) throw new InvalidDataException($"{source}: a class without its 'class' key");
            if (!Levels.Contains(c.Level)) throw new InvalidDataException($"{source}: class {c.Class} has level {c.Level}; levels are 5, 10 and 15 (minutes)");
            if (c.Rules is not { Count: > 0 } || c.Rules.Any(r => r.Tags is not { Count: > 0 }))
                throw new InvalidDataException($"{source}: class {c.Class} needs at least one rule, each with tags");
            if (list.Any(x => x.Class == c.Class)) throw new InvalidDataException($"{source}: class {c.Class} appears twice");
            list.Add(new FacilityClass(c.Class, c.Zh ?? c.Class, c.En ?? c.Class, c.Level, c.Required ?? true,
                c.Rules.Select(r => new FacilityRule(r.Tags!, r.NameContains)).ToList()));
        }
        if (list.Count == 0) throw new InvalidDataException($"{source}: no facility classes");
        return new FacilityClasses(list);
    }

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip };

    private sealed class ClassFile
    {
        public List<ClassEntry>? Classes { get; set; }
    }

    private sealed class ClassEntry
    {
        public string Class { get; set; } = "";
        public string? Zh { get; set; }
        public string? En { get; set; }
        public int Level { get; set; }
        public bool? Required { get; set; }
        public List<RuleEntry>? Rules { get; set; }
    }

    private sealed class RuleEntry
    {
        public Dictionary<string, string>? Tags { get; set; }
        [JsonPropertyName("nameContains")] public List<string>? NameContains { get; set; }
    }
}
