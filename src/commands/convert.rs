//! `git-https convert URL...`: the HTTPS form of each URL, one a line.

use std::io::Write;

use anyhow::Result;

use crate::cli::ConvertArgs;
use crate::core::convert;
use crate::core::redact::Redacted;
use crate::core::url;
use crate::env::Env;
use crate::error;
use crate::io::settings;
use crate::ui::output;
use crate::ui::report::{self, Converted, Line};

pub fn run(args: ConvertArgs, env: &Env) -> Result<u8> {
    let rules = settings::load_host_rules(env, &args.map.maps)?;
    let mut out = output::stdout();
    let mut failed = false;
    for input in &args.urls {
        let shown = Redacted::new(input);
        let rec = match convert::to_https(input, &rules) {
            Ok(c) => Converted {
                input: shown.clone(),
                kind: Some(c.kind),
                https: Some(Redacted::new(&c.https)),
                stripped_credentials: Some(c.stripped_credentials),
                error: None,
            },
            Err(e) => {
                failed = true;
                Converted {
                    input: shown.clone(),
                    kind: url::parse(input).ok().map(|p| p.kind),
                    https: None,
                    stripped_credentials: None,
                    error: Some(Redacted::new(&e.to_string())),
                }
            }
        };
        let stripped = rec.stripped_credentials == Some(true);
        if args.json {
            report::json(&mut out, &Line::Convert(rec))?;
        } else {
            rec.human(&mut out)?;
        }
        if stripped {
            output::warn(format!(
                "{shown}: credentials in the URL (dropped from the HTTPS form); revoke that token"
            ));
        }
    }
    out.flush()?;
    Ok(if failed { error::FAILURE } else { error::OK })
}
