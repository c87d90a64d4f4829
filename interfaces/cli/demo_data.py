"""The demo district's content: XX区's committees, units, people, platforms, matters,
consultations and problem list, as plain tuples. `demo.py` turns them into commands.

Moments are Beijing time in 2026, written "MM-DD HH:MM"; due dates are ISO dates."""

from __future__ import annotations

from typing import NamedTuple

from domain.vocabulary import (
    Category,
    Channel,
    ConsultationForm,
    ExclusionGround,
    ParticipantKind,
    PlatformKind,
    ReportKind,
    Role,
    UnitKind,
)

DISTRICT = "XX区"
RECIPIENT = "中共XX区委、XX区人民政府"

# ---------------------------------------------------------------- reference data

COMMITTEES = (  # key, name
    ("taw", "提案委员会"),
    ("shfz", "社会和法制委员会"),
    ("jjw", "经济委员会"),
    ("rzhj", "人口资源环境委员会"),
)

UNITS = (  # key, name, kind
    ("jtw", "区交通委", UnitKind.DISTRICT_DEPARTMENT),
    ("zjw", "区住建委", UnitKind.DISTRICT_DEPARTMENT),
    ("cgw", "区城管委", UnitKind.DISTRICT_DEPARTMENT),
    ("wjw", "区卫健委", UnitKind.DISTRICT_DEPARTMENT),
    ("mzj", "区民政局", UnitKind.DISTRICT_DEPARTMENT),
    ("swj", "区水务局", UnitKind.DISTRICT_DEPARTMENT),
    ("jxj", "区经济和信息化局", UnitKind.DISTRICT_DEPARTMENT),
    ("jrb", "区金融服务办公室", UnitKind.DISTRICT_DEPARTMENT),
    ("ysz", "永顺镇", UnitKind.TOWN_OR_STREET),
    ("lyz", "梨园镇", UnitKind.TOWN_OR_STREET),
    ("ldy", "永顺镇龙鼎园社区居委会", UnitKind.VILLAGE_OR_COMMUNITY),
    ("dgc", "梨园镇大稿村村委会", UnitKind.VILLAGE_OR_COMMUNITY),
)

PEOPLE = (  # key, name, position
    ("wangli", "王丽", "永顺镇委员工作站专职联络员"),
    ("lijianhua", "李建华", "梨园地区委员活动组联络员"),
    ("zhangxiaoyan", "张晓燕", "经济界别活动组联络员"),
    ("liuyang", "刘洋", "经济界别活动组联络员"),
    ("wuhaitao", "吴海涛", "区政协提案委员会主任"),
    ("hezhenhua", "何振华", "区政协社会和法制委员会主任"),
    ("yangfan", "杨帆", "区政协经济委员会主任"),
    ("zhoumin", "周敏", "区政协人口资源环境委员会主任"),
    ("chenzhigang", "陈志刚", "社会和法制委员会办公室主任(督办负责人)"),
    ("lintao", "林涛", "提案委员会办公室副主任(督办负责人)"),
    ("xuwenjing", "许文静", "人口资源环境委员会办公室主任(督办负责人)"),
    ("denghongwei", "邓宏伟", "经济委员会办公室副主任(督办负责人)"),
    ("zhaoqian", "赵倩", "区政协办公室信息科科长"),
)

PLATFORMS = (  # key, name, kind, hall venue, guiding committee, responsible person
    (
        "ys",
        "永顺镇委员工作站",
        PlatformKind.MEMBER_WORKSTATION,
        "永顺镇政府办公楼三层协商议事厅",
        "shfz",
        "wangli",
    ),
    (
        "ly",
        "梨园地区委员活动组",
        PlatformKind.REGIONAL_GROUP,
        "梨园镇文体中心二层协商议事厅",
        "rzhj",
        "lijianhua",
    ),
    (
        "jj",
        "经济界别活动组",
        PlatformKind.SECTOR_GROUP,
        "区工商联大厦五层协商议事厅",
        "jjw",
        "zhangxiaoyan",
    ),
)

RESPONSIBLE_CHANGES = (  # platform, new person, when, reason
    (
        "jj",
        "liuyang",
        "07-01 10:00",
        "张晓燕同志工作调动,经界别活动组研究,由刘洋同志接任协商议事平台专人负责工作。",
    ),
)

HALL_MOVES = (("ly", "梨园镇市民活动中心一层协商议事厅", "08-14 15:00"),)  # platform, venue, when

# Who acts: key -> (actor id, name, role, key of the scope's id or "")
ACTORS = {
    "admin": ("admin-zhaoqian", "赵倩", Role.ADMIN, ""),
    "staff:ys": ("staff-ys-wangli", "王丽", Role.PLATFORM_STAFF, "platform:ys"),
    "staff:ly": ("staff-ly-lijianhua", "李建华", Role.PLATFORM_STAFF, "platform:ly"),
    "staff:jj": ("staff-jj-zhangxiaoyan", "张晓燕", Role.PLATFORM_STAFF, "platform:jj"),
    "staff:jj2": ("staff-jj-liuyang", "刘洋", Role.PLATFORM_STAFF, "platform:jj"),
    "committee:taw": ("cttee-taw-wuhaitao", "吴海涛", Role.COMMITTEE, "committee:taw"),
    "committee:shfz": ("cttee-shfz-hezhenhua", "何振华", Role.COMMITTEE, "committee:shfz"),
    "committee:jjw": ("cttee-jjw-yangfan", "杨帆", Role.COMMITTEE, "committee:jjw"),
    "committee:rzhj": ("cttee-rzhj-zhoumin", "周敏", Role.COMMITTEE, "committee:rzhj"),
    "unit:jtw": ("unit-jtw-sunpeng", "孙鹏", Role.UNIT, "unit:jtw"),
    "unit:zjw": ("unit-zjw-gaofeng", "高峰", Role.UNIT, "unit:zjw"),
    "unit:cgw": ("unit-cgw-hanxue", "韩雪", Role.UNIT, "unit:cgw"),
    "unit:mzj": ("unit-mzj-fenglijuan", "冯丽娟", Role.UNIT, "unit:mzj"),
    "unit:swj": ("unit-swj-tianye", "田野", Role.UNIT, "unit:swj"),
    "unit:jxj": ("unit-jxj-luoming", "罗明", Role.UNIT, "unit:jxj"),
    "unit:jrb": ("unit-jrb-qianlei", "钱蕾", Role.UNIT, "unit:jrb"),
    "unit:ysz": ("unit-ysz-caolei", "曹磊", Role.UNIT, "unit:ysz"),
    "unit:lyz": ("unit-lyz-songjianjun", "宋建军", Role.UNIT, "unit:lyz"),
    "unit:ldy": ("unit-ldy-qiuhongmei", "邱红梅", Role.UNIT, "unit:ldy"),
    "unit:dgc": ("unit-dgc-kongdeming", "孔德明", Role.UNIT, "unit:dgc"),
    "sys:12345": ("integration-12345", "12345市民服务热线对接", Role.INTEGRATION, ""),
    "sys:app": ("integration-lvzhi-app", "委员履职APP对接", Role.INTEGRATION, ""),
    "sys:wechat": ("integration-wechat", "区政协公众号对接", Role.INTEGRATION, ""),
    "supervisor:chenzhigang": (
        "supervisor-chenzhigang",
        "陈志刚",
        Role.SUPERVISOR,
        "person:chenzhigang",
    ),
    "leader": ("leader-dangzu", "区政协党组领导", Role.LEADER, ""),
    "auditor": ("auditor-jijian", "纪检监察室", Role.AUDITOR, ""),
}

# Who the demo offers a ready token for, one per role: (actor key)
SIGN_INS = (
    "staff:ys",
    "committee:shfz",
    "unit:jtw",
    "supervisor:chenzhigang",
    "leader",
    "auditor",
    "sys:12345",
    "admin",
)

# A platform's designated person acts as its staff: (platform, from when, actor key)
STAFF = (
    ("ys", "03-01 00:00", "staff:ys"),
    ("ly", "03-01 00:00", "staff:ly"),
    ("jj", "03-01 00:00", "staff:jj"),
    ("jj", "07-01 10:00", "staff:jj2"),
)

# ---------------------------------------------------------------- matters and topics


class Matter(NamedTuple):
    """A matter and how far it has come. `fate` names a path in demo.FATES."""

    no: int
    platform: str
    channel: Channel
    category: Category
    proposed: str
    title: str
    content: str
    proposer: tuple[str, str, str]  # name, phone, organisation
    fate: str
    situation: str = ""
    tickets: tuple[str, ...] = ()
    drafted: str = ""


HOTLINE = ("区12345市民服务热线", "", "区政务服务管理局")

