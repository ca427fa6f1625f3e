using System.Buffers;
using System.Text;

namespace GridGov.Geo.Tiles;

/// <summary>
/// A Mapbox Vector Tile (spec 2.1) of points and lines straight from lon/lat, for layers served from memory. Written
/// by hand because the library writer (NetTopologySuite.IO.VectorTiles.Mapbox) measured 110 ms for a tile of 15,000
/// lamps where this takes a few: it builds a feature object and an attribute table per point. Coordinates go to true
/// Web Mercator pixels of the tile (extent 4,096), as ST_AsMVTGeom puts them; lines are not clipped (they are short).
/// Attribute values are strings or integers. Not thread-safe; one writer per tile.
/// </summary>
public sealed class MvtWriter
{
    private const double EarthRadius = 6378137.0;
    private const double Half = Math.PI * EarthRadius;
    public const int Extent = 4096;

    private readonly double _minX, _maxY, _scale;

    /// <summary>One layer being written: its features, keys and values.</summary>
    public sealed class Layer
    {
        private readonly MvtWriter _owner;
        private readonly string _name;
        private Buffer _features = new(16 * 1024);
        private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);
        // Values by type, so integers are not boxed and strings compare ordinally.
        private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal);
        private readonly Dictionary<long, int> _integers = [];
        private readonly List<object> _valueList = [];
        private uint[] _tags = new uint[32];
        private int _tagCount;
        private readonly List<uint> _geometry = new(64);

        internal Layer(MvtWriter owner, string name) => (_owner, _name) = (owner, name);

        public int Count { get; private set; }

        /// <summary>Adds a point feature at lon/lat with its attributes (null values are left out).</summary>
        public void Point(double lon, double lat, ReadOnlySpan<(string Key, string? Value)> strings, ReadOnlySpan<(string Key, long? Value)> integers = default)
        {
            var (x, y) = _owner.Pixel(lon, lat);
            Tags(strings, integers);
            // A point's geometry is always MoveTo(1) x y: written straight, its length known up front.
            uint g0 = Command(1, 1), g1 = ZigZag(x), g2 = ZigZag(y);
            var geometryLength = Size(g0) + Size(g1) + Size(g2);
            var tagsLength = TagsLength();
            var featureLength = (_tagCount > 0 ? 1 + Size((uint)tagsLength) + tagsLength : 0) + 2 + 1 + Size((uint)geometryLength) + geometryLength;
            ref var w = ref _features;
            w.Ensure(featureLength + 16);
            w.Byte((2 << 3) | 2);
            w.Varint((uint)featureLength);
            WriteTags(ref w, tagsLength);
            w.Byte((3 << 3) | 0);
            w.Byte(1);
            w.Byte((4 << 3) | 2);
            w.Varint((uint)geometryLength);
            w.Varint(g0);
            w.Varint(g1);
            w.Varint(g2);
            Count++;
        }

        /// <summary>Adds a line feature through lon/lat points (repeated pixels dropped); fewer than two distinct pixels add nothing.</summary>
        public void Line(IReadOnlyList<(double Lon, double Lat)> points, ReadOnlySpan<(string Key, string? Value)> strings, ReadOnlySpan<(string Key, long? Value)> integers = default)
        {
            if (points.Count < 2) return;
            _geometry.Clear();
            var (x0, y0) = _owner.Pixel(points[0].Lon, points[0].Lat);
            _geometry.Add(Command(1, 1));
            _geometry.Add(ZigZag(x0));
            _geometry.Add(ZigZag(y0));
            var lineTo = _geometry.Count;
            _geometry.Add(0);
            var (px, py, n) = (x0, y0, 0);
            for (var i = 1; i < points.Count; i++)
            {
                var (x, y) = _owner.Pixel(points[i].Lon, points[i].Lat);
                if (x == px && y == py) continue;
                _geometry.Add(ZigZag(x - px));
                _geometry.Add(ZigZag(y - py));
                (px, py) = (x, y);
                n++;
            }
            if (n == 0) return;
            _geometry[lineTo] = Command(2, n);
            Tags(strings, integers);
            var geometryLength = 0;
            foreach (var g in _geometry) geometryLength += Size(g);
            var tagsLength = TagsLength();
            var featureLength = (_tagCount > 0 ? 1 + Size((uint)tagsLength) + tagsLength : 0) + 2 + 1 + Size((uint)geometryLength) + geometryLength;
            ref var w = ref _features;
            w.Ensure(featureLength + 16);
            w.Byte((2 << 3) | 2);
            w.Varint((uint)featureLength);
            WriteTags(ref w, tagsLength);
            w.Byte((3 << 3) | 0);
            w.Byte(2);
            w.Byte((4 << 3) | 2);
            w.Varint((uint)geometryLength);
            foreach (var g in _geometry) w.Varint(g);
            Count++;
        }

        private int Key(string key)
        {
            if (!_keys.TryGetValue(key, out var k)) _keys[key] = k = _keys.Count;
            return k;
        }

        private void Tags(ReadOnlySpan<(string Key, string? Value)> strings, ReadOnlySpan<(string Key, long? Value)> integers)
        {
            _tagCount = 0;
            if (_tags.Length < 2 * (strings.Length + integers.Length)) _tags = new uint[2 * (strings.Length + integers.Length)];
            foreach (var (key, value) in strings)
            {
                if (value is null) continue;
                ref var v = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_strings, value, out var seen);
                if (!seen)
                {
                    v = _valueList.Count;
                    _valueList.Add(value);
                }
                _tags[_tagCount++] = (uint)Key(key);
                _tags[_tagCount++] = (uint)v;
            }
            foreach (var (key, value) in integers)
            {
                if (value is not { } n) continue;
                ref var v = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_integers, n, out var seen);
                if (!seen)
                {
                    v = _valueList.Count;
                    _valueList.Add(n);
                }
                _tags[_tagCount++] = (uint)Key(key);
                _tags[_tagCount++] = (uint)v;
            }
        }

        private int TagsLength()
        {
            var length = 0;
            for (var i = 0; i < _tagCount; i++) length += Size(_tags[i]);
            return length;
        }

        private void WriteTags(ref Buffer w, int tagsLength)
        {
            if (_tagCount == 0) return;
            w.Byte((2 << 3) | 2);
            w.Varint((uint)tagsLength);
            for (var i = 0; i < _tagCount; i++) w.Varint(_tags[i]);
        }

        internal void WriteTo(ref Buffer tile)
        {
            if (Count == 0)
            {
                _features.Release();
                return;
            }
            var layer = new Buffer(_features.Length + 64 * _valueList.Count + 1024);
            layer.Byte((15 << 3) | 0);
            layer.Byte(2);
            layer.Text(1, _name);
            layer.Raw(_features.Span);
            foreach (var key in _keys.OrderBy(k => k.Value).Select(k => k.Key)) layer.Text(3, key);
            foreach (var v in _valueList)
            {
                switch (v)
                {
                    case string s:
                        // Value { string_value = 1 } inside Layer.values = 4.
                        var n = Encoding.UTF8.GetByteCount(s);
                        layer.Ensure(n + 16);
                        layer.Byte((4 << 3) | 2);
                        layer.Varint((uint)(1 + Size((uint)n) + n));
                        layer.Byte((1 << 3) | 2);
                        layer.Varint((uint)n);
                        layer.Utf8(s, n);
                        break;
                    case long l:
                        // Value { sint_value = 6 }.
                        var z = (ulong)((l << 1) ^ (l >> 63));
                        var zl = 0;
                        for (var t = z; ; t >>= 7) { zl++; if (t < 0x80) break; }
                        layer.Ensure(16);
                        layer.Byte((4 << 3) | 2);
                        layer.Varint((uint)(1 + zl));
                        layer.Byte((6 << 3) | 0);
                        for (; z >= 0x80; z >>= 7) layer.Byte((int)(z | 0x80) & 0xFF);
                        layer.Byte((int)z);
                        break;
                }
            }
            layer.Ensure(8);
            layer.Byte((5 << 3) | 0);
            layer.Varint(Extent);
            _features.Release();
            tile.Ensure(layer.Length + 16);
            tile.Byte((3 << 3) | 2);
            tile.Varint((uint)layer.Length);
            tile.Raw(layer.Span);
            layer.Release();
        }
    }

    /// <summary>
    /// A growable byte array written front to back (a struct: no interface calls on the hot path), rented from the
    /// shared pool: a tile of 15,000 lamps is 700 kB, and fresh arrays that size land on the large-object heap and
    /// bring on full collections.
    /// </summary>
    internal struct Buffer(int capacity)
    {
        private byte[] _bytes = ArrayPool<byte>.Shared.Rent(capacity);
        private int _length;

        public void Release()
        {
            if (_bytes.Length > 0) ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = [];
            _length = 0;
        }

        public readonly int Length => _length;

        public readonly ReadOnlySpan<byte> Span => _bytes.AsSpan(0, _length);

        public void Ensure(int more)
        {
            if (_length + more <= _bytes.Length) return;
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + more));
            _bytes.AsSpan(0, _length).CopyTo(bigger);
            if (_bytes.Length > 0) ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = bigger;
        }

        public void Byte(int b) => _bytes[_length++] = (byte)b;

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_bytes.AsSpan(_length));
            _length += bytes.Length;
        }

        public void Utf8(string s, int byteCount)
        {
            Encoding.UTF8.GetBytes(s, _bytes.AsSpan(_length, byteCount));
            _length += byteCount;
        }

        /// <summary>A length-delimited UTF-8 string field.</summary>
        public void Text(int field, string s)
        {
            var n = Encoding.UTF8.GetByteCount(s);
            Ensure(n + 16);
            Byte((field << 3) | 2);
            Varint((uint)n);
            Utf8(s, n);
        }

        public void Varint(uint v)
        {
            while (v >= 0x80)
            {
                _bytes[_length++] = (byte)(v | 0x80);
                v >>= 7;
            }
            _bytes[_length++] = (byte)v;
        }
    }

    private static int Size(uint v) => v < 1u << 7 ? 1 : v < 1u << 14 ? 2 : v < 1u << 21 ? 3 : v < 1u << 28 ? 4 : 5;

    private readonly List<Layer> _layers = [];

    public MvtWriter(int z, int x, int y)
    {
        var size = 2 * Half / (1 << z);
        (_minX, _maxY, _scale) = (-Half + x * size, Half - y * size, Extent / size);
    }

    /// <summary>The tile's bounds in lon/lat, widened by <paramref name="buffer"/> pixels of the extent on every side.</summary>
    public static (double West, double South, double East, double North) Bounds(int z, int x, int y, double buffer = 0)
    {
        var size = 2 * Half / (1 << z);
        var pad = size * buffer / Extent;
        var (minX, maxX) = (-Half + x * size - pad, -Half + (x + 1) * size + pad);
        var (maxY, minY) = (Half - y * size + pad, Half - (y + 1) * size - pad);
        static double Lat(double my) => (2 * Math.Atan(Math.Exp(my / EarthRadius)) - Math.PI / 2) * 180 / Math.PI;
        return (minX / EarthRadius * 180 / Math.PI, Lat(minY), maxX / EarthRadius * 180 / Math.PI, Lat(maxY));
    }

    public Layer AddLayer(string name)
    {
        var layer = new Layer(this, name);
        _layers.Add(layer);
        return layer;
    }

    /// <summary>The tile's bytes (layers without features are left out; no layer at all gives an empty array). Once per writer.</summary>
    public byte[] ToArray()
    {
        var tile = new Buffer(64 * 1024);
        foreach (var layer in _layers) layer.WriteTo(ref tile);
        var bytes = tile.Span.ToArray();
        tile.Release();
        return bytes;
    }

    private (int X, int Y) Pixel(double lon, double lat)
    {
        var mx = lon * Math.PI / 180 * EarthRadius;
        var my = Math.Log(Math.Tan(Math.PI / 4 + lat * Math.PI / 360)) * EarthRadius;
        return ((int)Math.Round((mx - _minX) * _scale), (int)Math.Round((_maxY - my) * _scale));
    }

    private static uint Command(int id, int count) => (uint)((id & 0x7) | (count << 3));

    private static uint ZigZag(int n) => (uint)((n << 1) ^ (n >> 31));
}
