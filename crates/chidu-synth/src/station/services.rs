//! What the station does: partners, service catalogue, beneficiary registry, service records, rooms, brand, on-site checks.

use super::*;

impl Gen {
    pub(super) fn cooperation(&mut self) -> Value {
        let q = self.q;
        let county = self.place.county;
        let office = format!("{}民政办", self.township_short());
        let mut partners = Vec::new();
        let since =
            |d: &mut Draw| iso(d.int(day(2021, 6, 1) as i64, day(YEAR, 5, 31) as i64) as i32);
        let ca_name = if self.d.chance(0.5) {
            format!("{}民政局", county.name)
        } else {
            office.clone()
        };
        let s0 = since(&mut self.d);
        let agreement = self.d.by(q, 0.2, 1.0);
        partners.push(partner(&ca_name, "civil_affairs", agreement, s0));
        self.partners.push(ca_name);
        let short = self.township_short();
        // Taicang's "1+3+N" mechanism brings research institutes, charities and firms in.
        let rich = self.p == Profile::Taicang;
        let mut wanted: Vec<(String, &str, f64)> = vec![
            (
                format!("{}某青少年事务服务中心", county.short),
                "sw_org",
                0.0,
            ),
            (
                "某高校社会工作系".to_owned(),
                "research_institute",
                if rich { -0.4 } else { -1.0 },
            ),
        ];
        let depts = if rich { 3 } else { 2 };
        for (n, k) in self
            .d
            .subset(LIVELIHOOD.len(), depts)
            .into_iter()
            .enumerate()
        {
            wanted.push((
                format!("{short}{}", LIVELIHOOD[k]),
                "livelihood_dept",
                0.3 - 0.25 * n as f64,
            ));
        }
        if let Some(v) = self.villages.first() {
            let committee = match v.strip_suffix('村') {
                Some(stem) => format!("{stem}村民委员会"),
                None => format!("{v}居民委员会"),
            };
            wanted.push((committee, "village_committee", 0.4));
        }
        let org = self.d.pick(&COMMUNITY_ORGS);
        wanted.push((
            format!("{}{org}", self.place.stem),
            "community_social_org",
            0.0,
        ));
        wanted.push((
            format!("{}志愿服务队", self.place.stem),
            "volunteer_team",
            0.1,
        ));
        wanted.push((
            format!("{}慈善总会", county.short),
            "charity",
            if rich { -0.3 } else { -1.0 },
        ));
        wanted.push((
            "某企业爱心基金".to_owned(),
            "enterprise",
            if rich { -0.5 } else { -1.2 },
        ));
        for (name, kind, lo) in wanted {
            if self.d.by(q, lo, 1.0) {
                let s = since(&mut self.d);
                let agreement = self.d.by(q, 0.2, 1.03);
                partners.push(partner(&name, kind, agreement, s));
                self.partners.push(name);
            }
        }

        let ca_meetings = match self.tier {
            Tier::Strong => self.d.count(4, 6),
            Tier::Middling => self.d.count(2, 4),
            Tier::Weak => self.d.count(0, 2),
        };
        let mut meetings: Vec<i32> = (0..ca_meetings)
            .map(|k| {
                let span = 365 / ca_meetings.max(1) as i32;
                p0() + k as i32 * span + (self.d.below(span.max(1) as u64) as i32)
            })
            .collect();
        meetings.sort_unstable();
        let joint_n = match self.tier {
            Tier::Strong => 4,
            Tier::Middling => self.d.count(1, 3),
            Tier::Weak => self.d.count(0, 1),
        };
        let mut joint = Vec::new();
        for k in 0..joint_n {
            let date = p0() + 70 + k as i32 * 91 + self.d.int(-10, 10) as i32;
            joint.push(json!({
                "date": iso(date),
                "participants": self.d.int(6, 16),
                "minutes": self.d.by(q, 0.2, 1.05),
            }));
        }
        let refs_n = match self.tier {
            Tier::Strong => self.d.count(1, 3),
            Tier::Middling => self.d.count(0, 1),
            Tier::Weak => 0,
        };
        let mut referrals = Vec::new();
        for _ in 0..refs_n {
            let date = self.date(p0() + 30, p1() - 20);
            let to = self.d.pick(&REFERRAL_TARGETS);
            referrals.push(json!({
                "date": date,
                "to": format!("{}{}", if to.starts_with('县') { county.short } else { "" }, to),
                "beneficiary_id": format!("B{:04}", self.d.int(1, 600)),
                "feedback_received": self.d.by(q, 0.2, 1.05),
            }));
        }
        let cultivated = match self.tier {
            Tier::Strong => self.d.int(2, 4),
            Tier::Middling => self.d.int(0, 2),
            Tier::Weak => 0,
        };
        let scale = if self.p == Profile::Taicang { 2 } else { 1 };
        let cash = (self.d.int(0, (30_000.0 * q * q) as i64) * scale) / 100 * 100;
        let kind = (self.d.int(500, (25_000.0 * q) as i64 + 600) * scale) / 100 * 100;
        json!({
            "partners": partners,
            "civil_affairs_meetings": meetings.into_iter().map(iso).collect::<Vec<_>>(),
            "joint_meetings": joint,
            "referrals": referrals,
            "community_orgs_cultivated": cultivated,
            "resources_linked": {"cash_cny": cash, "in_kind_cny": kind},
        })
    }