MATTERS = (
    Matter(
        1,
        "ys",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "03-05",
        "老旧小区夜间停车难",
        "永顺镇多个老旧小区居民集中反映:小区内车位严重不足,夜间车辆占用消防通道和"
        "绿地停放,因抢车位引发的邻里纠纷频发。",
        HOTLINE,
        "approved",
        "经实地走访核实,涉及龙鼎园、西马庄等4个小区约2600户,现有车位约800个,"
        "夜间停放需求约1500辆;周边学校、商场停车场夜间大量闲置。",
        ("GD2026030200311", "GD2026030300872", "GD2026030401457"),
        "关于破解老旧小区夜间停车难的协商",
    ),
    Matter(
        2,
        "ys",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "03-09",
        "老旧小区加装电梯推进缓慢",
        "居民反映小区多为六层无电梯楼房,老年人上下楼困难;加装电梯因低层住户意见不一、"
        "费用分摊等问题推进缓慢。",
        ("刘桂兰", "13900000102", "永顺镇龙鼎园社区"),
        "approved",
        "辖区符合加装条件的楼门共126个,已加装9部;主要障碍为一层住户反对和管线改移费用高。",
        drafted="关于加快老旧小区加装电梯的协商",
    ),
    Matter(
        3,
        "ly",
        Channel.CPPCC_MEMBER,
        Category.GOVERNANCE,
        "03-12",
        "农村生活污水处理设施运维不到位",
        "部分村已建成的污水处理站运行不稳定,管网破损、运维经费不足,雨季存在污水外溢现象。",
        ("马卫东", "13900000103", "区政协委员、区水务规划设计院"),
        "approved",
        "梨园镇12个村中有5个村的处理站运行负荷不足50%,运维由镇统一委托,年度经费缺口约80万元。",
        drafted="关于提升农村生活污水处理设施运维水平的协商",
    ),
    Matter(
        4,
        "jj",
        Channel.ENTERPRISE,
        Category.POLICY,
        "03-16",
        "科技型中小企业融资难融资贵",
        "园区科技型中小企业反映:轻资产企业缺少抵押物,银行贷款审批周期长、综合融资成本高。",
        ("孙立强", "13900000104", "北京智联精工科技有限公司"),
        "approved",
        "走访园区企业23家,其中15家反映融资难;区内已有知识产权质押贷款政策,但企业知晓率不高。",
        drafted="关于缓解科技型中小企业融资难融资贵的协商",
    ),
    Matter(
        5,
        "ys",
        Channel.DEPARTMENT,
        Category.POLICY,
        "03-19",
        "副中心重点工程夜间施工扰民",
        "区住建委反映:副中心重点工程夜间施工引发周边居民投诉较多,需在保障工期与减少扰民"
        "之间加强沟通协调。",
        ("高峰", "13900000105", "区住建委"),
        "reapproved",
        "宋梁路沿线3个在建项目一季度夜间施工投诉共47件,集中在22时至次日2时的混凝土浇筑作业。",
    ),
    Matter(
        6,
        "ly",
        Channel.MASSES,
        Category.GOVERNANCE,
        "03-23",
        "背街小巷环境脏乱、垃圾清运不及时",
        "群众反映梨园地区部分背街小巷垃圾堆放、私搭乱建、车辆乱停,垃圾清运每日仅一次。",
        ("郭长顺", "13900000106", "梨园镇大稿村"),
        "approved",
        "梳理出环境问题较突出的背街小巷17条,涉及3个村2个社区,清运由镇环卫所负责。",
        drafted="关于背街小巷环境精细化治理的协商",
    ),
    Matter(
        7,
        "ly",
        Channel.HOTLINE_12345,
        Category.LIVELIHOOD,
        "03-26",
        "村内道路破损、路灯不亮",
        "12345热线多次接到反映,村内主干道路面破损坑洼,部分路灯损坏,夜间出行不便。",
        HOTLINE,
        "approved",
        "涉及3个村约4.2公里道路,损坏路灯61盏,道路产权和管护责任分属镇、村两级。",
        ("GD2026032100518", "GD2026032400933"),
    ),
    Matter(
        8,
        "jj",
        Channel.CPPCC_MEMBER,
        Category.POLICY,
        "03-30",
        "推动数字经济企业向副中心集聚",
        "建议围绕副中心功能定位,完善数字经济产业政策,吸引数字经济企业落户。",
        ("韦东升", "13900000108", "区政协委员、区工商联副主席"),
        "approved",
        "区内现有数字经济企业312家,2025年新落户41家,企业反映办公空间和人才政策吸引力不足。",
    ),
    Matter(
        9,
        "ys",
        Channel.ONLINE,
        Category.LIVELIHOOD,
        "04-02",
        "便民菜站撤并后居民买菜不便",
        "网友通过公众号留言:小区附近便民菜站撤并后,最近的菜市场步行需二十分钟,老年人买菜不便。",
        ("网友“运河边的老街坊”", "", "区政协公众号"),
        "approved",
        "核实永顺镇近两年撤并便民菜站4处,影响居民约5000户,现有流动售菜车覆盖不足。",
    ),
    Matter(
        10,
        "ly",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "04-06",
        "要求对自建彩钢房给予拆迁补偿",
        "村民要求将院内自建彩钢房纳入征收补偿范围。",
        ("黄某某", "13900000110", "梨园镇某村"),
        "excluded",
    ),
    Matter(
        11,
        "jj",
        Channel.ENTERPRISE,
        Category.GOVERNANCE,
        "04-09",
        "物流园区大货车夜间穿村行驶",
        "物流企业与周边村民均反映:大货车夜间穿村行驶噪声大、安全隐患多,缺少绕行通道。",
        ("唐振宇", "13900000111", "通达物流园区管理有限公司"),
        "approved",
        "每晚约300车次穿越两个村庄主路,规划中的园区绕行道路尚未打通。",
    ),
    Matter(
        12,
        "ys",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "04-13",
        "社区卫生服务站开药种类少",
        "居民反映社区卫生服务站常用慢病药品种类少,经常需到二级医院开药。",
        ("邓淑芬", "13900000112", "永顺镇西马庄社区"),
        "approved",
        "辖区3个社区卫生服务站可配备药品约320种,与二级医院慢病目录衔接不够。",
    ),
    Matter(
        13,
        "ly",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "04-16",
        "河道沿线违规垂钓、野泳安全隐患",
        "夏季河道沿线违规垂钓、野泳现象多发,存在溺水等安全隐患,劝阻难度大。",
        HOTLINE,
        "approved",
        "萧太后河梨园段约6公里,去年夏季劝阻违规野泳、垂钓300余人次,警示设施不足。",
        ("GD2026041000275", "GD2026041200649", "GD2026041501127"),
    ),
    Matter(
        14,
        "jj",
        Channel.DEPARTMENT,
        Category.POLICY,
        "04-20",
        "园区企业职工通勤公交线路不足",
        "区经信局反映:园区入驻企业增多,职工早晚高峰通勤公交线路少、班次间隔长。",
        ("罗明", "13900000114", "区经济和信息化局"),
        "approved",
        "园区就业人员约1.8万人,直达公交线路仅2条,高峰发车间隔20分钟以上。",
        drafted="关于改善园区企业职工通勤出行的协商",
    ),
    Matter(
        15,
        "ys",
        Channel.ONLINE,
        Category.POLICY,
        "04-23",
        "询问某管理区周边地块规划调整细节",
        "网友要求公开某管理区周边地块规划调整的具体内容。",
        ("网友“城东观察者”", "", "委员履职APP"),
        "excluded",
    ),
    Matter(
        16,
        "ly",
        Channel.CPPCC_MEMBER,
        Category.LIVELIHOOD,
        "04-27",
        "社区养老驿站服务供给不足",
        "部分养老驿站服务项目单一、专业人员缺乏,助餐、助浴等服务难以满足老年人需求。",
        ("贾秀英", "13900000116", "区政协委员、区第二人民医院"),
        "approved",
        "梨园地区现有养老驿站9家,其中3家运营困难,60岁以上户籍老人约2.1万人。",
        drafted="关于提升社区养老驿站服务能力的协商",
    ),
    Matter(
        17,
        "ys",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "04-30",
        "小区周边共享单车乱停乱放",
        "地铁站和小区出入口共享单车堆积,占用盲道和消防通道,清运不及时。",
        HOTLINE,
        "approved",
        "高峰时段地铁站周边单车堆积约1200辆,运营企业调度人员不足。",
        ("GD2026042600184", "GD2026042800762"),
    ),
    Matter(
        18,
        "jj",
        Channel.ENTERPRISE,
        Category.POLICY,
        "05-06",
        "企业用工招聘难、技能人才短缺",
        "制造业企业反映一线技能工人招聘难、流失率高,缺少校企合作渠道。",
        ("蒋文华", "13900000118", "北京恒远精密制造有限公司"),
        "returned",
        "走访企业18家,技能岗位缺口约650人,涉及数控、电工、焊接等工种。",
    ),
    Matter(
        19,
        "ys",
        Channel.CPPCC_MEMBER,
        Category.LIVELIHOOD,
        "05-11",
        "中小学周边上下学时段交通拥堵",
        "学校周边上下学时段接送车辆集中停放,道路拥堵,学生安全存在隐患。",
        ("钱永刚", "13900000119", "区政协委员、区交通规划研究所"),
        "approved",
        "永顺镇辖区5所中小学周边道路高峰时段平均车速不足每小时10公里,临时停车位缺乏。",
        drafted="关于缓解中小学周边上下学时段交通拥堵的协商",
    ),
    Matter(
        20,
        "ly",
        Channel.MASSES,
        Category.GOVERNANCE,
        "05-14",
        "小区物业费收缴纠纷",
        "业主反映物业服务质量差,拒交物业费后被物业公司起诉。",
        ("许某", "13900000120", "梨园镇某小区"),
        "excluded_verified",
        "核实该小区业主与物业公司的物业服务合同纠纷已由区人民法院立案受理。",
    ),
    Matter(
        21,
        "ys",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "05-18",
        "公交线路调整后换乘不便",
        "多名居民反映公交线路调整后,去区医院需换乘两次,老年人出行不便。",
        ("冯建国", "13900000121", "永顺镇北关社区"),
        "reversed",
        "线路调整影响沿线6个社区约1.2万居民,日均换乘客流约900人次。",
    ),
    Matter(
        22,
        "jj",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "05-21",
        "餐饮商户油烟扰民",
        "商务区底商餐饮油烟直排,楼上居民和写字楼租户投诉较多。",
        HOTLINE,
        "approved",
        "涉及餐饮商户27家,其中9家油烟净化设施未正常运行。",
        ("GD2026051600356", "GD2026051900418", "GD2026052000931"),
    ),
    Matter(
        23,
        "ly",
        Channel.DEPARTMENT,
        Category.POLICY,
        "05-25",
        "农村集体经营性建设用地入市政策宣传",
        "梨园镇政府提出:村民对集体经营性建设用地入市政策了解不多,需开展政策宣讲和协商。",
        ("宋建军", "13900000123", "梨园镇"),
        "approved",
        "镇内拟入市地块4宗,涉及3个村集体经济组织,村民代表会议尚未充分讨论。",
    ),
    Matter(
        24,
        "ys",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "05-28",
        "拆迁安置补偿标准争议",
        "村民对拆迁安置补偿标准有异议,要求重新核定。",
        ("周某", "13900000124", "永顺镇某村"),
        "excluded_verified",
        "该事项已作为信访事项于2026年4月交办永顺镇政府办理,目前在办理期限内。",
    ),
    Matter(
        25,
        "jj",
        Channel.CPPCC_MEMBER,
        Category.POLICY,
        "06-01",
        "优化中小微企业政务服务“一件事”办理",
        "建议梳理企业开办、变更、注销等高频事项,推行“一件事”集成办理。",
        ("韦东升", "13900000108", "区政协委员、区工商联副主席"),
        "reapproved",
        "区政务服务中心企业类高频事项36项,已实现“一件事”办理的8项。",
    ),
    Matter(
        26,
        "ly",
        Channel.HOTLINE_12345,
        Category.LIVELIHOOD,
        "06-04",
        "农村公厕管护不到位",
        "部分村公厕保洁不及时、设施损坏,夏季异味大。",
        HOTLINE,
        "approved",
        "梨园镇农村公厕共46座,其中11座存在设施损坏,管护人员多为兼职。",
        ("GD2026053000214", "GD2026060200587"),
    ),
    Matter(
        27,
        "ys",
        Channel.ONLINE,
        Category.GOVERNANCE,
        "06-08",
        "实名反映某单位工作人员问题",
        "网友实名反映某单位工作人员的问题。",
        ("(实名举报人)", "", "委员履职APP"),
        "excluded",
    ),
    Matter(
        28,
        "jj",
        Channel.ENTERPRISE,
        Category.LIVELIHOOD,
        "06-11",
        "园区周边缺少职工餐饮和便利店",
        "园区企业职工反映周边餐饮网点和便利店少,午餐时段排队时间长。",
        ("何丽萍", "13900000128", "北京云启软件有限公司"),
        "approved",
        "园区周边1公里范围内餐饮网点仅12家,职工食堂覆盖约三成企业。",
    ),
    Matter(
        29,
        "ys",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "06-15",
        "小区违规饲养犬只扰民",
        "小区内犬只未拴绳、夜间吠叫、随地便溺问题突出,居民投诉多。",
        HOTLINE,
        "approved",
        "涉及5个小区,近半年相关投诉63件,未登记犬只比例较高。",
        ("GD2026061000422", "GD2026061300857"),
    ),
    Matter(
        30,
        "ly",
        Channel.MASSES,
        Category.GOVERNANCE,
        "06-18",
        "反映某村集体资产处置问题",
        "群众反映某村集体资产处置问题。",
        ("(来访群众)", "", "梨园镇某村"),
        "excluded_verified",
        "经了解,相关问题线索已由纪检监察机关受理,正在审查调查。",
    ),
    Matter(
        31,
        "ly",
        Channel.ONLINE,
        Category.LIVELIHOOD,
        "06-22",
        "农贸市场环境脏乱、秩序差",
        "网友反映梨园农贸市场地面湿滑、垃圾堆积,占道经营严重。",
        ("网友“梨园买菜人”", "", "区政协公众号"),
        "approved",
        "该市场建于2006年,摊位约260个,排水和通风设施老化,周边占道摊点30余处。",
        drafted="关于梨园农贸市场环境秩序提升的协商",
    ),
    Matter(
        32,
        "jj",
        Channel.DEPARTMENT,
        Category.POLICY,
        "06-25",
        "培育运河沿线夜间消费新场景",
        "区商务局提出:结合大运河文化带建设,培育夜间消费场景,促进文旅商融合发展。",
        ("孟庆华", "13900000132", "区商务局"),
        "approved",
        "运河商务区现有夜间营业商户约180家,22时后客流明显下降,配套交通和停车不足。",
        drafted="关于培育运河沿线夜间消费新场景的协商",
    ),
    Matter(
        33,
        "ys",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "06-29",
        "本人退休待遇核定",
        "群众对本人退休待遇核定结果有异议。",
        ("吴某", "13900000133", "永顺镇"),
        "excluded_verified",
        "区人力社保局已于2026年3月就该群众退休待遇核定问题作出书面答复。",
    ),
    Matter(
        34,
        "jj",
        Channel.ENTERPRISE,
        Category.GOVERNANCE,
        "07-02",
        "要求协调两家企业间货款结算",
        "企业要求政协出面协调其与另一家企业之间的货款结算价格。",
        ("某贸易公司负责人", "13900000134", "某贸易有限公司"),
        "excluded",
    ),
    Matter(
        35,
        "ys",
        Channel.ONLINE,
        Category.LIVELIHOOD,
        "07-06",
        "老年人就医预约、线上缴费难",
        "网友反映医院推行线上预约和缴费后,不会使用智能手机的老年人就医困难。",
        ("网友“孝顺的女儿”", "", "委员履职APP"),
        "approved",
        "区属3家医院线上预约占比已超过80%,人工窗口和志愿服务力量不足。",
    ),
    Matter(
        36,
        "ly",
        Channel.CPPCC_MEMBER,
        Category.GOVERNANCE,
        "07-09",
        "流动人口集中居住区安全隐患",
        "城乡结合部流动人口集中居住区存在群租、私拉电线等安全隐患。",
        ("梁志远", "13900000136", "区政协委员、区消防救援支队"),
        "approved",
        "梳理出流动人口集中居住院落42处,今年以来排查整改隐患180余处。",
    ),
    Matter(
        37,
        "jj",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "07-13",
        "写字楼周边停车收费不规范",
        "写字楼周边道路停车收费标准不明示、重复收费,企业职工反映强烈。",
        HOTLINE,
        "approved",
        "涉及商务区道路停车泊位约900个,由2家企业运营,收费公示不规范。",
        ("GD2026070800163", "GD2026071000745"),
    ),
    Matter(
        38,
        "ys",
        Channel.DEPARTMENT,
        Category.POLICY,
        "07-20",
        "垃圾分类桶站精细化管理",
        "区城管委提出:部分小区垃圾分类桶站设置不合理、值守不到位,需听取居民意见优化。",
        ("韩雪", "13900000138", "区城管委"),
        "approved",
        "永顺镇小区垃圾桶站共386处,居民对桶站位置和开放时间意见较多的约60处。",
    ),
    Matter(
        39,
        "ly",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "07-27",
        "村民健身场地器材老化",
        "村民反映村内健身器材老化损坏,缺少适合老年人和儿童的活动场地。",
        ("林秀珍", "13900000139", "梨园镇大稿村"),
        "approved",
        "梨园镇村级健身场地38处,器材超过使用年限的21处。",
    ),
    Matter(
        40,
        "jj",
        Channel.CPPCC_MEMBER,
        Category.POLICY,
        "08-03",
        "支持老字号企业创新发展",
        "建议加大对区内老字号企业的扶持力度,推动老字号与运河文化、文创产品融合。",
        ("韦东升", "13900000108", "区政协委员、区工商联副主席"),
        "approved",
        "区内有中华老字号和北京老字号企业7家,多数面临品牌老化和传承人才不足问题。",
    ),
    Matter(
        41,
        "ys",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "08-10",
        "电动自行车楼道充电安全隐患",
        "居民将电动自行车推入楼道、飞线充电现象普遍,存在火灾隐患。",
        HOTLINE,
        "approved",
        "辖区老旧小区集中充电设施覆盖率不足40%,今年已发生电动自行车火情2起。",
        ("GD2026080500219", "GD2026080700664", "GD2026080901083"),
    ),
    Matter(
        42,
        "ly",
        Channel.ENTERPRISE,
        Category.LIVELIHOOD,
        "08-17",
        "农村寄递物流末端网点不足",
        "快递企业反映农村地区末端网点少、配送成本高,村民取件需到镇上。",
        ("邵海军", "13900000142", "北京速达快递梨园营业部"),
        "approved",
        "梨园镇31个村中有13个村无快递末端服务点。",
    ),
    Matter(
        43,
        "ys",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "08-24",
        "社区普惠托育服务缺口",
        "年轻家长反映社区缺少普惠性托育机构,3岁以下婴幼儿入托难、费用高。",
        ("杨晨", "13900000143", "永顺镇新华联社区"),
        "approved",
        "永顺镇现有托育机构4家,普惠性托位仅120个,需求调查显示意向入托约600人。",
    ),
    Matter(
        44,
        "jj",
        Channel.ONLINE,
        Category.GOVERNANCE,
        "08-31",
        "商务楼宇外卖骑手进出管理",
        "网友反映商务楼宇禁止外卖骑手进入,取餐点混乱,骑手与物业冲突时有发生。",
        ("网友“骑手小王”", "", "区政协公众号"),
        "returned",
        "商务区楼宇32栋,设置统一取餐点的仅9栋。",
    ),
    Matter(
        45,
        "ly",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "09-07",
        "雨季村庄道路积水",
        "汛期多个村庄主要道路积水严重,排水设施不足,影响村民出行。",
        HOTLINE,
        "approved",
        "今年汛期梨园镇易积水点位14处,其中9处位于村庄主路,排水管网未与市政管网连通。",
        ("GD2026080100342", "GD2026080100519", "GD2026090300228"),
    ),
    Matter(
        46,
        "ys",
        Channel.CPPCC_MEMBER,
        Category.POLICY,
        "09-14",
        "副中心站综合交通枢纽周边配套",
        "建议提前谋划副中心站综合交通枢纽周边的公交接驳、慢行系统和商业配套。",
        ("钱永刚", "13900000119", "区政协委员、区交通规划研究所"),
        "approved",
        "枢纽预计开通后日均客流约30万人次,周边接驳公交规划线路尚未确定。",
    ),
    Matter(
        47,
        "jj",
        Channel.DEPARTMENT,
        Category.POLICY,
        "09-21",
        "运河商务区企业人才公寓配套",
        "区人力社保局提出:运河商务区企业引进人才反映租房难,人才公寓供给不足。",
        ("谢红", "13900000147", "区人力社保局"),
        "approved",
        "商务区企业引进人才约2400人,现有人才公寓房源仅380套。",
    ),
    Matter(
        48,
        "ly",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "09-28",
        "冬季农村“煤改电”设备维修难",
        "村民反映“煤改电”空气源热泵设备出现故障后报修难、维修周期长。",
        ("潘德胜", "13900000148", "梨园镇张家湾村"),
        "resubmitted",
        "梨园镇“煤改电”用户约6800户,设备已过质保期的约四成,维修由厂家售后负责。",
    ),
    Matter(
        49,
        "ys",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "10-09",
        "小区快递柜收费与投递不规范",
        "居民反映快递员未经同意将快件投入快递柜,超时取件收取保管费。",
        HOTLINE,
        "submitted",
        "涉及小区快递柜运营企业2家,近三个月相关投诉41件。",
        ("GD2026100500117", "GD2026100800603"),
    ),
    Matter(
        50,
        "jj",
        Channel.ENTERPRISE,
        Category.POLICY,
        "10-16",
        "小微企业首贷续贷支持",
        "小微企业反映首次贷款难、续贷时需先还后贷,资金周转压力大。",
        ("孙立强", "13900000104", "北京智联精工科技有限公司"),
        "submitted",
        "走访小微企业20家,12家有续贷需求,其中7家反映过桥资金成本高。",
    ),
    Matter(
        51,
        "ly",
        Channel.ONLINE,
        Category.LIVELIHOOD,
        "10-23",
        "社区老年助餐点覆盖不足",
        "网友反映老年助餐点少、菜品单一,高龄独居老人吃饭难。",
        ("网友“梨园小棉袄”", "", "委员履职APP"),
        "submitted",
        "梨园地区老年助餐点7个,覆盖社区(村)不足三成,日均就餐约420人次。",
    ),
    Matter(
        52,
        "ys",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "10-30",
        "冬季供暖温度不达标",
        "部分老旧小区居民反映供暖初期室温不足18℃,供热单位处理不及时。",
        ("赵国庆", "13900000152", "永顺镇西马庄小区"),
        "verified",
        "涉及2个小区约900户,供热管网建于2003年,部分楼栋存在水力失调。",
    ),
    Matter(
        53,
        "jj",
        Channel.CPPCC_MEMBER,
        Category.POLICY,
        "11-04",
        "推进园区充电基础设施建设",
        "建议加快园区公共充电桩建设,满足企业新能源车辆和职工充电需求。",
        ("韦东升", "13900000108", "区政协委员、区工商联副主席"),
        "verified",
        "园区现有公共充电桩86个,新能源车保有量约1500辆,高峰时段排队明显。",
    ),
    Matter(
        54,
        "ly",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "11-10",
        "村内私搭乱建侵占公共空间",
        "村民反映村内有私搭乱建侵占街巷和公共空地,影响消防通道畅通。",
        HOTLINE,
        "verified",
        "排查发现侵占街巷公共空间的临时搭建23处,集中在2个村。",
        ("GD2026110500301", "GD2026110700774"),
    ),
    Matter(
        55,
        "ys",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "11-13",
        "社区无障碍设施缺失",
        "残疾人和老年人反映社区出入口台阶多、缺少坡道和扶手。",
        ("陶丽", "13900000155", "永顺镇龙鼎园社区"),
        "proposed",
    ),
    Matter(
        56,
        "ly",
        Channel.ONLINE,
        Category.LIVELIHOOD,
        "11-17",
        "乡村学校学生上下学接送难",
        "网友反映村里孩子到镇中心小学上学路途远,缺少校车,家长接送困难。",
        ("网友“张家湾宝妈”", "", "区政协公众号"),
        "proposed",
    ),
    Matter(
        57,
        "jj",
        Channel.ENTERPRISE,
        Category.GOVERNANCE,
        "11-19",
        "园区内道路货车乱停",
        "企业反映园区内部道路货车长时间停放,影响通行和消防安全。",
        ("唐振宇", "13900000111", "通达物流园区管理有限公司"),
        "proposed",
    ),
    Matter(
        58,
        "ys",
        Channel.HOTLINE_12345,
        Category.GOVERNANCE,
        "11-23",
        "老旧小区雨污管网堵塞",
        "老旧小区雨污管网老化,污水反冒,入冬前需集中疏通改造。",
        HOTLINE,
        "proposed",
        tickets=("GD2026111800412", "GD2026112000958", "GD2026112100136"),
    ),
    Matter(
        59,
        "ly",
        Channel.MASSES,
        Category.LIVELIHOOD,
        "11-24",
        "村卫生室服务时间短",
        "村民反映村卫生室只在上午开诊,下午和周末看病需到镇卫生院。",
        ("郑秀兰", "13900000159", "梨园镇大稿村"),
        "proposed",
    ),
)

