//! Places: the real county-level divisions of each profile's jurisdiction, how many stations each
//! holds, and a synthetic township name per station (real township names are not used, so no real
//! station is described).

use crate::Profile;
use crate::draw::{Draw, mix};

/// How stations in a county are run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Model {
    /// Purchased from a professional social work organisation.
    Purchased,
    /// Commissioned organisation plus labour dispatch (丹江口).
    Hybrid,
    /// A mix of purchased and directly run stations.
    Mixed,
}

/// One county-level division.
pub(crate) struct County {
    pub name: &'static str,
    /// Name without the administrative suffix (泸西, 丹江口), for organisation names.
    pub short: &'static str,
    pub code: &'static str,
    /// Short form used in document numbers (泸民发〔2021〕…).
    pub abbr: &'static str,
    /// Township (street) stations in the county.
    pub towns: usize,
    /// Community or farm stations (Honghe's 6 社区（农场）社工站).
    pub farms: usize,
    /// Relative service volume (Shiyan's county totals in the seed).
    pub volume: f64,
    pub model: Model,
}

/// A prefecture-level jurisdiction.
pub(crate) struct Region {
    pub province: &'static str,
    pub prefecture: &'static str,
    pub abbr: &'static str,
    pub counties: &'static [County],
}

#[expect(
    clippy::too_many_arguments,
    reason = "one positional row of a constant table"
)]
const fn c(
    name: &'static str,
    short: &'static str,
    code: &'static str,
    abbr: &'static str,
    towns: usize,
    farms: usize,
    volume: f64,
    model: Model,
) -> County {
    County {
        name,
        short,
        code,
        abbr,
        towns,
        farms,
        volume,
        model,
    }
}

use Model::{Hybrid, Mixed, Purchased};

/// Honghe: 13 county-level divisions, 135 township stations and 6 community (farm) stations.
pub(crate) const HONGHE: Region = Region {
    province: "云南省",
    prefecture: "红河哈尼族彝族自治州",
    abbr: "红",
    counties: &[
        c("个旧市", "个旧", "532501", "个", 10, 1, 1.0, Purchased),
        c("开远市", "开远", "532502", "开", 7, 0, 1.0, Purchased),
        c("蒙自市", "蒙自", "532503", "蒙", 12, 1, 1.0, Purchased),
        c("弥勒市", "弥勒", "532504", "弥", 12, 1, 1.0, Purchased),
        c(
            "屏边苗族自治县",
            "屏边",
            "532523",
            "屏",
            7,
            0,
            1.0,
            Purchased,
        ),
        c("建水县", "建水", "532524", "建", 15, 0, 1.0, Purchased),
        c("石屏县", "石屏", "532525", "石", 9, 0, 1.0, Purchased),
        c("泸西县", "泸西", "532527", "泸", 8, 0, 1.0, Purchased),
        c("元阳县", "元阳", "532528", "元", 14, 0, 1.0, Purchased),
        c("红河县", "红河", "532529", "红县", 13, 0, 1.0, Purchased),
        c(
            "金平苗族瑶族傣族自治县",
            "金平",
            "532530",
            "金",
            13,
            1,
            1.0,
            Purchased,
        ),
        c("绿春县", "绿春", "532531", "绿", 9, 0, 1.0, Purchased),
        c(
            "河口瑶族自治县",
            "河口",
            "532532",
            "河",
            6,
            2,
            1.0,
            Purchased,
        ),
    ],
};

