//! How the station is assessed: evaluation results, digital platform, incidents.

use super::*;

impl Gen {
    pub(super) fn evaluation(&mut self) -> Value {
        let q = self.q;
        let self_eval = if self.d.by(q, 0.2, 1.05) {
            json!({"date": self.date(day(YEAR, 12, 10), day(YEAR + 1, 1, 5)), "score": (55.0 + 40.0 * q).round()})
        } else {
            json!({"date": null, "score": null})
        };
        let n_surveys = match self.tier {
            Tier::Strong => 1 + usize::from(self.d.chance(0.5)),
            _ => 1,
        };
        let mut surveys = Vec::new();
        for k in 0..n_surveys {
            let sample = match self.tier {
                Tier::Strong => self.d.int(30, 60),
                Tier::Middling => self.d.int(30, 50),
                Tier::Weak => self.d.int(18, 40),
            };
            let rate = self.d.real(0.78 + 0.2 * q, 0.82 + 0.18 * q).min(1.0);
            let date = if n_surveys == 2 && k == 0 {
                self.date(day(YEAR, 6, 1), day(YEAR, 6, 30))
            } else {
                self.date(day(YEAR, 11, 20), day(YEAR, 12, 20))
            };
            surveys.push(json!({
                "date": date,
                "method": self.d.pick(&["paper", "phone", "online", "field"]),
                "sample": sample,
                "satisfied": (sample as f64 * rate).floor() as i64,
            }));
        }
        let aware_sample = if self.d.by(q, 0.0, 1.0) {
            self.d.int(50, 80)
        } else {
            0
        };
        let aware = (aware_sample as f64 * self.d.real(0.3 + 0.4 * q, 0.4 + 0.4 * q)) as i64;
        let mut complaints = Vec::new();
        for _ in 0..self.d.count(0, if self.tier == Tier::Weak { 2 } else { 1 }) {
            let date = self.dz(p0() + 30, p1() - 30);
            let substantiated = self.d.chance(0.5);
            let resolved = if self.d.by(q, 0.2, 1.05) {
                Value::String(iso(date + self.dz(2, 12)))
            } else {
                Value::Null
            };
            complaints.push(
                json!({"date": iso(date), "substantiated": substantiated, "resolved": resolved}),
            );
        }
        let attendees: Vec<String> = self.worker_ids();
        let (n_sup, hours) = match self.tier {
            // Quarterly group supervision of 6.5 hours: 2 hours per worker a month.
            Tier::Strong => (4, 6.5),
            Tier::Middling => (self.d.count(3, 4), 4.5),
            Tier::Weak => (self.d.count(0, 2), 3.0),
        };
        let has_sup = self.staff.iter().any(|p| p.role == "supervisor_external");
        let mut supervision = Vec::new();
        for k in 0..n_sup {
            let date = day(YEAR, (k * 12 / n_sup.max(1)) as u32 + 1, 1) + self.dz(8, 20);
            supervision.push(json!({
                "date": iso(date),
                "supervisor": if has_sup { "SUP1".to_owned() } else { self.person_name() },
                "type": if attendees.len() == 1 { "individual" } else { "group" },
                "hours_h": hours,
                "attendee_ids": attendees.clone(),
            }));
        }
        let mut external = Vec::new();
        if self.d.by(q, 0.3, 1.0) {
            let score: f64 = ((58.0 + 36.0 * q + self.d.real(-3.0, 3.0)) * 2.0).round() / 2.0;
            let grade = if score >= 90.0 {
                "优秀"
            } else if score >= 80.0 {
                "良好"
            } else if score >= 60.0 {
                "合格"
            } else {
                "不合格"
            };
            let by = match self.p {
                Profile::Shiyan => "十堰市民政局中期评估工作专班",
                _ => "第三方评估机构（合成）",
            };
            external.push(json!({
                "type": if self.p == Profile::Shiyan { "mid_term" } else { "annual" },
                "date": self.date(day(YEAR, 6, 15), day(YEAR, 8, 31)),
                "by": by,
                "score": score,
                "grade": grade,
            }));
        }
        let mut rect = Vec::new();
        for _ in 0..self.d.count(0, 2) {
            let deadline = self.dz(day(YEAR, 3, 31), day(YEAR, 10, 31));
            let closed = if self.d.by(q, 0.0, 1.05) {
                Value::String(iso(deadline - self.dz(0, 25)))
            } else if self.d.chance(0.4) {
                Value::String(iso(deadline + self.dz(5, 40)))
            } else {
                Value::Null
            };
            let issue = self.d.pick(&RECTIFICATION);
            rect.push(json!({"issue": issue, "deadline": iso(deadline), "closed": closed}));
        }
        json!({
            "self_evaluation": self_eval,
            "satisfaction_surveys": surveys,
            "awareness_survey": {"sample": aware_sample, "aware": aware},
            "complaints": complaints,
            "supervision": supervision,
            "external_evaluations": external,
            "rectification": rect,
        })
    }

    pub(super) fn digital(&mut self) -> Value {
        let q = self.q;
        let connected = self
            .d
            .by(q, if self.p == Profile::Taicang { 0.6 } else { 0.1 }, 1.05);
        let name = match self.p {
            Profile::Taicang => "太仓市社会工作智慧平台",
            Profile::Honghe => "红河州社会工作服务信息平台",
            Profile::Shiyan => "十堰市社会工作服务信息平台",
            Profile::Generic => "社会工作服务信息平台",
        };
        let total = self.d.int(200, 2400);
        let share = self.d.real(0.5 + 0.5 * q, 0.55 + 0.45 * q).min(1.0);
        if !connected {
            return json!({"platform_connected": false});
        }
        json!({
            "platform_connected": true,
            "platform_name": name,
            "records_total": total,
            "records_digitised": (total as f64 * share) as i64,
        })
    }

    pub(super) fn incidents(&mut self) -> Value {
        let mut out = Vec::new();
        let kind = match self.veto {
            Some(Veto::Financial) => Some((
                "financial_violation",
                "审计发现挪用活动经费用于机构日常开支",
            )),
            Some(Veto::Falsification) => {
                Some(("data_falsification", "多场活动使用同一签到表及照片"))
            }
            Some(Veto::Privacy) => Some(("privacy_breach", "服务对象个人信息在工作群中外泄")),
            Some(Veto::Safety) => Some(("major_safety", "户外活动中发生服务对象严重受伤事故")),
            Some(Veto::OtherSerious) => Some(("other_serious", "站点被查实违规收费并引发负面舆情")),
            _ => None,
        };
        if let Some((t, note)) = kind {
            let date = self.date(p0() + 60, p1() - 20);
            out.push(json!({"date": date, "type": t, "substantiated": true, "note": note}));
        } else if self.tier == Tier::Weak && self.d.chance(0.15) {
            let date = self.date(p0() + 60, p1() - 20);
            out.push(json!({"date": date, "type": "other_serious", "substantiated": false, "note": "群众反映站点长期关门，经核查不属实"}));
        }
        json!(out)
    }
}