EXCLUSIONS = {  # matter no -> ground, explanation
    10: (
        ExclusionGround.UNLAWFUL,
        "所涉彩钢房为未取得规划许可的违法建设,补偿诉求与《中华人民共和国城乡规划法》相抵触。",
    ),
    15: (
        ExclusionGround.CONFIDENTIAL,
        "所询地块涉及军事设施保护范围,相关规划信息依法不予公开。",
    ),
    20: (
        ExclusionGround.LITIGATION,
        "该物业服务合同纠纷已由区人民法院立案受理,应通过司法程序解决。",
    ),
    21: (
        ExclusionGround.PETITION,
        "经初步比对,该事项与已交办永顺镇的信访件内容相同。",
    ),
    24: (
        ExclusionGround.PETITION,
        "该事项已作为信访事项交办永顺镇政府,正在办理期限内。",
    ),
    27: (
        ExclusionGround.REAL_NAME_REPORT,
        "属实名举报事项,已按程序转交有关部门处理。",
    ),
    30: (
        ExclusionGround.DISCIPLINE_INVESTIGATION,
        "相关问题线索纪检监察机关正在审查调查。",
    ),
    33: (
        ExclusionGround.PERSONAL_MATTER_ANSWERED,
        "区人力社保局已作出书面答复,当事人如有异议可依法申请复核。",
    ),
    34: (
        ExclusionGround.OTHER,
        "属市场主体之间的商业结算纠纷,应通过协商、调解或诉讼等法律途径解决,"
        "不宜作为协商议题。已告知企业可向区工商联商会调解委员会申请调解。",
    ),
}

