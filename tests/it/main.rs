//! The teichaku integration tests, in one binary: validation, robustness, playbooks and the demo.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

mod actions;
mod activity_recent;
mod api;
mod bad_input;
mod calibration;
mod dated_facts;
mod demo;
mod fuzz_regressions;
mod granularity;
mod html_report;
mod ingest;
mod japanese;
mod kpi_days;
mod metrics;
mod org_targets;
mod outcomes;
mod own_keys;
mod playbooks;
mod readiness;
mod record_figures;
mod reproducible;
mod review_days;
mod robustness;
mod rollout_semantics;
mod schedule;
mod scope_kpis;
mod shards;
mod support;
mod targets;
mod trust_depth;
mod trust_edges;
mod trust_evaluate;
mod trust_io;
mod trust_privacy;
mod trust_rest;
mod trust_scale;
mod validation;
mod vendors;
mod versioning;
mod walks;
mod wave_effect;
mod whatif;
