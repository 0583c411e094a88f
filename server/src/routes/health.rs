//! Liveness and readiness, for load balancers and operators.
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{auth::AuthError, cache::Cache, calendar_store, clock, error::ErrorBody};

/// The address of the operators' listener (`application.admin_bind`), when there is one.
#[derive(Debug, Clone, Copy)]
pub struct AdminListener(pub Option<std::net::SocketAddr>);

/// Prometheus metrics (text exposition format). Open on the operators' listener
/// (`application.admin_bind`, where Prometheus scrapes); anywhere else only with an operator
/// token (`huodongri admin token`), never with a person's ordinary token.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("bearer" = [])), responses(
    (status = 200, description = "Prometheus / OpenMetrics text format", content_type = "application/openmetrics-text", body = String),
    (status = 401, description = "auth.token_missing | auth.token_invalid", body = ErrorBody),
    (status = 403, description = "auth.forbidden (not an operator token)", body = ErrorBody)))]
pub async fn metrics(
    req: HttpRequest,
    db: web::Data<DatabaseConnection>,
    admin: web::Data<AdminListener>,
) -> Result<HttpResponse, AuthError> {
    if admin.0 != Some(req.app_config().local_addr()) {
        crate::auth::require_operator(&req).await?;
    }
    let text = crate::metrics::render(&db).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(text))
}

/// A readiness probe that hangs is worse than one that fails.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Serialize, ToSchema)]
pub struct Liveness {
    #[schema(example = "ok")]
    status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` when every dependency answers; `draining` once the process was asked to stop
    /// (it still serves for `drain_secs`); else `not_ready`.
    #[schema(example = "ready")]
    status: &'static str,
    database: DependencyCheck,
    cache: DependencyCheck,
    /// Things an operator should act on that do not stop the server, e.g. next year's
    /// holiday calendar missing after 1 November.
    warnings: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DependencyCheck {
    /// `sqlite` / `postgresql`, `in-process` / `redis`.
    kind: &'static str,
    ok: bool,
    latency_ms: u64,
    /// Why the check failed, in operator terms (no connection strings).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The process is up and serving HTTP.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive", body = Liveness)))]
pub async fn healthz() -> web::Json<Liveness> {
    web::Json(Liveness { status: "ok" })
}

/// The database and the cache both answer. 503 names the one that does not.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "Every dependency answers", body = Readiness),
    (status = 503, description = "A dependency is down (the body says which), or the instance is draining before it stops", body = Readiness)))]
#[tracing::instrument(name = "Check readiness", skip_all)]
pub async fn readyz(
    db: web::Data<DatabaseConnection>,
    cache: web::Data<Cache>,
    draining: web::Data<crate::startup::Draining>,
) -> HttpResponse {
    let database = check(crate::db::kind(&db), async {
        db.ping().await.map_err(|e| e.to_string())
    })
    .await;
    let cache = check(cache.kind(), async {
        cache.ping().await.map_err(|e| e.to_string())
    })
    .await;
    let ready = database.ok && cache.ok;
    if !ready {
        tracing::warn!(database_ok = database.ok, cache_ok = cache.ok, "not ready");
    }
    let today = clock::now().with_timezone(&clock::shanghai()).date_naive();
    use chrono::Datelike;
    let warnings: Vec<String> =
        match calendar_store::load_years(db.get_ref(), &[today.year() + 1]).await {
            Ok(calendar) => calendar
                .missing_next_year_warning(today)
                .into_iter()
                .collect(),
            Err(e) => vec![format!("the holiday calendar cannot be read: {e:#}")],
        };
    for warning in &warnings {
        tracing::warn!(%warning, "readiness warning");
    }
    let draining = draining.is_draining();
    let report = Readiness {
        status: match (draining, ready) {
            (true, _) => "draining",
            (false, true) => "ready",
            (false, false) => "not_ready",
        },
        database,
        cache,
        warnings,
    };
    if ready && !draining {
        HttpResponse::Ok().json(report)
    } else {
        HttpResponse::ServiceUnavailable().json(report)
    }
}

async fn check(
    kind: &'static str,
    probe: impl Future<Output = Result<(), String>>,
) -> DependencyCheck {
    let started = Instant::now();
    let outcome = match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(result) => result,
        Err(_) => Err(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    };
    DependencyCheck {
        kind,
        ok: outcome.is_ok(),
        latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        error: outcome.err(),
    }
}
