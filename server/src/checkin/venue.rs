//! The content of a venue QR at this moment: meetings' and volunteer activities' alike.
use super::{CheckinService, token::Rotation};
use crate::{clock, entities::activity};

/// The content of the current venue code.
pub struct VenueCode {
    pub url: String,
    pub token: String,
    pub valid_until: Option<chrono::DateTime<chrono::FixedOffset>>,
}

pub fn venue_code(service: &CheckinService, activity: &activity::Model) -> VenueCode {
    code_for(service, &activity.code, activity.window_seconds)
}

/// The current content of a rotating code: meetings' and volunteer activities' alike.
pub fn code_for(service: &CheckinService, code: &str, window_seconds: i32) -> VenueCode {
    let rotation = Rotation {
        seconds: u32::try_from(window_seconds).unwrap_or(0),
    };
    let window = rotation.window_at(clock::now().timestamp());
    let token = service.signer.venue_token(code, rotation, window);
    let base = service.settings.qr_base_url.trim_end_matches('/');
    VenueCode {
        url: format!("{base}/c/{code}?t={token}"),
        valid_until: rotation
            .window_end(window)
            .and_then(|end| chrono::DateTime::from_timestamp(end, 0))
            .map(|t| t.with_timezone(&clock::shanghai())),
        token,
    }
}
