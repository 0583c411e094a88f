use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use huodongri::{
    cli,
    config::{Environment, Settings, unknown_app_variables},
    db,
    startup::Application,
    telemetry,
};

/// Huodongri (活动日): the monthly unified activity day of grassroots Party organisations.
#[derive(Parser)]
#[command(name = "huodongri", version)]
struct Cli {
    /// An extra YAML settings file, applied over the built-in defaults.
    #[arg(long, global = true, env = "HUODONGRI_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default). Migrations run first.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(StoreArgs),
    /// Operator tasks: organisations, the first administrator, tokens for scripts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Seed a small demo city (idempotent) and print how to sign in as each role.
    Demo(StoreArgs),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Catch up with the official account's whole follower list (when the account is first
    /// connected, or after pushes may have been missed); needs the wechat.oa_* settings.
    SyncFollowers {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Create an organisation; the city root has no --parent-code.
    CreateOrg {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// city, district, committee, branch or community
        #[arg(long)]
        kind: String,
        #[arg(long)]
        parent_code: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Create a person who administers an organisation's subtree (org-department admin).
    Create {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        org_code: String,
        /// Read a password for browser login from standard input (never from the command line).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Print an access token for a person (recorded, revocable and audited), for scripts.
    Token {
        #[arg(long)]
        phone: String,
        /// 30m, 12h … (at most auth.admin_token_max_ttl_secs, one day by default)
        #[arg(long, default_value = "15m")]
        ttl: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// End every token `admin token` printed for a person, at once (audited).
    RevokeTokens {
        #[arg(long)]
        phone: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Args, Default)]
struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080 (application.bind).
    #[arg(long)]
    bind: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Args, Default)]
struct StoreArgs {
    /// Where the embedded SQLite file and generated secrets live (application.data_dir).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let environment = Environment::from_env().map_err(anyhow::Error::msg)?;
    let mut settings = Settings::load(environment, cli.config.as_deref())
        .context("the settings could not be loaded")?;
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    let store = match &command {
        Command::Serve(args) => &args.store,
        Command::Migrate(args) | Command::Demo(args) => args,
        Command::Admin(
            AdminCommand::CreateOrg { store, .. }
            | AdminCommand::Create { store, .. }
            | AdminCommand::Token { store, .. }
            | AdminCommand::RevokeTokens { store, .. }
            | AdminCommand::SyncFollowers { store },
        ) => store,
    };
    if let Some(dir) = &store.data_dir {
        settings.application.data_dir = dir.clone();
    }
    if let Command::Serve(ServeArgs {
        bind: Some(bind), ..
    }) = &command
    {
        settings.application.bind = bind.clone();
    }
    // The server logs to stdout; one-off commands keep stdout for their output (a token,
    // a report) and log to stderr.
    if matches!(command, Command::Serve(_)) {
        telemetry::init(settings.application.log_format, std::io::stdout);
    } else {
        telemetry::init(settings.application.log_format, std::io::stderr);
    }
    for name in unknown_app_variables() {
        tracing::warn!(variable = %name, "this APP_ variable matches no setting and is ignored");
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        match command {
            Command::Serve(_) => {
                let app = Application::build(settings).await?;
                app.run_until_terminated().await?;
                tracing::info!("stopped");
            }
            Command::Migrate(_) => {
                let connection = connect(&settings).await?;
                println!("{} migration(s) applied", db::migrate(&connection).await?);
            }
            Command::Admin(admin) => run_admin(admin, &settings).await?,
            Command::Demo(_) => {
                let connection = connect(&settings).await?;
                db::migrate(&connection).await?;
                let logins = cli::seed_demo(&connection).await?;
                let leaders = huodongri::duties::demo::seed(&connection).await?;
                let cases = huodongri::deputies::demo::seed(&connection).await?;
                let notices = huodongri::org_life::demo::seed(&connection).await?;
                println!("Demo city 扬州市 is ready. Sign in as any of these with an access token:");
                for login in &logins {
                    println!("  {:<16} {:<14} {:<22} huodongri admin token --phone {}", login.role, login.name, login.org, login.phone);
                }
                if leaders > 0 {
                    println!("{leaders} leading cadres have contact points and a half-done year of duties (GET /api/v1/people/{{id}}/duties).");
                }
                if cases > 0 {
                    println!("A deputies' studio has this month's and next month's rota and {cases} cases in several states (GET /api/v1/studios, /api/v1/me/matters).");
                }
                if notices > 0 {
                    println!("{notices} Party-affairs notices are published (GET /api/v1/me/notices), two branches are paired for the year (GET /api/v1/orgs/{{id}}/pairs), the city holds a themed activity next month at three branches' venues (GET /api/v1/orgs/{{id}}/themed-activities); political birthdays of this month: GET /api/v1/orgs/{{id}}/political-birthdays?month=M.");
                }
                println!("Then call the API with: curl -H \"Authorization: Bearer <token>\" http://{}/api/v1/me", settings.application.bind);
                let console_logins = cli::demo_console_passwords(&connection, &logins).await?;
                println!("The browser console is at http://{}/console/ ; sign in as:", settings.application.bind);
                for login in &console_logins {
                    println!("  {:<14} {:<22} phone {}  password {}", login.role_label, login.org_name, login.phone, login.password);
                }
                let mut demo = cli::seed_demo_activity(&connection, &settings.checkin).await?;
                demo.console_logins = console_logins;
                let path = settings.application.data_dir.join("demo.json");
                std::fs::write(&path, serde_json::to_vec_pretty(&demo)?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                println!(
                    "Activity {} (code {}) is open for check-in until {}; its organiser is {} and {} members are expected. Details: {}",
                    demo.activity_id, demo.activity_code, demo.checkin_closes_at, demo.organiser_phone,
                    demo.participant_phones.len(), path.display()
                );
            }
        }
        Ok(())
    })
}

async fn connect(settings: &Settings) -> anyhow::Result<sea_orm::DatabaseConnection> {
    db::connect(&settings.database, &settings.application.data_dir).await
}

async fn run_admin(command: AdminCommand, settings: &Settings) -> anyhow::Result<()> {
    let connection = connect(settings).await?;
    db::migrate(&connection).await?;
    match command {
        AdminCommand::CreateOrg {
            code,
            name,
            kind,
            parent_code,
            ..
        } => {
            let id =
                cli::create_org(&connection, &code, &name, &kind, parent_code.as_deref()).await?;
            println!("organisation {code} created (id {id})");
        }
        AdminCommand::Create {
            phone,
            name,
            org_code,
            password_stdin,
            ..
        } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("cannot read the password")?;
                Some(line.trim_end_matches(['\n', '\r']).to_owned())
            } else {
                None
            };
            let id = cli::create_admin(&connection, &phone, &name, &org_code, password.as_deref())
                .await?;
            println!("administrator {name} (id {id}) now manages {org_code}");
        }
        AdminCommand::Token { phone, ttl, .. } => {
            let ttl = cli::parse_ttl(&ttl)?;
            println!(
                "{}",
                cli::issue_token(&connection, settings, &phone, ttl).await?
            );
        }
        AdminCommand::RevokeTokens { phone, .. } => {
            let revoked = cli::revoke_tokens(&connection, &phone).await?;
            println!("{revoked} token(s) revoked");
        }
        AdminCommand::SyncFollowers { .. } => {
            let report = cli::sync_followers(&connection, settings).await?;
            println!(
                "{} follower(s) listed by WeChat, {} newly joined, {} left",
                report.listed, report.joined, report.left
            );
        }
    }
    Ok(())
}
