//! `git-https convert URL...`: the HTTPS form of each URL, one a line.

use std::io::Write;

use anyhow::Result;
use serde_json::json;

use crate::cli::ConvertArgs;
use crate::env::Env;
use crate::error;
use crate::output;
use crate::settings;
use crate::url::{self, redact};

pub fn run(args: ConvertArgs, env: &Env) -> Result<u8> {
    let rules = settings::load_host_rules(env, &args.map.maps)?;
    let mut out = output::stdout();
    let mut failed = false;
    for input in &args.urls {
        let shown = redact(input);
        let result = url::to_https(input, &rules);
        if args.json {
            let rec = match &result {
                Ok(c) => {
                    json!({"input": shown, "kind": c.kind, "https": c.https, "stripped_credentials": c.stripped_credentials})
                }
                Err(e) => {
                    json!({"input": shown, "kind": url::parse(input).ok().map(|p| p.kind), "https": null, "error": e.to_string()})
                }
            };
            output::json_line(&mut out, &rec)?;
        }
        match result {
            Ok(c) => {
                if !args.json {
                    writeln!(out, "{}", c.https)?;
                }
                if c.stripped_credentials {
                    output::warn(format!(
                        "{shown}: credentials in the URL (dropped from the HTTPS form); revoke that token"
                    ));
                }
            }
            Err(e) => {
                failed = true;
                out.flush()?;
                output::error_line(format!("{shown}: {e}"));
            }
        }
    }
    out.flush()?;
    Ok(if failed { error::FAILURE } else { error::OK })
}
