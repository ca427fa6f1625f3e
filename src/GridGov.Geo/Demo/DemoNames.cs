namespace GridGov.Geo.Demo;

/// <summary>Name pools for the demo county (fictional).</summary>
internal static class DemoNames
{
    public static readonly string[] Streets = ["西城街道", "城关街道", "贡江街道", "东城街道", "南门街道", "北郊街道"];

    public static readonly string[] Communities =
    [
        "长征社区", "红旗社区", "滨江社区", "文峰社区", "建设社区", "团结社区", "胜利社区", "和平社区",
        "新华社区", "迎宾社区", "龙舌社区", "古田社区", "城东社区", "花园社区", "阳光社区", "沙心社区",
    ];

    public static readonly string[] RoadStems =
    [
        "人民", "解放", "长征", "胜利", "建设", "和平", "文化", "红旗", "新华", "中山", "迎宾", "滨江", "贡江",
        "工业", "繁荣", "振兴", "光明", "幸福", "团结", "育才", "健康", "金山", "银坑", "罗坳", "梓山", "岭背",
        "车溪", "葛坳", "禾丰", "黄麟", "宽田", "新陂", "马安", "段屋", "仙下", "利村", "桥头", "平安", "花园",
        "体育", "学府", "公园", "沿江", "东门", "西门", "南门", "北门", "环城", "站前", "长安",
    ];

    public static readonly string[] Surnames =
    [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林",
        "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "邓", "冯", "韩", "曾", "肖", "钟", "邱", "赖", "温", "廖",
    ];

    public static readonly string[] GivenNames =
    [
        "伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华",
        "建国", "志强", "海燕", "小红", "春生", "桂香", "国华", "文斌", "晓东", "丽萍", "永福", "金凤", "德胜",
        "淑珍", "振华", "玉兰", "建平", "红梅", "卫东", "立新", "冬梅", "新民", "雪梅",
    ];

    /// <summary>Key grid post kinds: duty points at busy places.</summary>
    public static readonly string[] PostKinds =
        ["农贸市场门口", "小学门口", "十字路口", "广场", "汽车站", "医院门口", "商业步行街", "中学门口", "公园入口", "夜市"];

    public static readonly string[] ChineseNumerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
}
