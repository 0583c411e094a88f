//! The browser console under `/console/`: server-rendered pages over the same services as the
//! JSON API (each handler parses, calls one service function and renders the answer), its
//! static script and style, and nothing else. Sessions, CSRF and sign-in codes are
//! `crate::console`'s.
mod community;
mod deputies;
mod frame;
mod inspections;
mod orgs;
mod people;
mod sign_in;
mod supervision;

use actix_web::{HttpResponse, http::header, web};

use crate::console::page::CSP;

/// Every console path, in one screen.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/console").route(web::get().to(to_home)))
        .service(web::resource("/console/").route(web::get().to(orgs::home)))
        .service(
            web::resource("/console/login")
                .route(web::get().to(sign_in::page))
                .route(web::post().to(sign_in::with_password)),
        )
        .service(web::resource("/console/login/qr/{code}").route(web::get().to(sign_in::poll)))
        .service(web::resource("/console/logout").route(web::post().to(sign_in::logout)))
        .service(web::resource("/console/orgs/{id}").route(web::get().to(orgs::overview)))
        .service(web::resource("/console/orgs/{id}/people").route(web::get().to(orgs::people)))
        .service(
            web::resource("/console/orgs/{id}/roster.xlsx").route(web::get().to(orgs::roster_file)),
        )
        .service(
            web::resource("/console/orgs/{id}/roster")
                .route(web::get().to(orgs::roster_form))
                .route(web::post().to(orgs::import_roster)),
        )
        .service(web::resource("/console/orgs/{id}/reviews").route(web::get().to(orgs::reviews)))
        .service(web::resource("/console/plans/{id}/approve").route(web::post().to(orgs::approve)))
        .service(
            web::resource("/console/plans/{id}/return").route(web::post().to(orgs::return_plan)),
        )
        .service(
            web::resource("/console/orgs/{id}/attendance").route(web::get().to(orgs::attendance)),
        )
        .service(
            web::resource("/console/orgs/{id}/ledger.xlsx").route(web::get().to(orgs::ledger_file)),
        )
        .service(web::resource("/console/orgs/{id}/live").route(web::get().to(orgs::live)))
        .service(
            web::resource("/console/orgs/{id}/live/events").route(web::get().to(orgs::live_events)),
        )
        .service(web::resource("/console/orgs/{id}/audit").route(web::get().to(orgs::audit)))
        .service(
            web::resource("/console/orgs/{id}/matters").route(web::get().to(deputies::matters)),
        )
        .service(
            web::resource("/console/orgs/{id}/commitments")
                .route(web::get().to(community::commitments)),
        )
        .service(
            web::resource("/console/orgs/{id}/service").route(web::get().to(community::minimums)),
        )
        .service(
            web::resource("/console/orgs/{id}/service.xlsx")
                .route(web::get().to(community::minimums_file)),
        )
        .service(
            web::resource("/console/orgs/{id}/service-items")
                .route(web::get().to(community::service_items)),
        )
        .service(
            web::resource("/console/service-items/{id}")
                .route(web::get().to(community::service_item)),
        )
        .service(
            web::resource("/console/people/{id}")
                .route(web::get().to(people::person))
                .route(web::post().to(people::update)),
        )
        .service(web::resource("/console/people/{id}/invite").route(web::post().to(people::invite)))
        .service(
            web::resource("/console/people/{id}/exemptions").route(web::post().to(people::exempt)),
        )
        .service(
            web::resource("/console/orgs/{id}/calendar")
                .route(web::get().to(orgs::calendar))
                .route(web::post().to(orgs::change_policy)),
        )
        .service(
            web::resource("/console/orgs/{id}/exemptions").route(web::get().to(orgs::exemptions)),
        )
        .service(
            web::resource("/console/exemptions/{id}/revoke")
                .route(web::post().to(orgs::revoke_exemption)),
        )
        .service(
            web::resource("/console/orgs/{id}/previews")
                .route(web::get().to(supervision::previews)),
        )
        .service(
            web::resource("/console/orgs/{id}/inspections")
                .route(web::get().to(inspections::rounds)),
        )
        .service(
            web::resource("/console/inspection-rounds/{id}")
                .route(web::get().to(inspections::round)),
        )
        .service(
            web::resource("/console/orgs/{id}/rectifications")
                .route(web::get().to(supervision::rectifications)),
        )
        .service(
            web::resource("/console/orgs/{id}/assessment")
                .route(web::get().to(supervision::assessment)),
        )
        .service(
            web::resource("/console/orgs/{id}/duties").route(web::get().to(supervision::duties)),
        )
        .service(
            web::resource("/console/orgs/{id}/duties.xlsx")
                .route(web::get().to(supervision::duties_file)),
        )
        .service(
            web::resource("/console/orgs/{id}/rankings.xlsx")
                .route(web::get().to(supervision::rankings_file)),
        )
        .service(web::resource("/console/static/{file}").route(web::get().to(static_file)));
}

async fn to_home() -> HttpResponse {
    crate::console::page::see_other("/console/")
}

/// The console's own script and style, built into the binary (no build step, no CDN).
async fn static_file(path: web::Path<String>) -> HttpResponse {
    let (body, content_type) = match path.as_str() {
        "console.css" => (
            include_str!("../../../static/console/console.css"),
            "text/css; charset=utf-8",
        ),
        "sign-in.js" => (
            include_str!("../../../static/console/sign-in.js"),
            "text/javascript; charset=utf-8",
        ),
        "live.js" => (
            include_str!("../../../static/console/live.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(body)
}
