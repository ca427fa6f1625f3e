using NetTopologySuite.Geometries;

namespace GridGov.Geo.Grids;

/// <summary>
/// A uniform grid of cells over a known extent, each cell a linked list of item ids, in flat arrays: the spatial
/// hash the snapper and the noder query hundreds of thousands of times (an array index instead of a dictionary
/// lookup per cell). Cells are grown when the extent would need more than a few million of them. Queries outside the
/// extent are clamped to it. Not thread-safe; one per operation.
/// </summary>
internal sealed class CellGrid
{
    private const long MaxCells = 1 << 22;

    private readonly double _minX;
    private readonly double _minY;
    private readonly double _width;
    private readonly double _height;
    private readonly int _cols;
    private readonly int _rows;
    private readonly int[] _head;
    private readonly List<(int Item, int Next)> _entries = [];

    /// <param name="extent">The extent the items lie in (queries are clamped to it).</param>
    /// <param name="width">Cell width (x units).</param>
    /// <param name="height">Cell height (y units).</param>
    public CellGrid(Envelope extent, double width, double height)
    {
        _minX = extent.MinX;
        _minY = extent.MinY;
        double cols = Math.Max(1, Math.Ceiling(extent.Width / width) + 1), rows = Math.Max(1, Math.Ceiling(extent.Height / height) + 1);
        var grow = Math.Max(1, Math.Sqrt(cols * rows / MaxCells));
        (_width, _height) = (width * grow, height * grow);
        _cols = (int)Math.Max(1, Math.Ceiling(extent.Width / _width) + 1);
        _rows = (int)Math.Max(1, Math.Ceiling(extent.Height / _height) + 1);
        _head = new int[_cols * _rows];
        Array.Fill(_head, -1);
    }

    /// <summary>The x of a column's left edge.</summary>
    public double Left(int col) => _minX + col * _width;

    public int Column(double x) => Math.Clamp((int)Math.Floor((x - _minX) / _width), 0, _cols - 1);
    public int Row(double y) => Math.Clamp((int)Math.Floor((y - _minY) / _height), 0, _rows - 1);

    public void Add(int col, int row, int item)
    {
        var cell = row * _cols + col;
        _entries.Add((item, _head[cell]));
        _head[cell] = _entries.Count - 1;
    }

    /// <summary>Adds the item to every cell of the box.</summary>
    public void Add(double minX, double minY, double maxX, double maxY, int item)
    {
        int c0 = Column(minX), c1 = Column(maxX), r0 = Row(minY), r1 = Row(maxY);
        for (var c = c0; c <= c1; c++)
            for (var r = r0; r <= r1; r++)
                Add(c, r, item);
    }

    /// <summary>The items of one cell (an item added to several cells comes once per cell).</summary>
    public CellItems Items(int col, int row) => new(this, _head[row * _cols + col]);

    public readonly struct CellItems(CellGrid grid, int first)
    {
        public Enumerator GetEnumerator() => new(grid, first);

        public struct Enumerator(CellGrid grid, int first)
        {
            private int _next = first;
            public int Current { get; private set; }

            public bool MoveNext()
            {
                if (_next < 0) return false;
                (Current, _next) = grid._entries[_next];
                return true;
            }
        }
    }
}
