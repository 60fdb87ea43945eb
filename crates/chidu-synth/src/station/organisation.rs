//! How the station is run: governance, operator and contract, premises, the 五统一, rules, archives, finance, planning, disclosure.

use super::*;

impl Gen {
    pub(super) fn governance(&mut self) -> Value {
        let q = self.q;
        let mut groups = Vec::new();
        let region = self.place.region;
        let county = self.place.county;
        let pref_no = 10 + mix(self.seed ^ 0xD0C) % 40;
        let county_no = 10 + mix(self.seed ^ fnv(county.code)) % 60;
        let honghe = self.p == Profile::Honghe;
        if (honghe && self.d.by(q, 0.8, 1.0)) || (!honghe && self.d.chance(0.4)) {
            groups.push(json!({
                "level": "prefecture",
                "established": iso(day(2021, 5, 20)),
                "doc_ref": format!("{}民发〔2021〕{}号", region.abbr, pref_no),
            }));
        }
        if self.d.by(q, 0.6, 1.0) {
            groups.push(json!({
                "level": "county",
                "established": iso(day(2021, 6, 15)),
                "doc_ref": format!("{}民发〔2021〕{}号", county.abbr, county_no),
            }));
        }
        if self.d.by(q, 0.15, 1.0) {
            let est = self.date(day(2021, 7, 1), day(2022, 3, 31));
            let first = self.place.stem.chars().next().unwrap_or('某');
            groups.push(json!({
                "level": "township",
                "established": est,
                "doc_ref": format!("{first}政发〔2021〕{}号", self.d.int(3, 60)),
            }));
        }
        let liaison = if self.d.by(q, 0.4, 1.0) {
            Value::String(format!(
                "{}民政办 {}",
                self.township_short(),
                self.person_name()
            ))
        } else {
            Value::Null
        };
        let branch = self.d.by(q, 0.2, 0.95);
        json!({
            "operating_model": self.model,
            "leadership_groups": groups,
            "civil_affairs_liaison": liaison,
            "party_building": {
                "branch_established": branch,
                "party_members": if branch { self.d.int(3, 6) } else { self.d.int(0, 2) },
            },
        })
    }

