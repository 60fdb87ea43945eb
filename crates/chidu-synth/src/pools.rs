//! Chinese text pools: pseudonym surnames, village name parts, service, group and activity titles,
//! training topics, brands and the like. Everything here is generic; no real person, organisation
//! or station is named.

/// Common surnames; people appear as 张某 or 张某某.
pub(crate) const SURNAMES: [&str; 48] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "沈",
];

/// Surnames frequent among Hani, Yi and other peoples of southern Yunnan.
pub(crate) const SURNAMES_YUNNAN: [&str; 10] =
    ["普", "李", "白", "杨", "马", "罗", "陆", "龙", "卢", "朱"];

pub(crate) const VILLAGE_FIRST: [&str; 24] = [
    "东", "西", "南", "北", "上", "下", "新", "老", "大", "小", "前", "后", "石", "松", "竹", "桃",
    "杨", "柳", "金", "银", "红", "青", "河", "山",
];
pub(crate) const VILLAGE_SECOND: [&str; 16] = [
    "湾", "坪", "寨", "岭", "塘", "桥", "沟", "庄", "冲", "坝", "营", "林", "园", "湖", "溪", "岗",
];

pub(crate) const ROADS: [&str; 8] = [
    "民生路",
    "人民路",
    "建设路",
    "中心街",
    "新华路",
    "文化路",
    "幸福路",
    "和平街",
];

/// The national rule codes with their usual titles.
pub(crate) const RULES: [(&str, &str); 11] = [
    ("staff_mgmt", "人员管理制度"),
    ("attendance", "考勤制度"),
    ("finance", "财务管理制度"),
    ("archives", "档案管理制度"),
    ("service_process", "服务流程规范"),
    ("confidentiality", "保密与隐私保护制度"),
    ("safety_emergency", "安全与应急预案"),
    ("supervision_training", "督导培训制度"),
    ("volunteer_mgmt", "志愿者管理制度"),
    ("complaints", "投诉处理制度"),
    ("referral", "转介制度"),
];

pub(crate) const TRAINING_TOPICS: [&str; 14] = [
    "个案管理实务",
    "小组工作方法",
    "社会救助政策解读",
    "困境儿童保护",
    "老年人服务与照护",
    "社会工作伦理",
    "需求评估与服务设计",
    "心理危机干预",
    "社工站标准化建设",
    "助理社工师备考辅导",
    "社区社会组织培育",
    "服务档案规范",
    "新入职培训",
    "残疾人服务实务",
];

pub(crate) const TRAINING_PROVIDERS: [&str; 6] = [
    "市民政局",
    "县民政局",
    "市社会工作协会",
    "运营机构",
    "某高校社会工作系",
    "省社会工作联合会",
];

pub(crate) const ORG_WORDS: [&str; 12] = [
    "同心", "暖阳", "益友", "彩虹", "启航", "善行", "和美", "众信", "乐群", "恒爱", "知行", "向阳",
];

pub(crate) const NEEDS_METHODS: [&str; 5] = [
    "入户问卷+座谈",
    "问卷调查",
    "入户访谈",
    "焦点小组+问卷",
    "村（社区）座谈",
];

pub(crate) const LIVELIHOOD: [&str; 7] = [
    "卫生院",
    "妇联",
    "残联",
    "人社所",
    "司法所",
    "中心学校",
    "派出所",
];

pub(crate) const COMMUNITY_ORGS: [&str; 6] = [
    "银发互助会",
    "妇女手工协会",
    "邻里互助会",
    "文体队",
    "乡贤理事会",
    "老年协会",
];

pub(crate) const REFERRAL_TARGETS: [&str; 6] = [
    "镇卫生院",
    "镇残联",
    "县未成年人救助保护中心",
    "镇人社所",
    "县心理健康服务中心",
    "镇司法所",
];

/// Basic service titles per domain.
pub(crate) fn basic_services(domain: &str) -> &'static [&'static str] {
    match domain {
        "social_assistance" => &[
            "政策宣传咨询",
            "困难群众走访探视",
            "救助申请协助",
            "低保家庭动态跟进",
        ],
        "child_welfare" => &["儿童关爱与课业陪伴", "困境儿童监护评估", "留守儿童亲情陪伴"],
        "elderly_care" => &["老年人精神慰藉", "独居老人定期探访", "长者健康讲座"],
        "disability" => &["残疾人社会融入", "残疾人康复支持", "照护者支持"],
        "social_affairs" => &[
            "婚姻家庭与殡葬等社会事务协助",
            "移风易俗宣传",
            "流浪乞讨人员救助协助",
        ],
        _ => &["居民议事与社区参与", "社区志愿服务", "社区社会组织培育"],
    }
}