REVERSALS = {  # matter no -> reason
    21: "经复查,该事项系沿线多个社区群众反映的公交线路共性问题,与已交办信访件并非同一事项,"
    "原“已交办的信访事项”认定有误,撤销不纳入决定,恢复办理。",
}

RETURNS = {  # matter no -> reason, redrafted title ("" = not resubmitted)
    5: (
        "议题过宽,请聚焦具体工地和具体时段,补充周边居民诉求情况后再报。",
        "关于减少宋梁路沿线重点工程夜间施工扰民的协商",
    ),
    18: (
        "议题涉及面较广,建议先会同区人力社保局调研,聚焦一两个重点行业后再报。",
        "",
    ),
    25: (
        "请补充企业办事堵点的具体清单和区政务服务中心的意见。",
        "关于推行企业开办注销“一件事”集成办理的协商",
    ),
    44: (
        "议题与区商务局正在开展的商务楼宇服务提升专项重复,建议待专项评估后再研究。",
        "",
    ),
    48: (
        "请补充厂家售后服务合同约定情况和镇政府已采取的措施。",
        "关于完善农村“煤改电”设备运维服务的协商",
    ),
}

APPROVALS = (
    "议题切口小、群众关注度高,符合协商范围,同意确定为协商议题。",
    "事项经平台核实,情况清楚,具备协商条件,同意确定。",
    "属区委区政府重点工作,协商有利于推动落实,同意确定。",
    "反映问题具有普遍性,同意确定,请做好调研准备。",
)

