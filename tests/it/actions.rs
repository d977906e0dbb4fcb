//! Next actions on small.json, ranked by hand with the default coefficients (overdue 2 a day,
//! blocking 1 an instance, gate weight 5, severity 20, phase distance 3).
//!
//! On 2026-04-20 the current phase is `spread` (see readiness.rs) and its barrier is the missing
//! ambassador in Support (weight 1). Sales' practice task was due on 04-17; Support's training is
//! ready and one open instance (Support's practice task) waits on it; the weekly meeting is ready.

use teichaku::metrics::{KpiOptions, kpis};
use teichaku::rollout::{ActionScope, Reason, next_actions, plan, readiness};

use crate::support::{load, member, small, unit};

#[test]
fn the_overdue_practice_task_comes_first_then_the_barrier() {
    let snapshot = load(&small()).unwrap();
    let as_of = "2026-04-20".parse().unwrap();
    let report = kpis(&snapshot, as_of, &KpiOptions::default()).unwrap();
    let ready = readiness(&snapshot, &report);
    let p = plan(&snapshot, as_of);
    let actions = next_actions(&snapshot, &report, &p, &ready, None).actions;

    let ranked: Vec<(&str, ActionScope, f64)> = actions.iter().map(|a| (a.code.as_str(), a.scope, a.urgency)).collect();
    assert_eq!(
        ranked,
        [
            ("activity:practice-task", ActionScope::Unit(unit(2)), 6.0), // 3 days late × 2
            ("barrier:ambassadors", ActionScope::Organisation, 5.0),     // gate weight 1 × 5
            ("activity:training", ActionScope::Unit(unit(3)), 1.0),      // blocks 1 open instance
            ("activity:weekly-meeting", ActionScope::Organisation, 0.0),
        ]
    );
    let first = &actions[0];
    assert_eq!(first.members, vec![member(0x103)], "Sales' manager");
    assert!(matches!(&first.reasons[..], [Reason::Overdue { days_late: 3, .. }]));
    assert_eq!(actions[1].members, vec![member(0x102)], "the promotion lead");
}

#[test]
fn a_silent_executive_fires_its_intervention() {
    // Three months on (2026-07-01, 91 days after launch) with no new use: the executive's last use
    // was 04-14, so the inline playbook's `executive-silent` fires (days since ≥ 14).
    let snapshot = load(&small()).unwrap();
    let as_of = "2026-07-01".parse().unwrap();
    let report = kpis(&snapshot, as_of, &KpiOptions::default()).unwrap();
    let ready = readiness(&snapshot, &report);
    let p = plan(&snapshot, as_of);
    let actions = next_actions(&snapshot, &report, &p, &ready, None).actions;
    let silent = actions.iter().find(|a| a.code == "intervention:executive-silent").expect("fired");
    assert_eq!(silent.members, vec![member(0x101)]);
    assert!((silent.urgency_terms.severity - 20.0 * 0.7).abs() < 1e-12);
    // Shuffling nothing changes nothing: the same input gives the same order.
    let again = next_actions(&snapshot, &report, &p, &ready, None).actions;
    assert_eq!(actions, again);
}