    // ---- services ---------------------------------------------------------------------------

    pub(super) fn catalogue(&mut self) -> Value {
        let q = self.q;
        let main = [
            "social_assistance",
            "child_welfare",
            "elderly_care",
            "social_affairs",
            "grassroots_governance",
        ];
        // Every station assists with social assistance; the others depend on the station.
        let mut domains = vec!["social_assistance"];
        let k = match self.tier {
            Tier::Strong => 4,
            Tier::Middling => self.d.count(3, 4),
            Tier::Weak => self.d.count(1, 2),
        };
        for i in self.d.subset(4, k) {
            domains.push(main[i + 1]);
        }
        if self.d.by(q, 0.1, 0.9) {
            domains.push("disability");
        }
        domains.sort_by_key(|d| DOMAINS.iter().position(|x| x == d).unwrap_or(0));
        self.domains = domains.clone();
        let mut basic = Vec::new();
        for (n, dom) in domains.iter().enumerate() {
            let names = basic_services(dom);
            basic.push(json!({"code": format!("B{:02}", n + 1), "name": self.d.pick(names), "domain": dom}));
        }
        let mut personalised = Vec::new();
        let np = match self.tier {
            Tier::Strong => 1,
            Tier::Middling => 0,
            Tier::Weak => 0,
        };
        for k in self.d.subset(PERSONALISED.len(), np) {
            let (cat, items) = PERSONALISED[k];
            personalised.push(json!({"category": cat, "items": items}));
        }
        json!({"basic": basic, "personalised": personalised})
    }

    pub(super) fn registry(&mut self) -> Value {
        let q = self.q;
        let cats: &[&str] = match self.p {
            Profile::Honghe => &[
                "dibao",
                "tekun",
                "left_behind_child",
                "left_behind_elderly",
                "severe_disability",
                "child_in_distress",
                "de_facto_unsupported_child",
            ],
            Profile::Shiyan => &[
                "dibao",
                "tekun",
                "left_behind_child",
                "left_behind_elderly",
                "left_behind_women",
                "disability",
                "child_in_distress",
            ],
            Profile::Taicang => &[
                "dibao",
                "tekun",
                "living_alone_elderly",
                "empty_nest_elderly",
                "child_in_distress",
                "severe_disability",
                "family_planning_special",
            ],
            Profile::Generic => &[
                "dibao",
                "dibao_marginal",
                "tekun",
                "left_behind_child",
                "living_alone_elderly",
                "severe_disability",
                "expenditure_hardship",
            ],
        };
        let n = match self.tier {
            Tier::Strong => self.d.count(4, 5),
            Tier::Middling => self.d.count(3, 4),
            Tier::Weak => self.d.count(2, 3),
        };
        let mut pick = vec![0usize, 1];
        for k in self.d.subset(cats.len() - 2, n.saturating_sub(2)) {
            pick.push(k + 2);
        }
        let mut rows = Vec::new();
        let mut total = 0i64;
        for k in pick {
            let cat = cats[k];
            let registered = match cat {
                "dibao" => self.d.int(60, 200),
                "tekun" => self.d.int(15, 60),
                _ => self.d.int(10, 120),
            };
            total += registered;
            let served =
                (registered as f64 * self.d.real(0.25 + 0.72 * q, 0.3 + 0.72 * q).min(1.0)) as i64;
            let visited =
                (served as f64 * self.d.real(0.3 + 0.7 * q, 0.4 + 0.65 * q).min(1.0)) as i64;
            let high = (registered as f64 * self.d.real(0.03, 0.15)) as i64;
            let with_plan = (high as f64 * (q * 1.1).min(1.0)).round() as i64;
            rows.push(json!({
                "category": cat,
                "registered": registered,
                "served": served,
                "visited_per_cycle": visited,
                "high_risk": high,
                "high_risk_with_plan": with_plan.min(high),
            }));
        }
        let coverage = self.d.real(0.55 + 0.45 * q, 0.6 + 0.42 * q).min(1.0);
        let roll = (total as f64 / coverage).round() as i64;
        let updated = if self.d.by(q, 0.0, 1.05) {
            self.date(day(YEAR, 10, 8), day(YEAR, 12, 28))
        } else {
            self.date(day(YEAR - 1, 9, 1), day(YEAR, 7, 31))
        };
        json!({"official_roll_count": roll, "last_updated": updated, "categories": rows})
    }

