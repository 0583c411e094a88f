//! Builds the whole application from settings: stores, secrets, the HTTP server.
use std::{net::TcpListener, sync::Arc, time::Duration};

use tokio::sync::Notify;

use actix_web::{
    App, HttpMessage, HttpServer,
    dev::Server,
    http::header::{HeaderName, HeaderValue},
    middleware::ErrorHandlers,
    web,
};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use tracing_actix_web::{RequestId, TracingLogger};

use crate::{
    auth::{SignInGuard, TokenIssuer},
    cache::Cache,
    config::Settings,
    db,
    domain::InviteKey,
    error::{
        json_error_handler, normalise_error_response, path_error_handler, query_error_handler,
    },
    push::{Pusher, WAKE_CHANNEL},
    routes,
    secrets::Secrets,
    wechat::{AccessTokens, WechatClient},
};

const ROSTER_LIMIT_BYTES: usize = 5 * 1024 * 1024;

pub struct Application {
    port: u16,
    server: Server,
    draining: Draining,
    drain: Duration,
    db: DatabaseConnection,
    cache: Cache,
    facts: crate::checkin::facts::FactsCache,
    statements: db::StatementCount,
}

impl Application {
    /// Connects the stores, migrates, and binds the listener (port 0 = any free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        settings.scheduler.validate().map_err(anyhow::Error::msg)?;
        settings.checkin.validate().map_err(anyhow::Error::msg)?;
        settings.community.validate().map_err(anyhow::Error::msg)?;
        settings.auth.validate().map_err(anyhow::Error::msg)?;
        settings.wechat.validate().map_err(anyhow::Error::msg)?;
        let secrets = Secrets::resolve(&settings)?;
        let statements = db::StatementCount::default();
        let db = db::connect_counted(
            &settings.database,
            &settings.application.data_dir,
            statements.clone(),
        )
        .await?;
        db::migrate(&db).await?;
        let cache = build_cache(&settings)?;
        let bind = settings
            .application
            .bind_addr()
            .map_err(anyhow::Error::msg)?;
        let listener =
            TcpListener::bind(bind).with_context(|| format!("cannot listen on {bind}"))?;
        let port = listener.local_addr()?.port();
        tracing::info!(
            address = %listener.local_addr()?,
            database = db::kind(&db),
            cache = cache.kind(),
            "huodongri is listening"
        );
        let admin_bind = settings
            .application
            .admin_bind_addr()
            .map_err(anyhow::Error::msg)?;
        let admin_listener = match admin_bind {
            Some(addr) => {
                let admin = TcpListener::bind(addr)
                    .with_context(|| format!("cannot listen on {addr} (admin_bind)"))?;
                tracing::info!(address = %admin.local_addr()?, "operators' listener (/metrics)");
                Some(admin)
            }
            None => None,
        };
        let draining = Draining::default();
        let (server, facts) = run(
            listener,
            admin_listener,
            &settings,
            secrets,
            db.clone(),
            cache.clone(),
            draining.clone(),
        )?;
        Ok(Self {
            port,
            server,
            draining,
            drain: Duration::from_secs(settings.application.drain_secs),
            db,
            cache,
            facts,
            statements,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// How many statements this instance has run so far.
    pub fn statements(&self) -> &db::StatementCount {
        &self.statements
    }

    /// The activity facts this instance decides scans on (for tools that write the database
    /// directly and must say so).
    pub fn facts(&self) -> &crate::checkin::facts::FactsCache {
        &self.facts
    }

    /// Serves until the server is dropped (tests, tools); signals are not watched.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    /// Serves until SIGTERM or SIGINT, then drains: `/readyz` answers 503 at once so a load
    /// balancer stops sending new requests, for `drain_secs` the instance still serves what
    /// arrives, then it stops accepting and gives in-flight requests `shutdown_timeout_secs`.
    pub async fn run_until_terminated(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let (draining, drain) = (self.draining.clone(), self.drain);
        tokio::spawn(async move {
            let signal = termination().await;
            draining.start();
            tracing::info!(
                signal,
                drain_secs = drain.as_secs(),
                "stopping: /readyz answers 503 while the balancer takes this instance out"
            );
            tokio::time::sleep(drain).await;
            tracing::info!("no longer accepting; finishing requests in flight");
            handle.stop(true).await;
        });
        self.server.await
    }
}

/// Set once the process was asked to stop; `/readyz` then answers 503 `draining`.
#[derive(Clone, Default)]
pub struct Draining(Arc<std::sync::atomic::AtomicBool>);

impl Draining {
    fn start(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_draining(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Which signal asked the process to stop.
async fn termination() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "SIGINT",
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot watch SIGTERM; only SIGINT stops the server");
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    }
}

fn build_cache(settings: &Settings) -> anyhow::Result<Cache> {
    let cache = &settings.cache;
    match &cache.redis_url {
        Some(url) => Cache::redis(
            url.expose_secret(),
            &cache.key_prefix,
            Duration::from_millis(cache.timeout_ms),
        )
        .context("cannot set up the Redis cache"),
        None => Ok(Cache::in_process(&cache.key_prefix)),
    }
}

fn run(
    listener: TcpListener,
    admin_listener: Option<TcpListener>,
    settings: &Settings,
    secrets: Secrets,
    db: DatabaseConnection,
    cache: Cache,
    draining: Draining,
) -> anyhow::Result<(Server, crate::checkin::facts::FactsCache)> {
    let draining = web::Data::new(draining);
    let db = web::Data::new(db);
    let cache = web::Data::new(cache);
    let tokens = web::Data::new(TokenIssuer::new(&secrets.jwt_secret, &settings.auth));
    let wechat = web::Data::new(WechatClient::new(
        &settings.wechat,
        secrets.wechat_app_secret.clone(),
    )?);
    let auth_settings = web::Data::new(settings.auth.clone());
    let sign_in_guard = web::Data::new(SignInGuard::new(
        cache.get_ref().clone(),
        settings.auth.clone(),
    ));
    let invite_key = web::Data::new(InviteKey::derive(
        secrets.jwt_secret.expose_secret().as_bytes(),
    ));
    let wechat_settings = web::Data::new(settings.wechat.clone());
    let wake = Arc::new(Notify::new());
    let official_account = web::Data::new(crate::official::OfficialAccount::from_settings(
        &settings.wechat,
        cache.get_ref().clone(),
    )?);
    spawn_pusher(
        settings,
        &db,
        &wechat,
        &cache,
        official_account.get_ref().clone(),
        wake.clone(),
    );
    if settings.scheduler.enabled {
        tokio::spawn(crate::scheduler::run(
            db.get_ref().clone(),
            settings.clone(),
            wake.clone(),
        ));
    }
    let wake = web::Data::from(wake);
    let checkin = web::Data::new(crate::checkin::CheckinService::start(
        db.get_ref().clone(),
        cache.get_ref().clone(),
        &secrets.qr_secret,
        settings.checkin.clone(),
    ));
    let facts = checkin.facts.clone();
    let application_settings = web::Data::new(settings.application.clone());
    let community_settings = web::Data::new(settings.community.clone());
    let claim_desk = web::Data::new(crate::community::claims::ClaimDesk::start(
        db.get_ref().clone(),
        &settings.community,
    ));
    let duty_settings = web::Data::new(settings.duties.clone());
    let deputy_settings = web::Data::new(settings.deputies.clone());
    let feedback_settings = web::Data::new(settings.feedback.clone());
    let receipt_key = web::Data::new(crate::feedback::ReceiptKey::derive(
        secrets.jwt_secret.expose_secret().as_bytes(),
    ));
    let blobs: Arc<dyn crate::attachments::store::BlobStore> = match settings.attachments.storage {
        crate::config::AttachmentStorage::Database => Arc::new(
            crate::attachments::store::DbStore::new(db.get_ref().clone()),
        ),
        crate::config::AttachmentStorage::Files => {
            Arc::new(crate::attachments::store::FsStore::new(
                settings.application.data_dir.join("attachments"),
            ))
        }
    };
    let attachments = web::Data::new(crate::attachments::Attachments::new(
        blobs,
        settings.attachments.clone(),
    ));
    let checkin_settings = web::Data::new(settings.checkin.clone());
    let console_sessions = web::Data::new(crate::console::ConsoleSessions::new(
        cache.get_ref().clone(),
        &settings.auth,
    ));
    spawn_offer_sweeper(db.get_ref().clone(), settings.community.clone());

    let admin_address = web::Data::new(crate::routes::health::AdminListener(
        admin_listener
            .as_ref()
            .map(TcpListener::local_addr)
            .transpose()?,
    ));
    let json_limit = settings.application.json_limit_bytes;
    let server = HttpServer::new(move || {
        App::new()
            // Innermost: a refusal still gets the request id, the log line and the JSON shape.
            .wrap(crate::text_guard::RejectControlCharacters { json_limit })
            .wrap(
                ErrorHandlers::new()
                    .default_handler_client(normalise_error_response)
                    .default_handler_server(normalise_error_response),
            )
            .wrap_fn(|req, srv| {
                use actix_web::dev::Service;
                let request_id = req.extensions().get::<RequestId>().copied();
                let method = req.method().clone();
                let path = req.path().to_owned();
                let started = std::time::Instant::now();
                let fut = srv.call(req);
                async move {
                    let mut res = fut.await?;
                    if let Some(id) = request_id
                        && let Ok(value) = HeaderValue::from_str(&id.to_string())
                    {
                        res.headers_mut()
                            .insert(HeaderName::from_static("x-request-id"), value);
                    }
                    let elapsed = started.elapsed();
                    log_request(&method, &path, res.status(), elapsed);
                    crate::metrics::observe_request(
                        method.as_str(),
                        crate::metrics::route_label(res.request()),
                        res.status().as_u16(),
                        elapsed.as_secs_f64(),
                    );
                    Ok(res)
                }
            })
            .wrap(TracingLogger::<crate::telemetry::RedactingRootSpan>::new())
            .app_data(
                web::JsonConfig::default()
                    .limit(json_limit)
                    .error_handler(json_error_handler),
            )
            // Roster uploads are the largest bodies we take.
            .app_data(web::PayloadConfig::new(ROSTER_LIMIT_BYTES))
            .app_data(web::PathConfig::default().error_handler(path_error_handler))
            .app_data(web::QueryConfig::default().error_handler(query_error_handler))
            .app_data(db.clone())
            .app_data(cache.clone())
            .app_data(tokens.clone())
            .app_data(wechat.clone())
            .app_data(auth_settings.clone())
            .app_data(sign_in_guard.clone())
            .app_data(invite_key.clone())
            .app_data(wechat_settings.clone())
            .app_data(wake.clone())
            .app_data(checkin.clone())
            .app_data(application_settings.clone())
            .app_data(community_settings.clone())
            .app_data(claim_desk.clone())
            .app_data(official_account.clone())
            .app_data(duty_settings.clone())
            .app_data(deputy_settings.clone())
            .app_data(feedback_settings.clone())
            .app_data(receipt_key.clone())
            .app_data(attachments.clone())
            .app_data(checkin_settings.clone())
            .app_data(console_sessions.clone())
            .app_data(admin_address.clone())
            .app_data(draining.clone())
            .configure(routes::configure)
            .configure(routes::console::configure)
    })
    .shutdown_timeout(settings.application.shutdown_timeout_secs)
    // Signals are ours (run_until_terminated): the balancer must see /readyz fail before
    // the listener closes.
    .disable_signals();
    let server = match settings.application.workers {
        0 => server,
        n => server.workers(n),
    };
    let server = server.listen(listener)?;
    let server = match admin_listener {
        Some(admin) => server.listen(admin)?,
        None => server,
    };
    let server = server.run();
    Ok((server, facts))
}

/// One line per request. Probes are logged at debug so they do not drown the log.
fn log_request(
    method: &actix_web::http::Method,
    path: &str,
    status: actix_web::http::StatusCode,
    elapsed: Duration,
) {
    let ms = elapsed.as_secs_f64() * 1000.0;
    let status = status.as_u16();
    if path == "/healthz" || path == "/readyz" {
        tracing::debug!(%method, path, status, ms, "request");
    } else if status >= 500 {
        tracing::error!(%method, path, status, ms, "request");
    } else {
        tracing::info!(%method, path, status, ms, "request");
    }
}

/// Offers of freed places that were not confirmed in time move on to the next person
/// waiting, even when nobody touches the item.
fn spawn_offer_sweeper(db: DatabaseConnection, settings: crate::config::CommunitySettings) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            if let Err(err) = crate::community::claims::sweep_all(&db, &settings).await {
                tracing::warn!(error = ?err, "cannot expire stale offers");
            }
        }
    });
}

fn spawn_pusher(
    settings: &Settings,
    db: &web::Data<DatabaseConnection>,
    wechat: &web::Data<WechatClient>,
    cache: &web::Data<Cache>,
    official: crate::official::OfficialAccount,
    wake: Arc<Notify>,
) {
    let pusher = Pusher {
        official,
        db: db.get_ref().clone(),
        wechat: wechat.clone().into_inner(),
        tokens: AccessTokens::new(wechat.clone().into_inner(), cache.get_ref().clone()),
        settings: settings.push.clone(),
        wechat_settings: settings.wechat.clone(),
        wake: wake.clone(),
    };
    tokio::spawn(pusher.run());
    let cache = cache.get_ref().clone();
    tokio::spawn(async move {
        loop {
            match cache.subscribe(WAKE_CHANNEL).await {
                Ok(mut subscription) => {
                    while subscription.next().await.is_some() {
                        wake.notify_one();
                    }
                }
                Err(e) => tracing::debug!(error = %e, "push wake-ups unavailable; polling"),
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
}