/// Shiyan: ten county-level units, 119 townships plus 5 development zones (124 stations). Service
/// volume follows the seed's county totals (竹溪 9.8万, 郧西 5.5万, 郧阳 4.2万, 茅箭 4万人次).
pub(crate) const SHIYAN: Region = Region {
    province: "湖北省",
    prefecture: "十堰市",
    abbr: "十",
    counties: &[
        c("茅箭区", "茅箭", "420302", "茅", 5, 0, 2.4, Purchased),
        c("张湾区", "张湾", "420303", "张", 6, 0, 0.7, Mixed),
        c("郧阳区", "郧阳", "420304", "郧阳", 19, 0, 0.95, Purchased),
        c("郧西县", "郧西", "420322", "郧西", 18, 0, 1.3, Purchased),
        c("竹山县", "竹山", "420323", "竹山", 17, 0, 0.6, Mixed),
        c("竹溪县", "竹溪", "420324", "竹溪", 15, 0, 2.3, Purchased),
        c("房县", "房县", "420325", "房", 20, 0, 0.6, Mixed),
        c("丹江口市", "丹江口", "420381", "丹", 17, 0, 0.7, Hybrid),
        c(
            "武当山旅游经济特区",
            "武当山",
            "420391",
            "武",
            2,
            0,
            0.7,
            Purchased,
        ),
        c(
            "十堰经济技术开发区",
            "十堰经开",
            "420392",
            "经开",
            5,
            0,
            0.7,
            Mixed,
        ),
    ],
};

/// Taicang: the county-level city piloting the standard (towns and streets).
pub(crate) const TAICANG: Region = Region {
    province: "江苏省",
    prefecture: "苏州市",
    abbr: "苏",
    counties: &[c("太仓市", "太仓", "320585", "太", 9, 0, 1.0, Purchased)],
};

/// A mix of jurisdictions for the generic profile.
pub(crate) const GENERIC: &[Region] = &[
    Region {
        province: "湖南省",
        prefecture: "长沙市",
        abbr: "长",
        counties: &[c("长沙县", "长沙", "430121", "长县", 13, 0, 1.2, Purchased)],
    },
    Region {
        province: "湖南省",
        prefecture: "湘西土家族苗族自治州",
        abbr: "湘西",
        counties: &[c("花垣县", "花垣", "433124", "花", 12, 0, 0.8, Mixed)],
    },
    Region {
        province: "山东省",
        prefecture: "潍坊市",
        abbr: "潍",
        counties: &[c("寿光市", "寿光", "370783", "寿", 14, 0, 1.2, Purchased)],
    },
    Region {
        province: "广东省",
        prefecture: "清远市",
        abbr: "清",
        counties: &[c("英德市", "英德", "441881", "英", 24, 0, 1.0, Purchased)],
    },
    Region {
        province: "甘肃省",
        prefecture: "定西市",
        abbr: "定",
        counties: &[c("通渭县", "通渭", "621121", "渭", 18, 0, 0.7, Mixed)],
    },
    Region {
        province: "浙江省",
        prefecture: "金华市",
        abbr: "金",
        counties: &[c("义乌市", "义乌", "330782", "义", 14, 0, 1.3, Purchased)],
    },
    Region {
        province: "四川省",
        prefecture: "凉山彝族自治州",
        abbr: "凉",
        counties: &[c("昭觉县", "昭觉", "513431", "昭", 20, 0, 0.7, Hybrid)],
    },
    Region {
        province: "河南省",
        prefecture: "周口市",
        abbr: "周",
        counties: &[c("郸城县", "郸城", "411625", "郸", 19, 0, 0.9, Mixed)],
    },
];

/// Where one station sits.
pub(crate) struct Place {
    pub region: &'static Region,
    pub county: &'static County,
    /// Community (farm) station rather than a township station.
    pub farm: bool,
    /// Synthetic township (street) name with its suffix.
    pub township: String,
    /// The name without 镇/乡/街道, for brands and addresses.
    pub stem: String,
    /// 9-digit statistical code.
    pub township_code: String,
}