RESEARCH = (  # matter no, when, findings
    (
        1,
        "04-28 10:00",
        "走访龙鼎园、西马庄等4个小区和周边2所学校、1家商场,初步确认夜间可共享车位约420个。",
    ),
    (
        3,
        "05-20 09:30",
        "实地查看大稿村等5个村污水处理站,3座设备停运,管网破损点位12处。",
    ),
    (
        4,
        "05-28 14:00",
        "召开银企座谈会,6家银行介绍科技贷产品,企业反映评估费、担保费占融资成本三成以上。",
    ),
    (
        2,
        "06-20 10:00",
        "入户走访低层住户32户,梳理反对原因为采光、噪声和出行影响三类。",
    ),
    (
        6,
        "07-06 09:00",
        "对17条背街小巷逐条踏勘,建立问题台账,明确责任主体。",
    ),
    (
        14,
        "08-26 16:00",
        "发放职工通勤问卷1260份,七成职工希望开通至副中心站的通勤快线。",
    ),
    (
        16,
        "09-25 09:30",
        "走访9家养老驿站和2家社区卫生服务中心,了解医养结合签约和运营补贴情况。",
    ),
    (
        19,
        "09-02 07:30",
        "早高峰在5所学校门口实地观测,记录接送车辆停放和通行情况。",
    ),
    (
        31,
        "10-28 08:00",
        "会同市场管理方检查排水、通风设施,统计占道摊点34处。",
    ),
    (
        32,
        "11-12 20:00",
        "夜间走访运河商务区商户和游客,了解营业时间、客流和交通接驳需求。",
    ),
)

# ---------------------------------------------------------------- consultations


class Held(NamedTuple):
    at: str
    attendees: tuple[int, ...]  # indexes into the meeting's participants
    record: str
    opinions: tuple[str, ...]
    suggestions: tuple[str, ...]


class Reporting(NamedTuple):
    at: str
    kind: ReportKind
    reference: str
    summary: str


class Opinion(NamedTuple):
    at: str
    via: str  # actor key of the channel: sys:app or sys:wechat
    author: str
    content: str


class Meeting(NamedTuple):
    key: str
    form: ConsultationForm
    platform: str
    scheduled: str
    starts: str
    topic: int | None = None
    theme: str = ""
    closes: str = ""
    venue: str = ""
    participants: tuple[tuple[ParticipantKind, str, str], ...] = ()
    notified: str = ""
    notice: str = ""
    held: Held | None = None
    reports: tuple[Reporting, ...] = ()
    cancelled: tuple[str, str] | None = None  # when, reason
    opinions: tuple[Opinion, ...] = ()


MASSES = ParticipantKind.MASSES_OR_ENTERPRISE
MEMBER = ParticipantKind.CPPCC_MEMBER
HEAD = ParticipantKind.PLATFORM_HEAD
DEPT = ParticipantKind.DISTRICT_DEPARTMENT
TOWN = ParticipantKind.TOWN_OR_STREET
VILLAGE = ParticipantKind.VILLAGE_OR_COMMUNITY

