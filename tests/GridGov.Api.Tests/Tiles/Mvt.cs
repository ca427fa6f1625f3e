using System.Text;

namespace GridGov.Api.Tests.Tiles;

/// <summary>
/// Just enough of a Mapbox Vector Tile (protobuf) reader for the tile tests: layers, their features' geometry type,
/// properties and number of vertices. See the vector-tile-spec 2.1 (tile = 3: layers; layer = 1 name, 2 features,
/// 3 keys, 4 values; feature = 1 id, 2 tags, 3 type, 4 geometry).
/// </summary>
public static class Mvt
{
    public enum GeomType { Unknown = 0, Point = 1, LineString = 2, Polygon = 3 }

    public sealed record Feature(GeomType Type, IReadOnlyDictionary<string, object?> Properties, int Vertices)
    {
        public string? Str(string key) => Properties.TryGetValue(key, out var v) ? v?.ToString() : null;
    }

    public sealed record Layer(string Name, int Extent, IReadOnlyList<Feature> Features);

    public static Dictionary<string, Layer> Decode(byte[] tile)
    {
        var layers = new Dictionary<string, Layer>(StringComparer.Ordinal);
        var r = new Reader(tile);
        while (r.More)
        {
            var (field, wire) = r.Key();
            if (field == 3 && wire == 2)
            {
                var layer = DecodeLayer(r.Bytes());
                layers.Add(layer.Name, layer);
            }
            else r.Skip(wire);
        }
        return layers;
    }

    private static Layer DecodeLayer(ReadOnlyMemory<byte> bytes)
    {
        var r = new Reader(bytes);
        string name = "";
        var extent = 4096;
        var keys = new List<string>();
        var values = new List<object?>();
        var raw = new List<ReadOnlyMemory<byte>>();
        while (r.More)
        {
            var (field, wire) = r.Key();
            switch (field)
            {
                case 1 when wire == 2: name = Encoding.UTF8.GetString(r.Bytes().Span); break;
                case 2 when wire == 2: raw.Add(r.Bytes()); break;
                case 3 when wire == 2: keys.Add(Encoding.UTF8.GetString(r.Bytes().Span)); break;
                case 4 when wire == 2: values.Add(DecodeValue(r.Bytes())); break;
                case 5 when wire == 0: extent = (int)r.Varint(); break;
                default: r.Skip(wire); break;
            }
        }
        return new Layer(name, extent, raw.Select(f => DecodeFeature(f, keys, values)).ToList());
    }

    private static Feature DecodeFeature(ReadOnlyMemory<byte> bytes, List<string> keys, List<object?> values)
    {
        var r = new Reader(bytes);
        var type = GeomType.Unknown;
        var props = new Dictionary<string, object?>(StringComparer.Ordinal);
        var vertices = 0;
        while (r.More)
        {
            var (field, wire) = r.Key();
            if (field == 2 && wire == 2)
            {
                var tags = r.Packed();
                for (var i = 0; i + 1 < tags.Count; i += 2) props[keys[(int)tags[i]]] = values[(int)tags[i + 1]];
            }
            else if (field == 3 && wire == 0) type = (GeomType)r.Varint();
            else if (field == 4 && wire == 2) vertices = Vertices(r.Packed());
            else r.Skip(wire);
        }
        return new Feature(type, props, vertices);
    }

    /// <summary>Counts the vertices of a geometry command stream (MoveTo and LineTo carry one each; ClosePath none).</summary>
    private static int Vertices(List<ulong> commands)
    {
        var n = 0;
        for (var i = 0; i < commands.Count;)
        {
            var id = commands[i] & 7;
            var count = (int)(commands[i] >> 3);
            i++;
            if (id is 1 or 2)
            {
                n += count;
                i += 2 * count;
            }
        }
        return n;
    }

    private static object? DecodeValue(ReadOnlyMemory<byte> bytes)
    {
        var r = new Reader(bytes);
        object? value = null;
        while (r.More)
        {
            var (field, wire) = r.Key();
            value = field switch
            {
                1 when wire == 2 => Encoding.UTF8.GetString(r.Bytes().Span),
                2 when wire == 5 => BitConverter.ToSingle(r.Fixed(4).Span),
                3 when wire == 1 => BitConverter.ToDouble(r.Fixed(8).Span),
                4 when wire == 0 => (long)r.Varint(),
                5 when wire == 0 => (long)r.Varint(),
                6 when wire == 0 => ZigZag(r.Varint()),
                7 when wire == 0 => r.Varint() != 0,
                _ => Skipped(r, wire),
            };
        }
        return value;
    }

    private static object? Skipped(Reader r, int wire)
    {
        r.Skip(wire);
        return null;
    }

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private sealed class Reader(ReadOnlyMemory<byte> data)
    {
        private int _at;
        public bool More => _at < data.Length;

        public ulong Varint()
        {
            ulong v = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data.Span[_at++];
                v |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return v;
            }
        }

        public (int Field, int Wire) Key()
        {
            var k = Varint();
            return ((int)(k >> 3), (int)(k & 7));
        }

        public ReadOnlyMemory<byte> Bytes()
        {
            var n = (int)Varint();
            var slice = data.Slice(_at, n);
            _at += n;
            return slice;
        }

        public ReadOnlyMemory<byte> Fixed(int n)
        {
            var slice = data.Slice(_at, n);
            _at += n;
            return slice;
        }

        public List<ulong> Packed()
        {
            var inner = new Reader(Bytes());
            var list = new List<ulong>();
            while (inner.More) list.Add(inner.Varint());
            return list;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _at += 8; break;
                case 2: Bytes(); break;
                case 5: _at += 4; break;
                default: throw new InvalidDataException($"wire type {wire} at {_at}");
            }
        }
    }
}
