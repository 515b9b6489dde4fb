//! `git-https doctor [PATH] [--host H]… [--scan DIR] [--offline] [--json]`: one report of what
//! stands between this machine and working HTTPS remotes (`engine::doctor`), each finding `ok`,
//! `warn` or `fail` with a fix. Exit 1 when any finding fails. It never prints a token.

use std::io::Write;

use anyhow::Result;

use crate::cli::DoctorArgs;
use crate::engine::doctor::{self, DoctorRequest};
use crate::env::Env;
use crate::error;
use crate::ui::output;
use crate::ui::report::{self, Line};

pub fn run(args: DoctorArgs, env: &Env) -> Result<u8> {
    let findings = doctor::diagnose(
        env,
        &DoctorRequest {
            path: args.path,
            hosts: args.hosts,
            scan: args.scan,
            offline: args.offline,
        },
    )?;
    let total = findings.len();
    let failed = findings.iter().filter(|f| f.status == "fail").count();
    let warned = findings.iter().filter(|f| f.status == "warn").count();
    let mut out = output::stdout();
    for f in findings {
        if args.json {
            report::json(&mut out, &Line::Finding(f))?;
        } else {
            f.human(&mut out)?;
        }
    }
    if args.json {
        let summary = report::DoctorSummary {
            checks: total,
            warnings: warned,
            failures: failed,
        };
        report::json(&mut out, &Line::Summary(report::Summary::Doctor(summary)))?;
    }
    out.flush()?;
    if !args.json {
        env.out.note(format!(
            "{}, {}, {}",
            output::count(total, "check", "checks"),
            output::count(warned, "warning", "warnings"),
            output::count(failed, "failure", "failures")
        ));
    }
    Ok(if failed > 0 {
        error::FAILURE
    } else {
        error::OK
    })
}
