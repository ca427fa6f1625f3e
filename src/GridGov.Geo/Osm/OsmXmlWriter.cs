using System.Globalization;
using System.Text;
using System.Xml;

namespace GridGov.Geo.Osm;

/// <summary>A member of an OSM relation: its type ('n', 'w' or 'r'), id and role.</summary>
public readonly record struct OsmMember(char Type, long Id, string Role);

/// <summary>
/// Writes an OpenStreetMap XML 0.6 file (what osmium, osm2pgrouting and JOSM read): nodes, then ways, then relations,
/// each with its tags. The order is enforced (a node after a way is refused), so a file written with ascending ids per
/// type is "objects ordered" as <c>osmium fileinfo</c> reports it. Coordinates are written with 7 decimals, the
/// precision OSM keeps. Ids must be positive: not every tool accepts the negative ids of unsaved editor objects.
/// Not thread-safe: one writer per file.
/// </summary>
public sealed class OsmXmlWriter : IDisposable
{
    private readonly XmlWriter _xml;
    private int _section; // 0 nodes, 1 ways, 2 relations
    private bool _disposed;

    public OsmXmlWriter(Stream output, string generator = "GridGov")
    {
        _xml = XmlWriter.Create(output, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = " " });
        _xml.WriteStartDocument();
        _xml.WriteStartElement("osm");
        _xml.WriteAttributeString("version", "0.6");
        _xml.WriteAttributeString("generator", generator);
    }

    public void WriteNode(long id, double lon, double lat, IEnumerable<KeyValuePair<string, string>>? tags = null)
    {
        Enter(0, "node", id);
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || lon is < -180 or > 180 || lat is < -90 or > 90)
            throw new ArgumentOutOfRangeException(nameof(lon), $"node {id} lies at ({lon}, {lat}), outside lon -180..180, lat -90..90");
        _xml.WriteStartElement("node");
        _xml.WriteAttributeString("id", id.ToString(CultureInfo.InvariantCulture));
        _xml.WriteAttributeString("lat", lat.ToString("0.#######", CultureInfo.InvariantCulture));
        _xml.WriteAttributeString("lon", lon.ToString("0.#######", CultureInfo.InvariantCulture));
        WriteTags(tags);
        _xml.WriteEndElement();
    }

    public void WriteWay(long id, IReadOnlyList<long> nodes, IEnumerable<KeyValuePair<string, string>>? tags = null)
    {
        Enter(1, "way", id);
        if (nodes.Count < 2) throw new ArgumentException($"way {id} needs at least two nodes", nameof(nodes));
        _xml.WriteStartElement("way");
        _xml.WriteAttributeString("id", id.ToString(CultureInfo.InvariantCulture));
        foreach (var node in nodes)
        {
            _xml.WriteStartElement("nd");
            _xml.WriteAttributeString("ref", node.ToString(CultureInfo.InvariantCulture));
            _xml.WriteEndElement();
        }
        WriteTags(tags);
        _xml.WriteEndElement();
    }

    public void WriteRelation(long id, IReadOnlyList<OsmMember> members, IEnumerable<KeyValuePair<string, string>>? tags = null)
    {
        Enter(2, "relation", id);
        _xml.WriteStartElement("relation");
        _xml.WriteAttributeString("id", id.ToString(CultureInfo.InvariantCulture));
        foreach (var m in members)
        {
            _xml.WriteStartElement("member");
            _xml.WriteAttributeString("type", m.Type switch
            {
                'n' => "node",
                'w' => "way",
                'r' => "relation",
                _ => throw new ArgumentException($"relation {id}: member type '{m.Type}' is not n, w or r", nameof(members)),
            });
            _xml.WriteAttributeString("ref", m.Id.ToString(CultureInfo.InvariantCulture));
            _xml.WriteAttributeString("role", m.Role);
            _xml.WriteEndElement();
        }
        WriteTags(tags);
        _xml.WriteEndElement();
    }

    private void Enter(int section, string what, long id)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (id <= 0) throw new ArgumentOutOfRangeException(nameof(id), $"{what} id {id}: ids must be positive");
        if (section < _section) throw new InvalidOperationException($"a {what} cannot follow the {(_section == 1 ? "ways" : "relations")}: OSM files list nodes, then ways, then relations");
        _section = section;
    }

    private void WriteTags(IEnumerable<KeyValuePair<string, string>>? tags)
    {
        if (tags is null) return;
        foreach (var (k, v) in tags)
        {
            if (string.IsNullOrEmpty(k) || string.IsNullOrEmpty(v)) continue;
            _xml.WriteStartElement("tag");
            _xml.WriteAttributeString("k", k);
            _xml.WriteAttributeString("v", v);
            _xml.WriteEndElement();
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _xml.WriteEndElement();
        _xml.WriteEndDocument();
        _xml.Dispose();
    }
}