MEETINGS = (
    Meeting(
        "c01",
        ConsultationForm.SUGGESTION,
        "ys",
        "04-20 10:00",
        "05-12 14:30",
        topic=1,
        participants=(
            (MASSES, "刘桂兰", "龙鼎园社区居民代表"),
            (MASSES, "赵国庆", "西马庄小区业主代表"),
            (MEMBER, "钱永刚", "区政协委员、区交通规划研究所"),
            (HEAD, "王丽", "永顺镇委员工作站"),
            (DEPT, "孙鹏", "区交通委"),
            (TOWN, "曹磊", "永顺镇"),
            (VILLAGE, "邱红梅", "龙鼎园社区居委会"),
        ),
        notified="04-28 16:00",
        notice="定于5月12日14:30在永顺镇协商议事厅就老旧小区夜间停车难问题开展建言献策活动,"
        "请准时参加。",
        held=Held(
            "05-12 14:30",
            (0, 1, 2, 3, 4, 5, 6),
            "区交通委介绍了永顺镇停车设施规划和错时共享停车试点情况;居民代表反映夜间车辆"
            "占用消防通道问题突出;委员建议整合周边单位停车资源。",
            (
                "居民普遍支持利用周边单位停车场夜间错时开放。",
                "社区建议由物业统一管理共享车位,防止白天被长期占用。",
            ),
            (
                "推动周边学校、商场停车场夜间错时向居民开放",
                "在小区周边道路施划夜间限时停车泊位",
                "将老旧小区停车设施改造纳入区老旧小区综合整治计划",
            ),
        ),
        reports=(
            Reporting(
                "05-20 10:00",
                ReportKind.PROPOSAL,
                "区政协提案〔2026〕第031号",
                "关于推进老旧小区错时共享停车、缓解夜间停车难的提案。",
            ),
        ),
    ),
    Meeting(
        "c02",
        ConsultationForm.RESEARCH,
        "ly",
        "05-10 09:00",
        "06-05 09:30",
        topic=3,
        venue="梨园镇大稿村村委会会议室",
        participants=(
            (MEMBER, "马卫东", "区政协委员、区水务规划设计院"),
            (MEMBER, "贾秀英", "区政协委员、区第二人民医院"),
            (HEAD, "李建华", "梨园地区委员活动组"),
            (DEPT, "田野", "区水务局"),
            (TOWN, "宋建军", "梨园镇"),
            (VILLAGE, "孔德明", "大稿村村委会"),
            (MASSES, "郭长顺", "大稿村村民代表"),
        ),
        notified="05-25 10:00",
        notice="定于6月5日9:30赴大稿村开展农村生活污水处理设施运维专题调研协商,请准时参加。",
        held=Held(
            "06-05 09:30",
            (0, 1, 2, 3, 4, 5, 6),
            "区水务局通报了全区农村污水处理设施运行情况;镇政府介绍运维委托和经费情况;"
            "委员围绕运维机制提出意见。",
            ("运维经费应纳入区级财政统筹保障。",),
            (
                "将村级污水处理站运维经费纳入区级财政统筹保障",
                "建立污水管网定期巡检和破损快速修复机制",
            ),
        ),
        reports=(
            Reporting(
                "06-12 15:00",
                ReportKind.PUBLIC_OPINION,
                "社情民意信息2026年第18期",
                "关于加强农村生活污水处理设施运维保障的建议。",
            ),
        ),
    ),
    Meeting(
        "c03",
        ConsultationForm.SUGGESTION,
        "jj",
        "05-15 11:00",
        "06-18 14:00",
        topic=4,
        participants=(
            (MASSES, "孙立强", "北京智联精工科技有限公司"),
            (MASSES, "何丽萍", "北京云启软件有限公司"),
            (MEMBER, "韦东升", "区政协委员、区工商联副主席"),
            (MEMBER, "沈佳", "区政协委员、某银行XX支行"),
            (HEAD, "张晓燕", "经济界别活动组"),
            (DEPT, "钱蕾", "区金融服务办公室"),
        ),
        notified="06-08 10:00",
        notice="定于6月18日14:00在区工商联大厦协商议事厅召开科技型中小企业融资问题建言献策会。",
        held=Held(
            "06-18 14:00",
            (0, 1, 2, 3, 4, 5),
            "区金融办解读了知识产权质押融资、贷款贴息等政策;企业代表反映评估担保成本高;"
            "银行界委员介绍了信用贷款产品。",
            ("政策宣传应直达企业。", "建议银行简化科技型企业授信流程。"),
            (
                "建立科技型中小企业“白名单”并定期向合作银行推送",
                "扩大知识产权质押融资风险补偿资金池规模",
            ),
        ),
        reports=(
            Reporting(
                "06-28 10:00",
                ReportKind.PROPOSAL,
                "区政协提案〔2026〕第047号",
                "关于完善科技型中小企业融资服务体系的提案。",
            ),
        ),
    ),
    Meeting(
        "c04",
        ConsultationForm.BRIEFING,
        "ys",
        "04-08 09:00",
        "04-24 09:30",
        theme="城市副中心建设最新进展通报会",
        participants=(
            (MASSES, "刘桂兰", "龙鼎园社区居民代表"),
            (MASSES, "冯建国", "北关社区居民代表"),
            (MEMBER, "钱永刚", "区政协委员、区交通规划研究所"),
            (HEAD, "王丽", "永顺镇委员工作站"),
            (DEPT, "区发展改革委", "区发展改革委"),
        ),
        notified="04-15 10:00",
        notice="定于4月24日9:30举办城市副中心建设最新进展通报会,欢迎居民代表参加。",
        held=Held(
            "04-24 09:30",
            (0, 1, 2, 3, 4),
            "区发展改革委通报了副中心重点工程进展和年度计划,现场解答居民关于交通、教育配套的提问。",
            ("居民希望定期举办此类通报会。",),
            (),
        ),
    ),
    Meeting(
        "c05",
        ConsultationForm.TRAINING,
        "ly",
        "05-06 10:00",
        "05-22 15:00",
        theme="“民法典进社区”——相邻关系纠纷化解公益讲座",
        participants=(
            (MEMBER, "黎明辉", "区政协委员、XX律师事务所"),
            (HEAD, "李建华", "梨园地区委员活动组"),
            (MASSES, "村民代表", "梨园镇各村"),
        ),
        notified="05-15 09:00",
        notice="5月22日15:00在梨园镇协商议事厅举办民法典公益讲座,欢迎村(居)民参加。",
        held=Held(
            "05-22 15:00",
            (0, 1, 2),
            "律师委员结合案例讲解了通行、采光、排水等相邻关系规定,现场解答群众咨询12人次。",
            ("群众希望多开展法律进村活动。",),
            (),
        ),
    ),
    Meeting(
        "c06",
        ConsultationForm.ONLINE,
        "ys",
        "03-20 10:00",
        "04-01 08:00",
        theme="“我为副中心建设献一策”永不落幕网上议事厅",
        opinions=(
            Opinion(
                "04-05 20:12",
                "sys:wechat",
                "网友“运河晨跑者”",
                "建议运河沿岸步道增设夜间照明和饮水点。",
            ),
            Opinion(
                "05-17 21:40",
                "sys:app",
                "韦东升",
                "建议在副中心站周边预留共享办公空间,吸引中小企业。",
            ),
            Opinion(
                "07-02 12:05",
                "sys:wechat",
                "网友“北关老街坊”",
                "老城区改造要保留老街巷的历史记忆。",
            ),
            Opinion(
                "09-15 19:30",
                "sys:wechat",
                "网友“新市民小李”",
                "希望增加通往中心城区的夜间公交班次。",
            ),
            Opinion(
                "11-20 08:45",
                "sys:app",
                "钱永刚",
                "建议在枢纽周边规划建设立体停车设施,实行停车换乘优惠。",
            ),
        ),
    ),
    Meeting(
        "c07",
        ConsultationForm.ONLINE,
        "jj",
        "08-01 10:00",
        "08-10 09:00",
        theme="优化营商环境“政策找企业”网络协商",
        closes="08-31 18:00",
        participants=(
            (MEMBER, "韦东升", "区政协委员、区工商联副主席"),
            (HEAD, "刘洋", "经济界别活动组"),
            (DEPT, "罗明", "区经济和信息化局"),
        ),
        notified="08-05 10:00",
        notice="8月10日至31日在委员履职APP和区政协公众号开展营商环境网络协商,欢迎企业建言。",
        opinions=(
            Opinion(
                "08-11 10:20",
                "sys:app",
                "沈佳",
                "惠企政策分散在多个部门网站,企业难以查找。",
            ),
            Opinion(
                "08-15 16:02",
                "sys:wechat",
                "企业代表“云启软件”",
                "希望政策兑现实现线上申报、免予重复提交材料。",
            ),
            Opinion(
                "08-22 09:48",
                "sys:wechat",
                "企业代表“恒远精密”",
                "建议对符合条件的企业实行政策“免申即享”。",
            ),
            Opinion(
                "08-29 14:31",
                "sys:app",
                "韦东升",
                "建议建立政策兑现进度公开查询渠道。",
            ),
        ),
        held=Held(
            "09-04 10:00",
            (0, 1, 2),
            "网络协商期间共收到意见建议4条,区经信局逐条作出回应,界别活动组汇总形成建议。",
            ("企业普遍反映政策查找难、申报繁。",),
            ("建立惠企政策“免申即享”清单并在公众号统一发布",),
        ),
        reports=(
            Reporting(
                "09-10 11:00",
                ReportKind.PUBLIC_OPINION,
                "社情民意信息2026年第33期",
                "关于推行惠企政策“免申即享”的建议。",
            ),
        ),
    ),
    Meeting(
        "c08",
        ConsultationForm.RESEARCH,
        "ys",
        "06-10 10:00",
        "07-08 09:30",
        topic=2,
        venue="龙鼎园社区党群服务中心",
        participants=(
            (MASSES, "刘桂兰", "龙鼎园社区居民代表"),
            (MASSES, "一层住户代表", "龙鼎园社区"),
            (MEMBER, "钱永刚", "区政协委员、区交通规划研究所"),
            (HEAD, "王丽", "永顺镇委员工作站"),
            (DEPT, "高峰", "区住建委"),
            (TOWN, "曹磊", "永顺镇"),
            (VILLAGE, "邱红梅", "龙鼎园社区居委会"),
        ),
        notified="06-28 15:00",
        notice="定于7月8日9:30在龙鼎园社区开展老旧小区加装电梯调研协商,请准时参加。",
        held=Held(
            "07-08 09:30",
            (0, 1, 3, 4, 5, 6),
            "区住建委介绍加装电梯补贴政策和审批流程;一层住户代表表达了采光和噪声顾虑;"
            "各方就补偿和协调机制交换意见。",
            ("低层住户的合理诉求应予以补偿。", "审批流程仍需简化。"),
            (
                "推行加装电梯“一楼一策”协商机制,由社区组织居民议事会协调低层住户意见",
                "对管线改移费用给予区级补贴并简化审批流程",
            ),
        ),
        reports=(
            Reporting(
                "07-15 10:00",
                ReportKind.PROPOSAL,
                "区政协提案〔2026〕第058号",
                "关于以“一楼一策”破解老旧小区加装电梯难题的提案。",
            ),
        ),
    ),
    Meeting(
        "c09",
        ConsultationForm.SUGGESTION,
        "ly",
        "06-30 10:00",
        "07-22 14:30",
        topic=6,
        participants=(
            (MASSES, "郭长顺", "大稿村村民代表"),
            (MEMBER, "贾秀英", "区政协委员、区第二人民医院"),
            (HEAD, "李建华", "梨园地区委员活动组"),
            (DEPT, "韩雪", "区城管委"),
            (TOWN, "宋建军", "梨园镇"),
        ),
        notified="07-10 10:00",
        notice="定于7月22日14:30就背街小巷环境治理开展建言献策活动。",
        held=Held(
            "07-22 14:30",
            (0, 1, 2, 3, 4),
            "区城管委通报背街小巷整治计划;村民代表反映垃圾清运不及时;委员建议建立共治机制。",
            ("清运频次需提高。",),
            (
                "增加背街小巷垃圾清运频次至每日两次",
                "推行“街巷长+物业+居民”共治机制",
            ),
        ),
    ),
    Meeting(
        "c10",
        ConsultationForm.BRIEFING,
        "jj",
        "08-05 10:00",
        "08-20 14:00",
        theme="“十四五”规划中期评估暨营商环境新政解读会",
        participants=(
            (MASSES, "蒋文华", "北京恒远精密制造有限公司"),
            (MASSES, "唐振宇", "通达物流园区管理有限公司"),
            (MEMBER, "韦东升", "区政协委员、区工商联副主席"),
            (HEAD, "刘洋", "经济界别活动组"),
            (DEPT, "区发展改革委", "区发展改革委"),
        ),
        notified="08-12 10:00",
        notice="8月20日14:00举办“十四五”规划中期评估暨营商环境新政解读会。",
        held=Held(
            "08-20 14:00",
            (0, 1, 2, 3, 4),
            "区发展改革委通报规划中期评估情况并解读营商环境新政,回答企业提问9个。",
            ("企业希望政策解读常态化。",),
            (),
        ),
    ),
    Meeting(
        "c11",
        ConsultationForm.TRAINING,
        "ys",
        "08-25 10:00",
        "09-09 09:30",
        theme="协商议事规则与议事技巧公益培训",
        participants=(
            (HEAD, "王丽", "永顺镇委员工作站"),
            (VILLAGE, "邱红梅", "龙鼎园社区居委会"),
            (MASSES, "居民议事会成员", "永顺镇各社区"),
        ),
        notified="09-01 10:00",
        notice="9月9日9:30举办协商议事规则公益培训,请各社区议事会成员参加。",
        held=Held(
            "09-09 09:30",
            (0, 1, 2),
            "讲解协商议事的程序、规则和组织技巧,开展模拟议事演练。",
            ("希望每季度开展一次培训。",),
            (),
        ),
    ),
    Meeting(
        "c12",
        ConsultationForm.SUGGESTION,
        "jj",
        "08-18 10:00",
        "09-10 14:00",
        topic=14,
        participants=(
            (MASSES, "何丽萍", "北京云启软件有限公司"),
            (MASSES, "职工代表", "园区企业"),
            (MEMBER, "钱永刚", "区政协委员、区交通规划研究所"),
            (HEAD, "刘洋", "经济界别活动组"),
            (DEPT, "孙鹏", "区交通委"),
            (DEPT, "罗明", "区经济和信息化局"),
        ),
        notified="08-31 10:00",
        notice="定于9月10日14:00就园区职工通勤出行问题开展建言献策活动。",
        held=Held(
            "09-10 14:00",
            (0, 1, 2, 3, 4, 5),
            "区交通委介绍公交线网优化方案;企业代表通报通勤问卷结果;委员建议开通定制公交。",
            ("高峰时段运力明显不足。",),
            (
                "开通园区至副中心站早晚高峰通勤快线",
                "在园区主要出入口增设公交港湾和非机动车停放区",
            ),
        ),
        reports=(
            Reporting(
                "09-18 10:00",
                ReportKind.PROPOSAL,
                "区政协提案〔2026〕第072号",
                "关于改善园区企业职工通勤出行的提案。",
            ),
        ),
    ),
    Meeting(
        "c13",
        ConsultationForm.RESEARCH,
        "ly",
        "09-15 10:00",
        "10-15 09:30",
        topic=16,
        venue="梨园镇第一养老驿站",
        participants=(
            (MEMBER, "贾秀英", "区政协委员、区第二人民医院"),
            (HEAD, "李建华", "梨园地区委员活动组"),
            (DEPT, "冯丽娟", "区民政局"),
            (DEPT, "区卫健委", "区卫健委"),
            (MASSES, "老年人代表", "梨园镇"),
        ),
        notified="10-08 10:00",
        notice="定于10月15日9:30赴梨园镇养老驿站开展调研协商。",
        held=Held(
            "10-15 09:30",
            (0, 1, 2, 3, 4),
            "实地查看驿站助餐、助浴服务;区民政局介绍运营补贴政策;委员建议推进医养结合。",
            ("驿站专业护理人员缺口大。",),
            (
                "推动养老驿站与社区卫生服务站“医养结合”签约服务",
                "对运营困难驿站给予运营补贴并引入社会化专业机构",
            ),
        ),
        reports=(
            Reporting(
                "10-22 10:00",
                ReportKind.PUBLIC_OPINION,
                "社情民意信息2026年第41期",
                "关于提升社区养老驿站服务能力的建议。",
            ),
        ),
    ),
    Meeting(
        "c14",
        ConsultationForm.SUGGESTION,
        "ys",
        "09-05 10:00",
        "09-20 14:30",
        topic=19,
        participants=(
            (MASSES, "家长代表", "永顺镇中心小学"),
            (MEMBER, "钱永刚", "区政协委员、区交通规划研究所"),
            (HEAD, "王丽", "永顺镇委员工作站"),
            (DEPT, "孙鹏", "区交通委"),
        ),
        notified="09-10 10:00",
        notice="定于9月20日14:30就学校周边交通拥堵问题开展建言献策活动。",
        cancelled=(
            "09-18 17:00",
            "受强降雨橙色预警影响,为保障参会群众安全,本次活动取消,另行安排时间。",
        ),
    ),
    Meeting(
        "c15",
        ConsultationForm.SUGGESTION,
        "ys",
        "09-25 10:00",
        "10-20 14:30",
        topic=19,
        participants=(
            (MASSES, "家长代表", "永顺镇中心小学"),
            (MASSES, "周边商户代表", "永顺镇"),
            (MEMBER, "钱永刚", "区政协委员、区交通规划研究所"),
            (HEAD, "王丽", "永顺镇委员工作站"),
            (DEPT, "孙鹏", "区交通委"),
            (TOWN, "曹磊", "永顺镇"),
        ),
        notified="10-10 10:00",
        notice="原定9月20日的建言献策活动改于10月20日14:30举行,请准时参加。",
        held=Held(
            "10-20 14:30",
            (0, 1, 2, 3, 4, 5),
            "区交通委介绍学校周边交通组织优化方案;家长代表建议设置临时接送区;"
            "学校表示可配合错峰放学。",
            ("接送车辆停放需规范。",),
            (
                "在学校周边设置上下学时段临时停车接送区",
                "实行错峰放学并组织家长志愿者护学岗",
            ),
        ),
    ),
    Meeting(
        "c16",
        ConsultationForm.RESEARCH,
        "jj",
        "11-18 10:00",
        "12-03 14:00",
        topic=32,
        venue="运河商务区企业服务中心",
        participants=(
            (MASSES, "商户代表", "运河商务区"),
            (MEMBER, "韦东升", "区政协委员、区工商联副主席"),
            (HEAD, "刘洋", "经济界别活动组"),
            (DEPT, "孟庆华", "区商务局"),
        ),
        notified="11-20 10:00",
        notice="定于12月3日14:00在运河商务区企业服务中心开展夜间消费场景调研协商。",
    ),
    Meeting(
        "c17",
        ConsultationForm.BRIEFING,
        "ly",
        "11-20 10:00",
        "12-08 09:30",
        theme="2027年区政府民生实事项目征集说明会",
        participants=(
            (HEAD, "李建华", "梨园地区委员活动组"),
            (TOWN, "宋建军", "梨园镇"),
            (MASSES, "村(居)民代表", "梨园镇"),
        ),
    ),
    Meeting(
        "c18",
        ConsultationForm.TRAINING,
        "jj",
        "11-24 10:00",
        "12-15 14:00",
        theme="企业合规经营与劳动用工风险防范公益讲座",
    ),
    Meeting(
        "c19",
        ConsultationForm.SUGGESTION,
        "ly",
        "10-20 10:00",
        "11-10 14:30",
        topic=31,
        participants=(
            (MASSES, "摊户代表", "梨园农贸市场"),
            (MASSES, "林秀珍", "大稿村村民代表"),
            (MEMBER, "贾秀英", "区政协委员、区第二人民医院"),
            (HEAD, "李建华", "梨园地区委员活动组"),
            (DEPT, "韩雪", "区城管委"),
            (TOWN, "宋建军", "梨园镇"),
        ),
        notified="11-02 10:00",
        notice="定于11月10日14:30就梨园农贸市场环境秩序提升开展建言献策活动。",
        held=Held(
            "11-10 14:30",
            (0, 1, 2, 3, 4, 5),
            "市场管理方介绍改造计划;摊户代表反映租金和摊位调整顾虑;城管委介绍占道经营治理。",
            ("改造期间应保障居民买菜。",),
            (
                "对农贸市场实施提升改造并规范摊位经营",
                "建立市场管理方、城管和市场监管部门联合巡查机制",
            ),
        ),
    ),
)

