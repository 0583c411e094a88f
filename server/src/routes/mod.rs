//! Every path the server answers, in one screen. Routes are declared only through
//! `routes!`, which also emits `ROUTES`, so the OpenAPI test can prove each is documented.
mod health;
pub mod openapi;

use actix_web::web;

macro_rules! routes {
    ($($path:literal => { $($method:ident : $handler:path),+ $(,)? }),* $(,)?) => {
        pub fn configure(cfg: &mut web::ServiceConfig) {
            $( cfg.service(web::resource($path)$(.route(web::$method().to($handler)))+); )*
        }

        /// Every (method, path) the server answers.
        pub const ROUTES: &[(&str, &str)] = &[$($((stringify!($method), $path)),+),*];
    };
}

routes! {
    "/healthz" => { get: health::healthz },
    "/readyz" => { get: health::readyz },
    "/openapi.json" => { get: openapi::openapi_json },
}