/// The stations of a profile's reference fleet, as (region, county) pairs in index order.
fn stations_of(profile: Profile) -> Vec<(&'static Region, &'static County)> {
    let regions: &'static [Region] = match profile {
        Profile::Honghe => std::slice::from_ref(&HONGHE),
        Profile::Shiyan => std::slice::from_ref(&SHIYAN),
        Profile::Taicang => std::slice::from_ref(&TAICANG),
        Profile::Generic => GENERIC,
    };
    let mut out = Vec::new();
    for r in regions {
        for c in r.counties {
            for _ in 0..c.towns + c.farms {
                out.push((r, c));
            }
        }
    }
    out
}

/// Stations in a profile's reference fleet (141 for Honghe, 124 for Shiyan).
pub(crate) fn fleet_size(profile: Profile) -> usize {
    stations_of(profile).len()
}

const FIRST: [char; 48] = [
    '青', '石', '松', '竹', '云', '龙', '凤', '金', '银', '白', '新', '东', '西', '南', '北', '大',
    '马', '鹤', '桃', '梅', '柳', '清', '安', '平', '乐', '宝', '沙', '高', '长', '永', '兴', '和',
    '丰', '古', '双', '三', '五', '九', '阳', '明', '盘', '洪', '锦', '富', '旺', '峰', '翠', '德',
];
const SECOND_YUNNAN: [char; 12] = [
    '坝', '寨', '哨', '冲', '街', '甸', '坪', '箐', '厂', '营', '田', '山',
];
const SECOND_HUBEI: [char; 12] = [
    '河', '坪', '口', '岭', '店', '沟', '湾', '关', '峪', '铺', '川', '堰',
];
const SECOND_JIANGSU: [char; 12] = [
    '泾', '浜', '港', '塘', '桥', '渡', '浦', '湖', '庄', '墅', '泽', '溪',
];
const SECOND_OTHER: [char; 12] = [
    '溪', '桥', '岭', '坪', '河', '湾', '塘', '源', '营', '集', '店', '庄',
];
/// Odd multipliers coprime with 48·12 = 576, so `a·i + b (mod 576)` never repeats a name
/// within 576 consecutive stations.
const COPRIME: [u64; 8] = [5, 7, 11, 13, 17, 19, 23, 29];

/// The place of station `index`: the county follows the reference fleet's layout (index modulo its
/// size), the township name is synthetic and distinct within 576 stations.
pub(crate) fn place(profile: Profile, tag: u64, seed: u64, index: u64, d: &mut Draw) -> Place {
    let layout = stations_of(profile);
    let n = layout.len().max(1) as u64;
    let pos = (index % n) as usize;
    let (region, county) = layout[pos];
    let slot = layout[..pos]
        .iter()
        .filter(|(_, c)| std::ptr::eq(*c, county))
        .count();
    let farm = slot >= county.towns;
    let key = mix(seed ^ tag.wrapping_mul(0x51_7CC1));
    let a = COPRIME[(key % 8) as usize];
    let b = (key >> 8) % 576;
    let name_slot = (a.wrapping_mul(index % 576) + b) % 576;
    let first = FIRST[(name_slot / 12) as usize];
    let second = match profile {
        Profile::Honghe => SECOND_YUNNAN,
        Profile::Shiyan => SECOND_HUBEI,
        Profile::Taicang => SECOND_JIANGSU,
        Profile::Generic => SECOND_OTHER,
    }[(name_slot % 12) as usize];
    let stem = format!("{first}{second}");
    let township = if farm {
        format!("{stem}农场社区")
    } else {
        let w = match profile {
            Profile::Honghe => [0.6, 0.35, 0.05],
            Profile::Shiyan => [0.7, 0.15, 0.15],
            Profile::Taicang => [0.75, 0.0, 0.25],
            Profile::Generic => [0.6, 0.25, 0.15],
        };
        let suffix = ["镇", "乡", "街道"][d.weighted(&w)];
        format!("{stem}{suffix}")
    };
    let township_code = format!(
        "{}{}",
        county.code,
        if farm { 400 + slot } else { 100 + slot }
    );
    Place {
        region,
        county,
        farm,
        township,
        stem,
        township_code,
    }
}
