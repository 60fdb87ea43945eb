//! Staff and volunteers: the staffing plan, staff records, volunteer figures.

use super::*;

impl Gen {
    pub(super) fn plan_staff(&mut self) {
        let t = self.t();
        let q = self.q;
        let mut ftsw = 1 + self.d.weighted(&self.s.ftsw[t]);
        // Shiyan: where professional organisations run the stations (郧西, 郧阳, 茅箭, 武当山,
        // 竹溪), every station has at least two full-time social workers.
        if self.p == Profile::Shiyan && self.place.county.model == Model::Purchased {
            ftsw = ftsw.max(2);
        }
        if self.has(Veto::NoFullTime) {
            ftsw = 0;
        }
        let mut people: Vec<(&'static str, bool, Option<i32>)> = Vec::new();
        let head = ftsw > 0 && self.d.by(q, 0.3, 1.0);
        for k in 0..ftsw {
            let role = if k == 0 && head {
                "station_head"
            } else {
                "social_worker"
            };
            people.push((role, true, None));
        }
        // A social worker who left during the period (turnover), or the only one (veto).
        if self.has(Veto::NoFullTime) || self.d.by(q, 0.45, 0.08) {
            let left = self.dz(day(YEAR, 3, 1), day(YEAR, 11, 30));
            people.push(("social_worker", true, Some(left)));
        }
        let assistants = match self.p {
            // Honghe integrates township assistance officers and village assistants (700+ people).
            Profile::Honghe => self.d.count(1, 3),
            Profile::Taicang => 1,
            _ => self.d.count(0, 1),
        };
        for _ in 0..assistants {
            people.push(("assistant", self.d.chance(0.7), None));
        }
        if self.d.by(q, 0.05, 0.35) {
            people.push(("admin", false, None));
        }
        // External supervisors are scarce in remote prefectures.
        let sup = if self.p == Profile::Honghe { 0.6 } else { 0.9 };
        if self.d.by(q, -0.6, sup) && ftsw > 0 {
            people.push(("supervisor_external", false, None));
        }
        while people.len() < 2 {
            people.push(("assistant", false, None));
        }
        people.truncate(8);
        let cert_p = self.s.certified[t];
        let mut out = Vec::new();
        for (k, (role, full_time, end)) in people.into_iter().enumerate() {
            let certified = match role {
                "station_head" => self.d.chance((cert_p + 0.25).min(0.98)),
                "social_worker" => self.d.chance(cert_p),
                "supervisor_external" => true,
                _ => self.d.chance(if self.p == Profile::Honghe {
                    0.04
                } else {
                    0.12
                }),
            };
            let id = if role == "supervisor_external" {
                "SUP1".to_owned()
            } else {
                format!("S{:02}", k + 1)
            };
            out.push(Person {
                id,
                role,
                full_time,
                end,
                certified,
            });
        }
        self.ftsw = out
            .iter()
            .filter(|p| {
                p.full_time && p.end.is_none() && matches!(p.role, "station_head" | "social_worker")
            })
            .count();
        self.staff = out;
    }

    pub(super) fn worker_ids(&self) -> Vec<String> {
        let ids: Vec<String> = self
            .staff
            .iter()
            .filter(|p| matches!(p.role, "station_head" | "social_worker") && p.end.is_none())
            .map(|p| p.id.clone())
            .collect();
        if ids.is_empty() {
            self.staff.iter().take(1).map(|p| p.id.clone()).collect()
        } else {
            ids
        }
    }

    pub(super) fn staff_json(&mut self) -> Value {
        let q = self.q;
        let n = self.staff.len();
        let mut list = Vec::with_capacity(n);
        for k in 0..n {
            let (id, role, full_time, end, certified) = {
                let p = &self.staff[k];
                (p.id.clone(), p.role, p.full_time, p.end, p.certified)
            };
            let name = self.person_name();
            let employer = match (role, self.model) {
                ("assistant", _) if self.p == Profile::Honghe => {
                    if self.d.chance(0.6) {
                        "government"
                    } else {
                        "village"
                    }
                }
                ("assistant", _) => {
                    if self.d.chance(0.5) {
                        "operator"
                    } else {
                        "village"
                    }
                }
                (_, "government_direct") => "government",
                _ => "operator",
            };
            let start = match end {
                Some(e) => self.dz(day(2021, 6, 1), e - 120),
                None => self.dz(day(2021, 5, 1), day(YEAR, 4, 30)),
            };
            let level = match role {
                "supervisor_external" => self.d.pick(&["master", "doctor"]),
                "station_head" => {
                    self.d
                        .pick(&["bachelor", "bachelor", "master", "junior_college"])
                }
                "social_worker" => {
                    self.d
                        .pick(&["bachelor", "junior_college", "bachelor", "master"])
                }
                _ => self
                    .d
                    .pick(&["secondary", "junior_college", "junior_college", "bachelor"]),
            };
            let sw_major = match role {
                "supervisor_external" => true,
                "station_head" | "social_worker" => self.d.by(q, 0.2, 0.7),
                _ => self.d.chance(0.1),
            };
            let mut certs = Vec::new();
            if certified {
                let lvl = match role {
                    "supervisor_external" => "senior_sw",
                    "station_head" => self.d.pick(&["sw", "sw", "assistant_sw"]),
                    _ => self
                        .d
                        .pick(&["assistant_sw", "assistant_sw", "assistant_sw", "sw"]),
                };
                let new = self.d.chance(0.2) && role != "supervisor_external";
                let obtained = if new {
                    self.dz(day(YEAR, 1, 10), day(YEAR, 11, 30))
                } else {
                    self.dz(day(2018, 6, 1), day(YEAR - 1, 12, 31))
                };
                // Registration runs three years and is renewed; weak stations let some lapse.
                let lapsed = end.is_none() && !new && self.d.by(q, 0.35, 0.02);
                let valid_until = if lapsed {
                    self.dz(day(YEAR, 3, 31), day(YEAR + 1, 3, 31))
                } else {
                    day(self.d.int(2026, 2028) as i32, 12, 31)
                };
                let (code, (y, _, _)) = (
                    match lvl {
                        "assistant_sw" => "ASW",
                        "sw" => "SW",
                        _ => "SSW",
                    },
                    crate::draw::civil(obtained),
                );
                certs.push(json!({
                    "level": lvl,
                    "cert_no": format!("{code}-{y}-{:05}", self.d.below(100_000)),
                    "obtained": iso(obtained),
                    "registration_valid_until": iso(valid_until),
                }));
            }
            let core = matches!(role, "station_head" | "social_worker");
            let mut training = Vec::new();
            if role != "supervisor_external" {
                let sessions = if core {
                    match self.tier {
                        Tier::Strong => 1 + usize::from(self.d.chance(0.3)),
                        Tier::Middling => 1,
                        Tier::Weak => self.d.count(0, 1),
                    }
                } else {
                    self.d.count(0, 1)
                };
                for _ in 0..sessions {
                    let hours = match self.tier {
                        // Continuing education: 24 hours a year for certified social workers.
                        Tier::Strong if core && sessions == 1 => self.d.int(24, 32),
                        Tier::Strong if core => self.d.int(12, 18),
                        Tier::Middling if core => self.d.int(18, 36),
                        Tier::Weak if core => self.d.int(10, 30),
                        _ => self.d.int(3, 8),
                    };
                    let lo = day(YEAR, 1, 8).max(start);
                    let hi = end.map_or(day(YEAR, 11, 30), |e| e - 7).max(lo);
                    let date = self.date(lo, hi);
                    let topic = self.d.pick(&TRAINING_TOPICS);
                    let mut entry = json!({"date": date, "hours_h": hours, "topic": topic});
                    if core && let Value::Object(o) = &mut entry {
                        o.insert(
                            "provider".to_owned(),
                            json!(self.d.pick(&TRAINING_PROVIDERS)),
                        );
                    }
                    training.push(entry);
                }
            }
            let attendance = if role == "supervisor_external" {
                1.0
            } else {
                let lo = (70.0 + 26.0 * q) as i64;
                self.d.int(lo, (lo + 6).min(100)) as f64 / 100.0
            };
            let mut m = json!({
                "id": id,
                "name": name,
                "role": role,
                "employment": if full_time { "full_time" } else { "part_time" },
                "employer": employer,
                "start": iso(start),
            });
            if let (Value::Object(o), Some(e)) = (&mut m, end) {
                o.insert("end".to_owned(), json!(iso(e)));
            }
            let rest = json!({
                "local_hire": self.d.by(q, 0.55, 0.75) || role == "assistant",
                "education": {"level": level, "sw_major": sw_major},
                "certificates": certs,
                "duty_statement": self.d.by(q, 0.1, 1.05),
                "attendance_rate": attendance,
                "training": training,
            });
            if let (Value::Object(o), Value::Object(r)) = (&mut m, rest) {
                o.extend(r);
                // Honghe pays one-off awards of 2,000 / 1,000 yuan for certificates won in the
                // period.
                let award = m_award(&o["certificates"]);
                if self.p == Profile::Honghe && award > 0 {
                    let paid = self.d.by(q, 0.5, 0.95);
                    o.insert(
                        "incentive_received_cny".to_owned(),
                        json!(if paid { award } else { 0 }),
                    );
                }
            }
            list.push(m);
        }
        Value::Array(list)
    }

    // ---- framework, operator, premises ------------------------------------------------------

    pub(super) fn volunteers(&mut self) -> Value {
        let q = self.q;
        let registry = self.d.by(q, 0.1, 1.0);
        let registered = if registry {
            self.d.int(10 + (60.0 * q) as i64, 40 + (120.0 * q) as i64)
        } else {
            self.d.int(0, 8)
        };
        let hours = if registered > 0 {
            registered * self.d.int(4, 18)
        } else {
            0
        };
        json!({"registry": registry, "registered": registered, "hours_h": hours})
    }

    // ---- cooperation ------------------------------------------------------------------------
}