    pub(super) fn services(&mut self) -> Value {
        let q = self.q;
        let workers = self.worker_ids();
        let f = self.ftsw.max(1) as i64;
        // Cases.
        let per = match self.tier {
            Tier::Strong => self.d.int(10, 14),
            Tier::Middling => self.d.int(6, 10),
            Tier::Weak => self.d.int(1, 4),
        };
        let case_total = if self.ftsw == 0 {
            self.d.int(0, 2)
        } else {
            per * f
        };
        let closed = case_total * self.d.int(55, 80) / 100;
        let all_steps =
            (closed as f64 * self.d.real(0.2 + 0.75 * q, 0.25 + 0.75 * q).min(1.0)) as i64;
        let complete =
            (case_total as f64 * self.d.real(0.1 + 0.9 * q, 0.15 + 0.85 * q).min(1.0)) as i64;
        let measured = (closed as f64 * self.d.real(0.1 + 0.8 * q, 0.2 + 0.8 * q).min(1.0)) as i64;
        let n_cases = match self.tier {
            Tier::Strong => 1,
            Tier::Middling => self.d.count(0, 1),
            Tier::Weak => 0,
        }
        .min(case_total as usize);
        let mut cases = Vec::new();
        for k in 0..n_cases {
            let dom = self.d.pick(&self.domains);
            let closed_case = k == 0 && closed > 0;
            // Closed cases start early enough to close in the period; open ones are mid-way.
            let intake = if closed_case {
                self.dz(p0() + 5, p0() + 150)
            } else {
                self.dz(p0() + 60, p1() - 150)
            };
            let full = self.d.by(q, 0.1, 1.05);
            let assess = intake + self.dz(2, 10);
            let plan = assess + self.dz(3, 12);
            let nint = self.d.count(2, 4);
            let mut ints = Vec::new();
            let mut last = plan;
            for _ in 0..nint {
                last += self.dz(10, 28);
                ints.push(iso(last));
            }
            let eval = last + self.dz(10, 30);
            let close = eval + self.dz(2, 10);
            cases.push(json!({
                "id": format!("C{YEAR}-{:03}", self.d.int(1, case_total.max(1))),
                "beneficiary_id": format!("B{:04}", self.d.int(1, 600)),
                "domain": dom,
                "worker_id": self.d.pick(&workers.iter().map(String::as_str).collect::<Vec<_>>()),
                "steps": {
                    "intake": iso(intake),
                    "assessment": iso(assess),
                    "plan": if full { Value::String(iso(plan)) } else { Value::Null },
                    "interventions": ints,
                    "evaluation": if closed_case { Value::String(iso(eval)) } else { Value::Null },
                    "closure": if closed_case { Value::String(iso(close)) } else { Value::Null },
                },
                "status": if closed_case { "closed" } else { "open" },
                "outcome_measured": closed_case && self.d.by(q, 0.2, 1.0),
                "supervisor_reviewed": self.d.by(q, 0.0, 1.05),
            }));
        }
        // Groups.
        let gper = match self.tier {
            Tier::Strong => self.d.int(2, 3),
            Tier::Middling => self.d.int(1, 2),
            Tier::Weak => self.d.int(0, 1),
        };
        let group_total = if self.ftsw == 0 { 0 } else { gper * f };
        let with_min = if self.tier == Tier::Strong {
            group_total
        } else {
            (group_total as f64 * self.d.real(0.3 + 0.6 * q, 0.4 + 0.6 * q).min(1.0)) as i64
        };
        let evaluated =
            (group_total as f64 * self.d.real(0.1 + 0.85 * q, 0.2 + 0.8 * q).min(1.0)) as i64;
        let n_groups = match self.tier {
            Tier::Strong => 1,
            Tier::Middling => self.d.count(0, 1),
            Tier::Weak => self.d.count(0, 1),
        }
        .min(group_total as usize);
        let mut groups = Vec::new();
        let mut group_attendance = 0i64;
        for k in 0..n_groups {
            let (title, dom, target) = self.d.pick(&GROUPS);
            let planned = self.d.count(4, 6);
            let held = if (k as i64) < with_min {
                planned
            } else {
                self.d.count(1, 3)
            };
            let start = self.dz(p0() + 40, p1() - 90);
            let gap = self.dz(6, 14);
            let size = self.d.int(6, 14);
            let mut sessions = Vec::new();
            for s in 0..held {
                let att = (size - self.d.int(0, 3)).max(3);
                group_attendance += att;
                sessions.push(json!({"date": iso(start + s as i32 * gap), "attendance": att}));
            }
            groups.push(json!({
                "id": format!("G{YEAR}-{:02}", k + 1),
                "title": title,
                "domain": dom,
                "target": target,
                "planned_sessions": planned,
                "sessions": sessions,
                "evaluation_done": (k as i64) < evaluated,
            }));
        }
        // Volume: reported person-times follow what the records support.
        let tier_factor = match self.tier {
            Tier::Strong => 1.4,
            Tier::Middling => 0.95,
            Tier::Weak => 0.5,
        };
        let target = self.s.person_times
            * tier_factor
            * self.place.county.volume
            * self.d.real(0.82, 1.18)
            * if self.ftsw == 0 { 0.4 } else { 1.0 };
        let ratio = if self.has(Veto::OverReported) {
            self.d.real(1.9, 2.6)
        } else {
            self.d.real(1.0, 1.2)
        };
        let recomputed = (target / ratio).round() as i64;
        let act_total = match self.tier {
            Tier::Strong => self.d.int(14, 24),
            Tier::Middling => self.d.int(8, 14),
            Tier::Weak => self.d.int(2, 6),
        };
        let act_participants = ((recomputed as f64) * self.d.real(0.35, 0.5)) as i64;
        let act_participants = act_participants.max(act_total * 15);
        let visits_total =
            (recomputed - act_participants - group_attendance - case_total).max(act_total);
        let home =
            (visits_total as f64 * self.d.real(0.35 + 0.3 * q, 0.45 + 0.3 * q).min(0.95)) as i64;
        let recomputed = act_participants + group_attendance + case_total + visits_total;
        let person_times = (recomputed as f64 * ratio).round() as i64;
        let act_volunteers = act_total * self.d.int(1, (4.0 + 10.0 * q) as i64);
        let n_acts = match self.tier {
            Tier::Strong => 3,
            Tier::Middling => 2,
            Tier::Weak => 1,
        }
        .min(act_total as usize);
        let mut acts = Vec::new();
        let mut seen = Vec::new();
        let mean = (act_participants / act_total.max(1)).max(10);
        let months = self.d.subset(12, n_acts);
        for (k, month) in months.into_iter().enumerate() {
            let (title, dom) = loop {
                let a = self.d.pick(&ACTIVITIES);
                let local = self.p == Profile::Honghe && self.d.chance(0.3);
                let a = if local {
                    self.d.pick(&ACTIVITIES_YUNNAN)
                } else {
                    a
                };
                if !seen.contains(&a.0) || seen.len() >= 8 {
                    break a;
                }
            };
            seen.push(title);
            let date = day(YEAR, month as u32 + 1, 1) + self.dz(0, 26);
            let partner = if !self.partners.is_empty() && self.d.by(q, 0.2, 0.8) {
                let i = self.d.below(self.partners.len() as u64) as usize;
                vec![self.partners[i].clone()]
            } else {
                Vec::new()
            };
            let participants = (mean as f64 * self.d.real(0.6, 1.4)) as i64;
            acts.push(json!({
                "id": format!("A{YEAR}-{:02}", k + 1),
                "date": iso(date),
                "title": title,
                "domain": dom,
                "participants": participants.max(8),
                "volunteers": self.d.int(0, (2.0 + 14.0 * q) as i64),
                "partner_ids": partner,
            }));
        }
        let crisis_n = match self.tier {
            Tier::Strong => self.d.count(0, 2),
            Tier::Middling => self.d.count(0, 1),
            Tier::Weak => 0,
        };
        let mut crisis = Vec::new();
        for k in 0..crisis_n {
            let hours = if self.d.by(q, 0.2, 1.05) {
                self.d.int(1, 12)
            } else {
                self.d.int(26, 72)
            };
            crisis.push(json!({"id": format!("K{YEAR}-{:02}", k + 1), "reported": self.date(p0() + 20, p1() - 10), "hours_to_response": hours}));
        }
        let total_h =
            ((f * self.d.int(1300, 1750)) as f64 * (0.5 + 0.5 * q) / 10.0).round() as i64 * 10;
        let outreach = (total_h as f64 * self.d.real(0.3 + 0.4 * q, 0.35 + 0.4 * q) / 10.0).round()
            as i64
            * 10;
        let by_domain = split(&mut self.d, person_times, &self.domains);
        json!({
            "cases": cases,
            "case_summary": {
                "total": case_total,
                "closed": closed,
                "closed_all_steps": all_steps,
                "complete_files": complete,
                "outcome_measured": measured,
            },
            "groups": groups,
            "group_summary": {"total": group_total, "with_min_sessions": with_min, "evaluation_done": evaluated},
            "activities": acts,
            "activity_summary": {"total": act_total, "participants": act_participants, "volunteers": act_volunteers},
            "visit_summary": {"total": visits_total, "home_visit": home, "phone": visits_total - home},
            "crisis": crisis,
            "policy_publicity_events": match self.tier {
                Tier::Strong => self.d.int(5, 12),
                Tier::Middling => self.d.int(2, 6),
                Tier::Weak => self.d.int(0, 2),
            },
            "casework_assistance_count": self.d.int((40.0 * q * q) as i64, (60.0 * q) as i64 + 1),
            "service_hours": {"total_h": total_h, "community_household_h": outreach},
            "person_times": person_times,
            "person_times_by_domain": by_domain,
        })
    }