/// Personalised service plans by beneficiary category.
pub(crate) const PERSONALISED: [(&str, &[&str]); 6] = [
    ("tekun", &["个性化照护计划", "每月探访", "就医陪同协调"]),
    ("child_in_distress", &["个案管理", "监护评估", "学业支持"]),
    (
        "living_alone_elderly",
        &["每周电话问候", "每月上门", "紧急呼叫联动"],
    ),
    ("severe_disability", &["康复需求评估", "照护者喘息服务"]),
    (
        "left_behind_child",
        &["亲情视频连线", "课后陪伴", "安全教育"],
    ),
    ("dibao", &["就业能力评估", "政策衔接", "家庭发展计划"]),
];

/// Group titles with their domain and target.
pub(crate) const GROUPS: [(&str, &str, &str); 10] = [
    ("银龄健康互助小组", "elderly_care", "living_alone_elderly"),
    ("困境儿童抗逆力小组", "child_welfare", "child_in_distress"),
    ("照护者喘息支持小组", "disability", "severe_disability"),
    ("留守儿童成长小组", "child_welfare", "left_behind_child"),
    (
        "留守妇女手工技能小组",
        "social_affairs",
        "left_behind_women",
    ),
    ("低保家庭就业能力提升小组", "social_assistance", "dibao"),
    (
        "空巢老人智能手机学习小组",
        "elderly_care",
        "empty_nest_elderly",
    ),
    ("特困老人生命回顾小组", "elderly_care", "tekun"),
    ("青少年情绪管理小组", "child_welfare", "general_resident"),
    (
        "居民议事能力建设小组",
        "grassroots_governance",
        "general_resident",
    ),
];

/// Community activity titles with their domain.
pub(crate) const ACTIVITIES: [(&str, &str); 16] = [
    ("元宵邻里会", "grassroots_governance"),
    ("困境儿童六一关爱", "child_welfare"),
    ("政策宣传进村", "social_assistance"),
    ("重阳敬老活动", "elderly_care"),
    ("暑期四点半课堂", "child_welfare"),
    ("老年人防诈骗讲座", "elderly_care"),
    ("助残日融合活动", "disability"),
    ("移风易俗宣传", "social_affairs"),
    ("低保政策解读会", "social_assistance"),
    ("居民议事会", "grassroots_governance"),
    ("环境整治志愿行动", "grassroots_governance"),
    ("留守儿童安全教育", "child_welfare"),
    ("长者集体生日会", "elderly_care"),
    ("婚姻家庭辅导讲座", "social_affairs"),
    ("临时救助政策宣讲", "social_assistance"),
    ("中秋慰问困难群众", "social_assistance"),
];

/// Activities with a southern-Yunnan flavour (Honghe).
pub(crate) const ACTIVITIES_YUNNAN: [(&str, &str); 4] = [
    ("长街宴邻里活动", "grassroots_governance"),
    ("火把节民族团结活动", "grassroots_governance"),
    ("梯田文化进校园", "child_welfare"),
    ("民族团结进步宣讲", "social_affairs"),
];

/// Brand suffixes (appended to the township stem) with a one-line description.
pub(crate) const BRANDS: [(&str, &str); 8] = [
    ("暖心驿站", "留守老人与儿童结对关爱"),
    ("连心桥", "困难群众需求与资源对接"),
    ("彩虹伞", "困境儿童保护与成长支持"),
    ("银龄乐园", "独居老人互助与精神慰藉"),
    ("邻里守望", "村（社区）互助网络建设"),
    ("同心圆", "五社联动参与基层治理"),
    ("阳光助残", "残疾人康复与社会融入"),
    ("童心港湾", "留守儿童课后陪伴与安全教育"),
];

/// Honghe brands in the spirit of 一站一品牌、一站一亮点.
pub(crate) const BRANDS_YUNNAN: [(&str, &str); 3] = [
    ("石榴籽家园", "民族团结与邻里互助"),
    ("梯田守望", "山区留守老人与儿童关爱"),
    ("彝乡暖心", "彝族村寨困难群众探访帮扶"),
];

pub(crate) const RECTIFICATION: [&str; 6] = [
    "个案档案缺少结案评估表",
    "制度未上墙",
    "开放时间未公示",
    "志愿者台账不完整",
    "服务记录未及时录入平台",
    "灭火器过期未更换",
];
