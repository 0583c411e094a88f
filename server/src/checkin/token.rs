//! The codes that prove presence: the rotating venue token shown on the meeting-room screen,
//! and the static card code a member without a phone carries to the organiser.
//!
//! A venue token is 12 bytes in 16 base64url characters: the window number it was made for
//! and a truncated HMAC over (activity code, window length, window). Short keeps the QR at a
//! low version that scans across a room; 64 bits of MAC is far beyond what anyone can guess
//! through an API that answers one attempt per request. Carrying the window inside the
//! token is what makes offline scans provable later: the server checks the token against the
//! window it names, not against the phone's clock.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const MAC_LEN: usize = 8;
const VENUE_LEN: usize = 4 + MAC_LEN;
const CARD_PREFIX: &str = "HDRC";

/// Signs and verifies venue tokens and card codes with the server's QR key.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer { .. }")
    }
}

/// The rotation of one activity's code: `seconds == 0` is a static code for printed posters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    pub seconds: u32,
}

impl Rotation {
    /// The window a moment falls in (always 0 for a static code).
    pub fn window_at(self, unix_secs: i64) -> u32 {
        if self.seconds == 0 {
            return 0;
        }
        u32::try_from(unix_secs.max(0) / i64::from(self.seconds)).unwrap_or(u32::MAX)
    }

    /// When a window ends (unix seconds); `None` for a static code.
    pub fn window_end(self, window: u32) -> Option<i64> {
        (self.seconds != 0).then(|| (i64::from(window) + 1) * i64::from(self.seconds))
    }

    pub fn window_start(self, window: u32) -> Option<i64> {
        (self.seconds != 0).then(|| i64::from(window) * i64::from(self.seconds))
    }
}

impl Signer {
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    fn mac(&self, parts: &[&[u8]]) -> [u8; MAC_LEN] {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes keys of any size");
        for part in parts {
            // Length-prefixed, so ("ab","c") and ("a","bc") never sign the same bytes.
            mac.update(&(part.len() as u32).to_be_bytes());
            mac.update(part);
        }
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(&full[..MAC_LEN]);
        out
    }

    fn venue_mac(&self, activity_code: &str, rotation: Rotation, window: u32) -> [u8; MAC_LEN] {
        self.mac(&[
            b"venue",
            activity_code.as_bytes(),
            &rotation.seconds.to_be_bytes(),
            &window.to_be_bytes(),
        ])
    }