    pub(super) fn rooms(&mut self) -> (Value, Value) {
        let q = self.q;
        let total = self.villages.len();
        let coverage = match self.tier {
            Tier::Strong => 1.0,
            Tier::Middling => self.d.real(0.6, 0.95),
            Tier::Weak => self.d.real(0.1, 0.45),
        };
        let with_room = ((total as f64 * coverage).round() as usize).min(total);
        let delivering =
            ((with_room as f64) * self.d.real(0.2 + 0.75 * q, 0.3 + 0.7 * q).min(1.0)) as usize;
        let sample = match self.tier {
            Tier::Strong => 2,
            Tier::Middling => 1,
            Tier::Weak => 0,
        }
        .min(with_room);
        let workers = self.worker_ids();
        let codes: Vec<String> = (1..=5).map(|k| format!("B{k:02}")).collect();
        let mut rooms = Vec::new();
        for k in 0..sample {
            let v = self.villages[k].clone();
            let good = k < delivering;
            let delivered: Vec<&String> = if good {
                codes.iter().take(self.d.count(4, 5)).collect()
            } else {
                codes.iter().take(self.d.count(0, 2)).collect()
            };
            let assigned = if good || self.d.chance(0.5) {
                Value::String(workers[k % workers.len().max(1)].clone())
            } else {
                Value::Null
            };
            rooms.push(json!({
                "id": format!("R{:02}", k + 1),
                "name": format!("{v}社工室"),
                "village_code": format!("{}{:03}", self.place.township_code, k + 1),
                "has_room": true,
                "area_m2": if good { self.d.int(16, 36) } else { self.d.int(6, 16) },
                "sign": good || self.d.chance(0.5),
                "assigned_staff_id": assigned,
                "basic_services_delivered": delivered,
            }));
        }
        (
            json!(rooms),
            json!({"total": total, "with_room": with_room, "delivering_min_items": delivering}),
        )
    }