# ---------------------------------------------------------------- problem list


class Assignment(NamedTuple):
    at: str
    unit: str
    committee: str
    supervisor: str
    due: str  # ISO date or ""
    reason: str = ""


class Progress(NamedTuple):
    at: str
    unit: str
    progress: str
    problems: str
    approach: str


class Item(NamedTuple):
    no: int
    meeting: str
    suggestion: int  # index into the meeting's suggestions
    opened: str
    assigned: Assignment | None = None
    progress: tuple[Progress, ...] = ()
    reassigned: Assignment | None = None
    resolved: tuple[str, str] | None = None  # when, outcome
    reopened: tuple[str, str] | None = None  # when, reason


ITEMS = (
    Item(
        1,
        "c01",
        0,
        "05-22 10:00",
        Assignment("05-26 10:00", "jtw", "taw", "lintao", "2026-08-31"),
        (
            Progress(
                "06-30 16:00",
                "jtw",
                "已与周边2所学校、1家商场签订夜间错时停车协议,开放车位260个。",
                "部分单位担心安全管理责任。",
                "由街道牵头制定共享停车安全管理办法。",
            ),
            Progress(
                "07-31 16:00",
                "jtw",
                "共享停车协议扩大至5家单位,开放车位420个,居民办理夜间停车证1100余张。",
                "",
                "持续跟踪使用情况。",
            ),
        ),
        resolved=("08-28 15:00", "周边5家单位夜间错时开放车位420个,居民夜间停车难明显缓解。"),
    ),
    Item(
        2,
        "c01",
        1,
        "05-22 10:00",
        Assignment("05-26 10:30", "jtw", "shfz", "chenzhigang", "2026-07-31"),
        (
            Progress(
                "06-25 16:00",
                "jtw",
                "已完成3条道路夜间限时泊位设计,正在施划。",
                "",
                "7月底前完成施划并设置标志。",
            ),
        ),
        resolved=("07-28 15:00", "已在3条道路施划夜间限时停车泊位126个并设置标志。"),
        reopened=(
            "10-09 10:00",
            "群众反映新施划泊位白天被车辆长期占用,夜间限时管理未落实,重新办理。",
        ),
    ),
    Item(
        3,
        "c01",
        2,
        "05-22 10:00",
        Assignment("06-02 10:00", "zjw", "shfz", "chenzhigang", "2026-10-31"),
        (
            Progress(
                "07-15 16:00",
                "zjw",
                "已将龙鼎园、西马庄小区停车设施改造列入2027年老旧小区综合整治储备项目。",
                "整治资金尚未落实。",
                "积极争取市级补助资金。",
            ),
            Progress(
                "09-20 16:00",
                "zjw",
                "已完成2个小区停车设施改造方案设计。",
                "部分居民对绿地改建停车位有不同意见。",
                "由社区组织居民议事会再次协商。",
            ),
        ),
    ),
    Item(
        4,
        "c02",
        0,
        "06-15 10:00",
        Assignment("06-18 10:00", "swj", "rzhj", "xuwenjing", "2026-09-30"),
        (
            Progress(
                "07-20 16:00",
                "swj",
                "已会同区财政局研究农村污水处理设施运维经费保障方案。",
                "需明确区、镇两级分担比例。",
                "按设施规模核定运维定额。",
            ),
            Progress(
                "08-25 16:00",
                "swj",
                "运维经费保障方案已报区政府审议。",
                "",
                "",
            ),
        ),
        resolved=(
            "09-26 15:00",
            "区政府常务会审议通过农村污水处理设施运维经费保障办法,运维经费纳入区级预算。",
        ),
    ),
    Item(
        5,
        "c02",
        1,
        "06-15 10:00",
        Assignment("06-18 10:30", "lyz", "rzhj", "xuwenjing", "2026-12-31"),
        (
            Progress(
                "08-10 16:00",
                "lyz",
                "已委托专业公司对5个村管网进行排查,发现破损点位12处。",
                "部分破损管网位于村民宅基地内。",
                "由村委会做好协调,分批修复。",
            ),
            Progress(
                "10-28 16:00",
                "lyz",
                "已修复破损点位8处,建立月度巡检制度。",
                "剩余4处需结合道路施工修复。",
                "12月底前全部修复。",
            ),
        ),
    ),
    Item(
        6,
        "c03",
        0,
        "06-25 10:00",
        Assignment("06-29 10:00", "jrb", "jjw", "denghongwei", "2026-09-30"),
        (
            Progress(
                "07-30 16:00",
                "jrb",
                "已建立首批科技型中小企业白名单86家,推送至8家合作银行。",
                "",
                "按季度更新名单。",
            ),
        ),
        resolved=("09-15 15:00", "白名单企业获得银行授信4.6亿元,机制已常态化运行。"),
    ),
    Item(
        7,
        "c03",
        1,
        "06-25 10:00",
        Assignment("07-03 10:00", "jrb", "taw", "lintao", "2026-09-30"),
    ),
    Item(
        8,
        "c07",
        0,
        "09-08 10:00",
        Assignment("09-11 10:00", "jxj", "jjw", "denghongwei", "2026-12-31"),
        (
            Progress(
                "10-30 16:00",
                "jxj",
                "已梳理首批“免申即享”政策事项15项。",
                "部分事项需跨部门共享数据。",
                "依托区大数据平台打通数据。",
            ),
        ),
    ),
    Item(
        9,
        "c08",
        0,
        "07-12 10:00",
        Assignment("07-14 10:00", "ysz", "shfz", "chenzhigang", "2026-10-31"),
        (
            Progress(
                "08-20 16:00",
                "ysz",
                "镇政府已制定加装电梯“一楼一策”工作指引。",
                "具体协调工作需社区承担。",
                "建议改由社区居委会牵头。",
            ),
            Progress(
                "10-25 16:00",
                "ldy",
                "社区已组织居民议事会12场,6个楼门达成加装意向。",
                "仍有楼门低层住户不同意。",
                "邀请律师和委员参与调解。",
            ),
        ),
        reassigned=Assignment(
            "09-05 10:00",
            "ldy",
            "shfz",
            "chenzhigang",
            "2026-12-20",
            "经镇政府研究,具体协调工作由龙鼎园社区居委会牵头,镇里统筹指导。",
        ),
    ),
    Item(
        10,
        "c08",
        1,
        "07-12 10:00",
        Assignment("07-14 10:30", "zjw", "taw", "lintao", "2026-10-31"),
        (
            Progress(
                "08-31 16:00",
                "zjw",
                "已起草加装电梯管线改移补贴办法,审批环节由7个压减为4个。",
                "",
                "",
            ),
        ),
        resolved=(
            "10-20 15:00",
            "管线改移补贴办法已印发实施,每部电梯最高补贴15万元,审批时限压缩至20个工作日。",
        ),
    ),
    Item(
        11,
        "c09",
        0,
        "07-27 10:00",
        Assignment("07-30 10:00", "cgw", "rzhj", "xuwenjing", "2026-11-15"),
        (
            Progress(
                "08-28 16:00",
                "cgw",
                "已在10条背街小巷实行每日两次清运。",
                "清运车辆和人员不足。",
                "增购小型清运车辆。",
            ),
            Progress(
                "10-10 16:00",
                "cgw",
                "小型清运车辆采购完成招标。",
                "车辆预计12月到位。",
                "车辆到位后覆盖全部17条街巷。",
            ),
        ),
    ),
    Item(
        12,
        "c09",
        1,
        "07-27 10:00",
        Assignment("08-03 10:00", "dgc", "rzhj", "xuwenjing", "2026-12-31"),
    ),
    Item(
        13,
        "c12",
        0,
        "09-14 10:00",
        Assignment("09-16 10:00", "jtw", "taw", "lintao", "2026-12-31"),
        (
            Progress(
                "10-15 16:00",
                "jtw",
                "通勤快线线路方案已完成客流测算。",
                "需协调公交集团运力。",
                "先开通试运行线路。",
            ),
            Progress(
                "11-16 16:00",
                "jtw",
                "通勤快线试运行线路已确定,拟于12月开通。",
                "",
                "试运行一个月后评估调整。",
            ),
        ),
    ),
    Item(
        14,
        "c12",
        1,
        "09-14 10:00",
        Assignment("09-16 10:30", "jtw", "jjw", "denghongwei", "2026-10-31"),
        (
            Progress(
                "10-09 16:00",
                "jtw",
                "园区2个出入口公交港湾已完成施工。",
                "",
                "",
            ),
        ),
        resolved=("10-27 15:00", "新增公交港湾2处、非机动车停放区4处,已投入使用。"),
    ),
    Item(
        15,
        "c13",
        0,
        "10-19 10:00",
        Assignment("10-23 10:00", "mzj", "rzhj", "xuwenjing", "2027-03-31"),
    ),
    Item(
        16,
        "c15",
        0,
        "10-23 10:00",
        Assignment("10-27 10:00", "jtw", "shfz", "chenzhigang", "2026-12-31"),
    ),
    Item(17, "c19", 0, "11-16 10:00"),
    Item(18, "c19", 1, "11-16 10:30"),
)