    pub fn venue_token(&self, activity_code: &str, rotation: Rotation, window: u32) -> String {
        let mut bytes = [0u8; VENUE_LEN];
        bytes[..4].copy_from_slice(&window.to_be_bytes());
        bytes[4..].copy_from_slice(&self.venue_mac(activity_code, rotation, window));
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The window a genuine token was made for; `None` for anything we did not sign for this
    /// activity and rotation (including a token of another activity or an old rotation).
    pub fn verify_venue(
        &self,
        activity_code: &str,
        rotation: Rotation,
        token: &str,
    ) -> Option<u32> {
        if token.len() != 16 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        let bytes: [u8; VENUE_LEN] = bytes.try_into().ok()?;
        let window = u32::from_be_bytes(bytes[..4].try_into().ok()?);
        let expected = self.venue_mac(activity_code, rotation, window);
        constant_time_eq(&expected, &bytes[4..]).then_some(window)
    }

    /// A member's static card code: `HDRC.<person id>.<mac>`. It identifies the person to an
    /// organiser who scans it; it is not a login and proves nothing on its own.
    pub fn card_code(&self, person_id: i64) -> String {
        let mac = self.mac(&[b"card", &person_id.to_be_bytes()]);
        format!("{CARD_PREFIX}.{person_id}.{}", URL_SAFE_NO_PAD.encode(mac))
    }

    pub fn verify_card(&self, code: &str) -> Option<i64> {
        let mut parts = code.trim().split('.');
        let (prefix, id, mac) = (parts.next()?, parts.next()?, parts.next()?);
        if prefix != CARD_PREFIX || parts.next().is_some() {
            return None;
        }
        let person_id: i64 = id.parse().ok()?;
        let given = URL_SAFE_NO_PAD.decode(mac).ok()?;
        constant_time_eq(&self.mac(&[b"card", &person_id.to_be_bytes()]), &given)
            .then_some(person_id)
    }

    /// A display link key: lets a projector page show one activity's code until `expires`
    /// (unix seconds) without an organiser's bearer token in the browser.
    pub fn display_key(&self, activity_code: &str, expires: i64) -> String {
        let mac = self.mac(&[b"display", activity_code.as_bytes(), &expires.to_be_bytes()]);
        format!("{expires}.{}", URL_SAFE_NO_PAD.encode(mac))
    }

    /// True when the key was made for this activity and has not expired at `now`.
    pub fn verify_display_key(&self, activity_code: &str, key: &str, now: i64) -> bool {
        let Some((expires, mac)) = key.split_once('.') else {
            return false;
        };
        let Ok(expires) = expires.parse::<i64>() else {
            return false;
        };
        let Ok(given) = URL_SAFE_NO_PAD.decode(mac) else {
            return false;
        };
        let expected = self.mac(&[b"display", activity_code.as_bytes(), &expires.to_be_bytes()]);
        now < expires && constant_time_eq(&expected, &given)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const THIRTY: Rotation = Rotation { seconds: 30 };

    fn signer() -> Signer {
        Signer::new(b"0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn a_token_names_its_window_and_is_sixteen_url_safe_characters() {
        let s = signer();
        let token = s.venue_token("K7P2QX9M", THIRTY, 58_000_000);
        assert_eq!(token.len(), 16);
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(s.verify_venue("K7P2QX9M", THIRTY, &token), Some(58_000_000));
    }

    #[test]
    fn a_token_of_another_activity_rotation_or_key_is_refused() {
        let s = signer();
        let token = s.venue_token("K7P2QX9M", THIRTY, 7);
        assert_eq!(s.verify_venue("K7P2QX9N", THIRTY, &token), None);
        assert_eq!(
            s.verify_venue("K7P2QX9M", Rotation { seconds: 60 }, &token),
            None
        );
        let other = Signer::new(b"another key of thirty-two bytes!");
        assert_eq!(other.verify_venue("K7P2QX9M", THIRTY, &token), None);
    }

    #[test]
    fn a_changed_window_number_breaks_the_mac() {
        let s = signer();
        let token = s.venue_token("K7P2QX9M", THIRTY, 7);
        let mut bytes = URL_SAFE_NO_PAD
            .decode(&token)
            .expect("our own token decodes");
        bytes[3] ^= 1;
        let forged = URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(s.verify_venue("K7P2QX9M", THIRTY, &forged), None);
        for garbage in ["", "short", "!!!!!!!!!!!!!!!!", &format!("{token}A")] {
            assert_eq!(s.verify_venue("K7P2QX9M", THIRTY, garbage), None);
        }
    }

    #[test]
    fn windows_follow_the_clock_and_static_codes_have_one() {
        assert_eq!(THIRTY.window_at(59), 1);
        assert_eq!(THIRTY.window_at(60), 2);
        assert_eq!(THIRTY.window_end(1), Some(60));
        assert_eq!(THIRTY.window_start(2), Some(60));
        let fixed = Rotation { seconds: 0 };
        assert_eq!(fixed.window_at(1_800_000_000), 0);
        assert_eq!(fixed.window_end(0), None);
    }

    #[test]
    fn card_codes_round_trip_and_resist_a_changed_id() {
        let s = signer();
        let code = s.card_code(42);
        assert_eq!(s.verify_card(&code), Some(42));
        assert_eq!(s.verify_card(&code.replace(".42.", ".43.")), None);
        assert_eq!(s.verify_card("HDRC.42"), None);
        assert_eq!(s.verify_card("nonsense"), None);
    }

    #[test]
    fn display_keys_expire_and_belong_to_one_activity() {
        let s = signer();
        let key = s.display_key("K7P2QX9M", 1_000);
        assert!(s.verify_display_key("K7P2QX9M", &key, 999));
        assert!(!s.verify_display_key("K7P2QX9M", &key, 1_000));
        assert!(!s.verify_display_key("AAAAAAAA", &key, 10));
        assert!(!s.verify_display_key("K7P2QX9M", &key.replace("1000.", "9999."), 10));
    }
}
