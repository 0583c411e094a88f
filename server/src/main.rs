use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use huodongri::{
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
        Command::Migrate(args) => args,
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
    telemetry::init(settings.application.log_format, std::io::stdout);
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
                app.run_until_stopped().await?;
                tracing::info!("stopped");
            }
            Command::Migrate(_) => {
                let connection =
                    db::connect(&settings.database, &settings.application.data_dir).await?;
                let applied = db::migrate(&connection).await?;
                println!("{applied} migration(s) applied");
            }
        }
        Ok(())
    })
}