    pub(super) fn brand(&mut self) -> Value {
        let q = self.q;
        if !self.d.by(q, 0.0, 1.1) {
            return json!({"documented": false});
        }
        let (suffix, description) = if self.p == Profile::Honghe && self.d.chance(0.5) {
            self.d.pick(&BRANDS_YUNNAN)
        } else {
            self.d.pick(&BRANDS)
        };
        let started = if self.d.by(q, 0.0, 1.0) {
            self.date(day(2022, 3, 1), day(YEAR, 5, 31))
        } else {
            self.date(day(YEAR, 7, 1), day(YEAR, 10, 31))
        };
        json!({
            "name": format!("{}{}", self.place.stem, suffix),
            "description": description,
            "started": started,
            "documented": self.d.by(q, 0.0, 1.1),
        })
    }

    pub(super) fn onsite(&mut self) -> Value {
        let q = self.q;
        let (days, hours, schedule) = if self.d.by(q, 0.1, 1.05) {
            (5, 40, "周一至周五 8:30-12:00，14:30-18:00")
        } else if self.d.chance(0.6) {
            (5, 35, "周一至周五 9:00-12:00，14:30-17:30")
        } else {
            (3, 18, "每周一、三、五上午")
        };
        let unattended = self.has(Veto::Unattended);
        let n = match self.tier {
            Tier::Strong => self.d.count(1, 2),
            _ => 1,
        }
        .max(if unattended { 2 } else { 1 });
        let inspectors: &[&str] = &[
            match self.p {
                Profile::Honghe => "州民政局",
                Profile::Shiyan | Profile::Taicang => "市民政局",
                Profile::Generic => "县民政局",
            },
            "县民政局",
            "第三方评估机构",
        ];
        let mut inspections = Vec::new();
        let expected = (self.ftsw as i64).max(1);
        for k in 0..n {
            let date = p0() + 60 + (k as i32) * (280 / n as i32) + self.dz(0, 30);
            let by = inspectors[k % inspectors.len()];
            if unattended {
                inspections.push(json!({
                    "date": iso(date), "by": by, "unannounced": true, "staff_expected": expected,
                    "staff_present": 0, "hours_match": false, "findings": ["unattended"],
                }));
                continue;
            }
            let present = if self.d.by(q, 0.3, 1.05) {
                expected
            } else {
                (expected - 1).max(0)
            };
            let mut findings = Vec::new();
            if present == 0 {
                findings.push("unattended");
            }
            if self.d.by(q, 0.25, 0.0) {
                findings.push(self.d.pick(&["misuse", "unclean"]));
            }
            if findings.is_empty() {
                findings.push("none");
            }
            inspections.push(json!({
                "date": iso(date),
                "by": by,
                "unannounced": self.d.chance(0.7),
                "staff_expected": expected,
                "staff_present": present,
                "hours_match": self.d.by(q, 0.3, 1.05),
                "findings": findings,
            }));
        }
        let drills = if self.d.by(q, 0.05, 1.05) {
            vec![self.date(day(YEAR, 7, 10), day(YEAR, 12, 10))]
        } else if self.d.chance(0.5) {
            vec![self.date(day(YEAR - 1, 9, 1), day(YEAR, 5, 31))]
        } else {
            Vec::new()
        };
        let ext = if self.d.by(q, 0.2, 1.05) {
            self.date(day(YEAR + 1, 8, 31), day(YEAR + 2, 6, 30))
        } else {
            self.date(day(YEAR - 1, 6, 30), day(YEAR + 1, 5, 31))
        };
        json!({
            "opening_hours": {
                "days_per_week": days,
                "weekly_hours": hours,
                "schedule": schedule,
                "publicly_displayed": self.d.by(q, 0.1, 1.05),
            },
            "reception_log_months": if unattended { self.d.int(0, 3) } else { self.d.int((4.0 + 8.0 * q) as i64, 12) },
            "safety": {
                "extinguisher_valid_until": ext,
                "emergency_plan": self.d.by(q, 0.1, 1.05),
                "drills": drills,
                "first_aid_kit": self.d.by(q, 0.2, 1.0),
            },
            "inspections": inspections,
        })
    }
}
