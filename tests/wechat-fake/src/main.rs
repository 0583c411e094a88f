//! `wechat-fake [--bind 127.0.0.1:9090] [--appid ID] [--secret S] [--oa-appid ID]
//! [--oa-secret S] [--token-expires-in SECS] [--errcode-on-success]`: serves the fake until Ctrl-C.

use std::net::TcpListener;

use anyhow::{Context, bail};
use wechat_fake::{CONTROL_ENDPOINTS, FakeConfig, WECHAT_ENDPOINTS};

const USAGE: &str = "usage: wechat-fake [--bind ADDR (127.0.0.1:9090)] [--appid ID] [--secret SECRET] \
[--oa-appid ID] [--oa-secret SECRET] [--token-expires-in SECONDS] [--errcode-on-success]";

struct Args {
    bind: String,
    config: FakeConfig,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let mut parsed = Args {
        bind: "127.0.0.1:9090".to_owned(),
        config: FakeConfig::default(),
    };
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--bind" => parsed.bind = value()?,
            "--appid" => parsed.config.appid = value()?,
            "--secret" => parsed.config.secret = value()?,
            "--oa-appid" => parsed.config.oa_appid = value()?,
            "--oa-secret" => parsed.config.oa_secret = value()?,
            "--token-expires-in" => {
                parsed.config.token_expires_in = value()?
                    .parse()
                    .context("--token-expires-in takes whole seconds")?;
            }
            "--errcode-on-success" => parsed.config.omit_errcode_on_success = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args(std::env::args().skip(1))?;
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let fake = wechat_fake::serve(listener, args.config).context("cannot start the fake")?;

    println!("wechat-fake listening on {}", fake.uri());
    println!("  appid   {}", fake.appid());
    println!("  secret  {}", fake.secret());
    println!(
        "  official account appid {}  secret {}",
        fake.oa_appid(),
        fake.oa_secret()
    );
    println!("WeChat endpoints:");
    for line in WECHAT_ENDPOINTS {
        println!("  {line}");
    }
    println!("Control endpoints (JSON in and out):");
    for line in CONTROL_ENDPOINTS {
        println!("  {line}");
    }

    tokio::signal::ctrl_c()
        .await
        .context("cannot wait for Ctrl-C")?;
    Ok(())
}