    /// 镇 / 乡 / 街道 as used in office names (乡民政办, 街道民政办).
    pub(super) fn township_short(&self) -> &'static str {
        if self.place.township.ends_with('乡') {
            "乡"
        } else if self.place.township.ends_with("街道") {
            "街道"
        } else {
            "镇"
        }
    }

    pub(super) fn operator(&mut self) -> Value {
        let county = self.place.county;
        if self.model == "government_direct" {
            let uscc = uscc(&mut self.d, "11", county.code);
            return json!({
                "name": format!("{}人民政府", self.place.township),
                "uscc": uscc,
                "org_type": "government",
                "rating": "none",
            });
        }
        // Operators are shared between stations: Honghe has about 40 organisations for 141
        // stations, so each county draws from three, fixed by (seed, county, k).
        let k = self.d.below(3);
        let key = mix(self.seed ^ fnv(county.code) ^ (k + 1).wrapping_mul(0x9E37));
        let mut od = Draw::new(self.p.tag() ^ 0x0_0E7A, self.seed, key);
        // Distinct words for the county's three organisations.
        let base = (fnv(county.code) ^ self.seed) % ORG_WORDS.len() as u64;
        let word = ORG_WORDS[((base + k * 5) % ORG_WORDS.len() as u64) as usize];
        let name = format!("{}{}社会工作服务中心", county.short, word);
        let mut code = uscc(&mut od, "52", county.code);
        let rating = od.pick(&["5A", "4A", "3A", "3A", "2A", "none", "none"]);
        let established = iso(od.int(day(2012, 1, 1) as i64, day(2021, 6, 30) as i64) as i32);
        if self.d.by(self.q, 0.25, 0.0) {
            // An entry that lost two characters on the way into the ledger.
            code.truncate(16);
        }
        json!({
            "name": name,
            "uscc": code,
            "org_type": "social_service_org",
            "rating": rating,
            "established": established,
        })
    }

    /// The station's yearly budget, drawn once and shared by the contract and the finance section.
    pub(super) fn budget(&mut self) -> i64 {
        if self.budget_cny == 0 {
            let (lo, hi) = self.s.budget[self.t()];
            let b = self.d.int(lo, hi);
            self.budget_cny = b - b % 1000;
        }
        self.budget_cny
    }

    pub(super) fn contract(&mut self) -> Value {
        if self.model == "government_direct" {
            return Value::Null;
        }
        let two_year = self.d.chance(0.4);
        let start = if two_year && self.d.chance(0.5) {
            day(YEAR - 1, 7, 1)
        } else {
            p0()
        };
        let mut end = if two_year && start == p0() {
            day(YEAR + 1, 12, 31)
        } else if two_year {
            day(YEAR + 1, 6, 30)
        } else {
            p1()
        };
        if self.d.by(self.q, 0.3, 0.0) {
            // The contract ran out mid-year and renewal is pending.
            end = day(YEAR, 6, 30);
        }
        let years = if two_year { 2 } else { 1 };
        let amount = self.budget() * years;
        let sources: &[&str] = match self.p {
            Profile::Honghe => &["州级财政", "县级财政", "福彩公益金"],
            Profile::Shiyan => &["省级拨付资金", "社会救助资金", "福彩公益金", "本级财政预算"],
            Profile::Taicang => &["市级财政", "镇级财政", "福彩公益金", "慈善资金"],
            Profile::Generic => &["省级财政", "县级财政", "福彩公益金"],
        };
        let k = self.d.count(1, sources.len());
        let funding: Vec<&str> = sources[..k].to_vec();
        let (y, _, _) = crate::draw::civil(start);
        json!({
            "id": format!("{}-{}-SG-{:04}", self.p.id_prefix(), y, self.index + 1),
            "start": iso(start),
            "end": iso(end),
            "amount_cny": amount,
            "funding_sources": funding,
        })
    }

    pub(super) fn premises(&mut self) -> Value {
        let tag = self.p.tag();
        let u = quota(tag, self.seed, Quota::Premises, self.index as u64);
        let mode = if self.has(Veto::NoPremises) {
            "none"
        } else if u < self.s.shared[0] {
            "shared_with_civil_affairs_office"
        } else if u < self.s.shared[1] {
            "shared_other"
        } else {
            "independent"
        };
        if mode == "none" {
            return json!({"mode": "none", "office_in_use": false, "rooms": []});
        }
        let q = self.q;
        let mut area = match self.tier {
            Tier::Strong => self.d.int(90, 200),
            Tier::Middling => self.d.int(55, 110),
            Tier::Weak => self.d.int(18, 60),
        };
        if mode != "independent" {
            area = area * 6 / 10;
        }
        if self.p == Profile::Taicang {
            area += 40;
        }
        let mut kinds = vec!["office"];
        for (kind, lo, hi) in [
            ("reception", 0.3, 1.0),
            ("case_room", 0.1, 1.0),
            ("group_room", 0.15, 1.0),
            ("archive", 0.1, 0.95),
            ("activity", 0.05, 0.8),
        ] {
            if self.d.by(q, lo, hi) {
                kinds.push(kind);
            }
        }
        let mut rooms = Vec::new();
        let mut left = area;
        for (k, kind) in kinds.iter().enumerate() {
            let a = if k + 1 == kinds.len() {
                left.max(6)
            } else {
                let share = match *kind {
                    "group_room" | "activity" => 0.3,
                    "office" => 0.25,
                    _ => 0.12,
                };
                ((area as f64 * share) as i64).max(6)
            };
            left -= a;
            rooms.push(json!({
                "type": kind,
                "area_m2": a,
                "private": matches!(*kind, "case_room" | "archive") && self.d.by(q, 0.4, 1.0),
            }));
        }
        let road = self.d.pick(&ROADS);
        let floor = if mode == "independent" {
            self.d.int(1, 2)
        } else {
            self.d.int(1, 3)
        };
        let address = match mode {
            "shared_with_civil_affairs_office" => format!(
                "{}人民政府{}楼民政办内",
                self.place.township,
                ["一", "二", "三"][(floor - 1) as usize]
            ),
            _ => format!("{}{}{}号", self.place.township, road, self.d.int(1, 188)),
        };
        json!({
            "mode": mode,
            "address": address,
            "total_area_m2": area,
            "floor": floor,
            "barrier_free": floor == 1 || self.d.by(q, 0.0, 0.8),
            "office_in_use": !self.has(Veto::Unattended) && self.d.by(q, 0.8, 1.0),
            "rooms": rooms,
        })
    }

    pub(super) fn five_unifications(&mut self) -> Value {
        let q = self.q;
        let honghe = self.p == Profile::Honghe;
        let present = self.d.by(q, if honghe { 0.9 } else { 0.7 }, 1.0);
        let conforming = present && self.d.by(q, 0.3, 1.0);
        let installed = self.date(day(2021, 6, 1), day(2023, 6, 30));
        let mut equipment = Vec::new();
        for (e, lo) in [
            ("computer", 0.8),
            ("printer", 0.5),
            ("telephone", 0.5),
            ("lockable_file_cabinet", 0.3),
            ("network", 0.6),
            ("desks_chairs", 0.95),
            ("camera", 0.0),
        ] {
            if self.d.by(q, lo, 1.0) {
                equipment.push(e);
            }
        }
        let mut wall = Vec::new();
        // Honghe hangs the station sign and the plaques for rules, model and services everywhere.
        let plaque = if honghe { 0.8 } else { 0.35 };
        for (rule, lo) in [
            ("management_rules", plaque + 0.1),
            ("operating_model", plaque),
            ("service_contents", plaque),
            ("staff_duties", 0.2),
            ("service_process", 0.2),
            ("opening_hours", 0.3),
            ("complaint_channel", 0.1),
        ] {
            if self.d.by(q, lo, 1.02) {
                wall.push(rule);
            }
        }
        let issued = if self.d.by(q, 0.2, 1.0) {
            self.ftsw.max(1) + self.d.count(0, 1)
        } else {
            self.d.count(0, self.ftsw)
        };
        json!({
            "sign": {
                "present": present,
                "template_conforming": conforming,
                "installed": if present { Value::String(installed) } else { Value::Null },
                "photo": if present && self.d.by(q, 0.3, 1.0) {
                    Value::String(format!("evidence/{}-{:04}/sign.jpg", self.p.id_prefix(), self.index + 1))
                } else {
                    Value::Null
                },
            },
            "office_equipment": equipment,
            "rules_on_wall": wall,
            "uniform": {"issued_staff": issued, "worn_on_last_inspection": issued > 0 && self.d.by(q, 0.1, 0.9)},
        })
    }

    pub(super) fn service_equipment(&mut self) -> Value {
        let q = self.q;
        let mut out = Vec::new();
        for (e, lo, hi) in [
            ("activity_supplies", 0.4, 1.0),
            ("assessment_scales", 0.05, 1.0),
            ("first_aid_kit", 0.2, 1.0),
            ("projector", 0.1, 0.9),
            ("sand_tray", 0.0, 0.5),
        ] {
            if self.d.by(q, lo, hi) {
                out.push(e);
            }
        }
        json!(out)
    }

    // ---- management -------------------------------------------------------------------------

    pub(super) fn rules(&mut self) -> Value {
        let q = self.q;
        let mut out = Vec::new();
        let base = self.date(day(2021, 6, 1), day(2022, 12, 31));
        for (k, (code, name)) in RULES.iter().enumerate() {
            let p = if k < 3 { 0.7 } else { 0.1 };
            if self.d.by(q, p, 1.03) {
                // Most rules are issued together when the station opens; a few later.
                let adopted = if self.d.chance(0.7) {
                    base.clone()
                } else {
                    self.date(day(2021, 6, 1), day(YEAR, 3, 31))
                };
                out.push(json!({"code": code, "name": name, "adopted": adopted}));
            }
        }
        json!(out)
    }

    pub(super) fn archives(&mut self) -> Value {
        let q = self.q;
        json!({
            "locked_cabinet": self.d.by(q, 0.2, 1.0),
            "consent_forms": self.d.by(q, 0.0, 1.0),
            "access_control": self.d.by(q, 0.0, 0.95),
        })
    }

    pub(super) fn finance(&mut self) -> Value {
        let q = self.q;
        let budget = self.budget();
        let rate = if self.d.by(q, 0.2, 1.0) {
            self.d.real(0.86, 1.02)
        } else {
            self.d.real(0.45, 0.84)
        };
        let spent = ((budget as f64 * rate) as i64) / 100 * 100;
        let personnel = spent * self.d.int(62, 74) / 100;
        let activities = spent * self.d.int(12, 20) / 100;
        let training = spent * self.d.int(2, 7) / 100;
        let admin = spent - personnel - activities - training;
        let audited = self.d.by(q, 0.1, 1.0);
        let mut findings = Vec::new();
        if self.has(Veto::Financial) {
            findings.push("misappropriation");
        } else if audited {
            findings.push(if self.d.by(q, 0.5, 0.95) {
                "none"
            } else {
                "minor"
            });
        }
        let audit_date = if audited || self.has(Veto::Financial) {
            Value::String(self.date(day(YEAR + 1, 1, 5), day(YEAR + 1, 2, 28)))
        } else {
            Value::Null
        };
        json!({
            "budget_cny": budget,
            "spent_cny": spent,
            "separate_ledger": self.d.by(q, 0.2, 1.0),
            "spent_by_category_cny": {
                "personnel": personnel,
                "activities": activities,
                "supervision_training": training,
                "admin": admin,
            },
            "audit": {"date": audit_date, "findings": findings},
        })
    }

    pub(super) fn planning(&mut self) -> Value {
        let q = self.q;
        // Taicang asks for monthly reports; elsewhere most stations report quarterly.
        let monthly = if self.p == Profile::Taicang {
            self.d.by(q, 0.0, 1.1)
        } else {
            self.d.by(q, 0.0, 0.5)
        };
        let mut reports = Vec::new();
        if monthly {
            for m in 1..=12u32 {
                let due = if m == 12 {
                    day(YEAR + 1, 1, 5)
                } else {
                    day(YEAR, m + 1, 5)
                };
                let late = self.d.int(0, 3) as i32;
                reports.push(
                    json!({"period": format!("{YEAR}-{m:02}"), "submitted": iso(due + late)}),
                );
            }
        } else {
            let k = self.d.count(1, 4);
            for quarter in 1..=k as u32 {
                let due = if quarter == 4 {
                    day(YEAR + 1, 1, 15)
                } else {
                    day(YEAR, quarter * 3 + 1, 15)
                };
                let late = self.d.int(0, 20) as i32;
                reports.push(
                    json!({"period": format!("{YEAR}Q{quarter}"), "submitted": iso(due + late)}),
                );
            }
        }
        let needs = if self.d.by(q, 0.0, 1.05) {
            let date = self.date(day(YEAR - 1, 11, 1), day(YEAR, 3, 31));
            let method = self.d.pick(&NEEDS_METHODS);
            json!({"date": date, "method": method, "sample": self.d.int(80, 400)})
        } else if self.d.chance(0.5) {
            let date = self.date(day(YEAR - 3, 1, 1), day(YEAR - 2, 10, 31));
            json!({"date": date, "method": "座谈", "sample": self.d.int(10, 40)})
        } else {
            json!({"date": null, "method": "", "sample": 0})
        };
        json!({"annual_plan": self.d.by(q, 0.2, 1.0), "reports": reports, "needs_assessment": needs})
    }

    pub(super) fn disclosure(&mut self) -> Value {
        let q = self.q;
        let mut out = Vec::new();
        for (k, lo) in [
            ("service_list", 0.3),
            ("staff_roster", 0.2),
            ("funding_source", 0.0),
            ("complaint_channel", 0.1),
        ] {
            if self.d.by(q, lo, 1.02) {
                out.push(k);
            }
        }
        json!(out)
    }
}
