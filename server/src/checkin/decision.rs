//! The check-in decision table: what a scan means, decided from facts already in memory.
//! No I/O here, so every reason code is proven by unit tests, and the hot path spends
//! microseconds deciding.
use std::collections::HashSet;

use super::token::{Rotation, Signer};

crate::domain::enums::slug_enum!(
    /// The answer to one check-in attempt. The slugs are the API's `result` values and what
    /// the `checkin` table stores; `message` is the sentence the member reads.
    Outcome {
        Ok = ("ok", "签到成功"),
        AlreadyCheckedIn = ("already_checked_in", "重复签到"),
        InvalidToken = ("invalid_token", "二维码无效"),
        WindowExpired = ("window_expired", "二维码已过期"),
        NotOpenYet = ("not_open_yet", "签到未开始"),
        Closed = ("closed", "签到已结束"),
        NotExpected = ("not_expected", "列席"),
        Exempt = ("exempt", "暂不参加组织生活"),
        Cancelled = ("cancelled", "活动已取消"),
        LocationFar = ("location_far", "不在活动地点"),
        // A queued offline scan that does not prove it was made while the code was on screen.
        OfflineRefused = ("offline_refused", "离线扫码未获认可"),
        // The activity requires the phone's location and none was sent (permission refused).
        LocationMissing = ("location_missing", "未获取位置"),
        // A deputy scanned a studio's code outside any duty slot of theirs.
        NotOnDuty = ("not_on_duty", "非本人值班时段"),
        // At a themed activity, a member scanned another branch's venue code.
        WrongVenue = ("wrong_venue", "非本支部会场"),
    }
);

impl Outcome {
    /// Whether the person's presence is (or already was) on record.
    pub fn accepted(self) -> bool {
        matches!(
            self,
            Outcome::Ok | Outcome::AlreadyCheckedIn | Outcome::NotExpected | Outcome::Exempt
        )
    }

    /// What the member reads on the phone.
    pub fn message(self) -> &'static str {
        match self {
            Outcome::Ok => "签到成功",
            Outcome::AlreadyCheckedIn => "您已签到，无需重复签到",
            Outcome::InvalidToken => "二维码无效，请扫描活动现场的签到二维码",
            Outcome::WindowExpired => "二维码已过期，请扫描屏幕上最新的二维码",
            Outcome::NotOpenYet => "签到尚未开始",
            Outcome::Closed => "签到已结束",
            Outcome::NotExpected => "您不在本次活动应到名单中，已按列席人员登记",
            Outcome::Exempt => "您已按规定暂不参加组织生活，本次到场已登记",
            Outcome::Cancelled => "本次活动已取消",
            Outcome::LocationFar => "您不在活动地点附近，无法签到",
            Outcome::OfflineRefused => "这次离线扫码无法证明您在现场，请到活动现场联网后重新扫码",
            Outcome::LocationMissing => {
                "未获取到您的位置。请在设置中允许本小程序使用位置信息，然后重新扫码"
            }
            Outcome::NotOnDuty => "现在不是您在本工作室的值班时段，未登记",
            Outcome::WrongVenue => "这是其他支部的会场，请到本支部的会场扫码签到",
        }
    }
}

crate::domain::enums::slug_enum!(
    /// Whether an attendance counts in the participation rate.
    Attendance {
        Member = ("member", "应到党员"),
        Guest = ("guest", "列席"),
    }
);

/// What the server knows about an activity when a scan arrives (cached for a moment).
#[derive(Debug, Clone)]
pub struct ActivityFacts {
    pub plan_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub theme: String,
    pub code: String,
    pub rotation: Rotation,
    /// Unix seconds.
    pub opens_at: i64,
    pub closes_at: i64,
    pub cancelled: bool,
    pub require_location: bool,
    /// Whether a queued offline scan of a static code is accepted (the organiser opted in).
    pub offline_static: bool,
    pub place: Option<(f64, f64)>,
    pub radius_m: f64,
    /// Expected participants: the plan's snapshot minus those exempt on the day.
    pub expected: HashSet<i64>,
    /// Participants of the snapshot exempt on the day (not expected, welcome as guests).
    pub exempt: HashSet<i64>,
    /// Activists (入党积极分子) invited to the activity: recorded, not counted in the rate.
    pub invited: HashSet<i64>,
    /// Expected participants whose leave was approved.
    pub on_leave: HashSet<i64>,
    /// At one branch's venue of a themed activity: participants expected at another venue
    /// (each branch's members check in at their own).
    pub elsewhere: HashSet<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub person_id: i64,
    pub token: &'a str,
    /// Server time, unix seconds.
    pub now: i64,
    /// The phone's claim of when an offline scan happened (unix seconds); present only on
    /// submissions from the offline queue. A hint: the token's window is the proof.
    pub scanned_at: Option<i64>,
    /// When WeChat scanned the code, for a mini-program opened by scanning the venue QR with
    /// the phone's camera (unix seconds): signing in may take longer than a window.
    pub scancode_time: Option<i64>,
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    pub outcome: Outcome,
    /// Set when the attempt puts the person in the room.
    pub attendance: Option<Attendance>,
    pub late_sync: bool,
    pub location_far: bool,
    pub token_window: Option<u32>,
}

impl Decision {
    fn refuse(outcome: Outcome, token_window: Option<u32>, location_far: bool) -> Self {
        Self {
            outcome,
            attendance: None,
            late_sync: false,
            location_far,
            token_window,
        }
    }
}

/// Decides one attempt. `offline_limit_secs`: how long after its window a queued scan may
/// still be submitted.
pub fn decide(
    signer: &Signer,
    facts: &ActivityFacts,
    attempt: &Attempt<'_>,
    offline_limit_secs: i64,
) -> Decision {
    if facts.cancelled {
        return Decision::refuse(Outcome::Cancelled, None, false);
    }
    let Some(window) = signer.verify_venue(&facts.code, facts.rotation, attempt.token) else {
        return Decision::refuse(Outcome::InvalidToken, None, false);
    };
    let (presence_from, presence_to, late_sync) =
        match presence_span(facts, window, attempt, offline_limit_secs) {
            Ok(span) => span,
            Err(outcome) => return Decision::refuse(outcome, Some(window), false),
        };
    if presence_to < facts.opens_at {
        return Decision::refuse(Outcome::NotOpenYet, Some(window), false);
    }
    if presence_from > facts.closes_at {
        return Decision::refuse(Outcome::Closed, Some(window), false);
    }
    let location_far = match (facts.place, attempt.location) {
        (Some(place), Some(at)) => distance_m(place, at) > facts.radius_m,
        _ => false,
    };
    if facts.require_location && attempt.location.is_none() {
        return Decision::refuse(Outcome::LocationMissing, Some(window), false);
    }
    if facts.require_location && location_far {
        return Decision::refuse(Outcome::LocationFar, Some(window), location_far);
    }
    if facts.elsewhere.contains(&attempt.person_id) {
        return Decision::refuse(Outcome::WrongVenue, Some(window), location_far);
    }
    let (outcome, attendance) = classify(facts, attempt.person_id);
    Decision {
        outcome,
        attendance: Some(attendance),
        late_sync,
        location_far,
        token_window: Some(window),
    }
}

/// Who someone in the room is to the activity: an expected member (counted), an exempt one
/// or an invited activist (recorded, not counted) or a visitor (a guest). Organiser
/// check-ins use the same rule.
pub fn classify(facts: &ActivityFacts, person_id: i64) -> (Outcome, Attendance) {
    if facts.exempt.contains(&person_id) {
        (Outcome::Exempt, Attendance::Guest)
    } else if facts.expected.contains(&person_id) {
        (Outcome::Ok, Attendance::Member)
    } else if facts.invited.contains(&person_id) {
        (Outcome::Ok, Attendance::Guest)
    } else {
        (Outcome::NotExpected, Attendance::Guest)
    }
}

/// How far a phone's clock may run ahead of the server's, or its scan precede the window
/// the token names, before the claim stops being believable.
pub const CLOCK_SKEW_SECS: i64 = 120;
/// How long after WeChat's scan a camera-opened check-in may arrive (signing in, binding).
pub const SCANCODE_GRACE_SECS: i64 = 600;

/// The span of time the token proves the person was there, and whether it arrived late.
/// Live scans must carry the current or previous window (one ahead is tolerated: another
/// instance's clock may run a little fast).
///
/// A queued offline scan must prove it was made while the code was on screen: the phone's
/// scan time lies in the token's window (give or take the clock skew and one window, since
/// the previous window is accepted live too), is not in the future, and the submission
/// arrives within the offline limit of that window. A photo of the code scanned later at
/// home carries an old window and a late scan time, and is refused. A static code names no
/// window, so its offline scans are accepted only where the organiser opted in.
fn presence_span(
    facts: &ActivityFacts,
    window: u32,
    attempt: &Attempt<'_>,
    offline_limit_secs: i64,
) -> Result<(i64, i64, bool), Outcome> {
    let rotation = facts.rotation;
    if let Some(at) = attempt.scanned_at
        && at > attempt.now.saturating_add(CLOCK_SKEW_SECS)
    {
        return Err(Outcome::OfflineRefused);
    }
    let (Some(start), Some(end)) = (rotation.window_start(window), rotation.window_end(window))
    else {
        return match attempt.scanned_at {
            None => Ok((attempt.now, attempt.now, false)),
            Some(_) if !facts.offline_static => Err(Outcome::OfflineRefused),
            Some(at) if attempt.now.saturating_sub(at) <= offline_limit_secs => Ok((at, at, true)),
            Some(_) => Err(Outcome::WindowExpired),
        };
    };
    let current = rotation.window_at(attempt.now);
    if window > current.saturating_add(1) {
        return Err(Outcome::WindowExpired);
    }
    if window.saturating_add(1) >= current {
        return Ok((attempt.now, attempt.now, false));
    }
    let length = i64::from(rotation.seconds);
    let shown_from = start.saturating_sub(CLOCK_SKEW_SECS);
    let shown_to = end.saturating_add(length).saturating_add(CLOCK_SKEW_SECS);
    // Opened from the phone's camera: WeChat's own scan time, if recent and matching the
    // window, stands in for "now" (the member may have had to sign in first).
    if let Some(scanned) = attempt.scancode_time
        && (shown_from..=shown_to).contains(&scanned)
        && attempt.now.saturating_sub(scanned) <= SCANCODE_GRACE_SECS
        && scanned <= attempt.now.saturating_add(CLOCK_SKEW_SECS)
    {
        return Ok((start, end - 1, false));
    }
    let Some(at) = attempt.scanned_at else {
        return Err(Outcome::WindowExpired);
    };
    if !(shown_from..=shown_to).contains(&at) {
        return Err(Outcome::OfflineRefused);
    }
    if attempt.now.saturating_sub(end) > offline_limit_secs {
        return Err(Outcome::WindowExpired);
    }
    Ok((start, end - 1, true))
}

/// Great-circle distance in metres (haversine; ample for "is the phone at the venue").
pub fn distance_m(a: (f64, f64), b: Location) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (lat1, lat2) = (a.0.to_radians(), b.latitude.to_radians());
    let d_lat = lat2 - lat1;
    let d_lon = (b.longitude - a.1).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "K7P2QX9M";
    const NOW: i64 = 1_795_000_000;
    const HOUR: i64 = 3600;
    const MEMBER: i64 = 1;
    const VISITOR: i64 = 2;
    const EXEMPT: i64 = 3;
    const INVITED: i64 = 4;
    const VENUE: (f64, f64) = (32.3942, 119.4129);

    fn signer() -> Signer {
        Signer::new(b"0123456789abcdef0123456789abcdef")
    }

    fn facts() -> ActivityFacts {
        ActivityFacts {
            plan_id: 9,
            org_id: 4,
            org_name: "第一支部".into(),
            theme: "主题党日".into(),
            code: CODE.into(),
            rotation: Rotation { seconds: 30 },
            opens_at: NOW - HOUR,
            closes_at: NOW + HOUR,
            cancelled: false,
            require_location: false,
            offline_static: false,
            invited: HashSet::from([INVITED]),
            place: Some(VENUE),
            radius_m: 500.0,
            expected: HashSet::from([MEMBER]),
            exempt: HashSet::from([EXEMPT]),
            on_leave: HashSet::new(),
            elsewhere: HashSet::new(),
        }
    }

    fn token_at(facts: &ActivityFacts, at: i64) -> String {
        signer().venue_token(CODE, facts.rotation, facts.rotation.window_at(at))
    }

    fn attempt(token: &str, person_id: i64) -> Attempt<'_> {
        Attempt {
            person_id,
            token,
            now: NOW,
            scanned_at: None,
            scancode_time: None,
            location: None,
        }
    }

    fn decide_default(facts: &ActivityFacts, a: &Attempt<'_>) -> Decision {
        decide(&signer(), facts, a, 24 * HOUR)
    }

    #[test]
    fn a_member_with_the_current_code_is_present() {
        let f = facts();
        let token = token_at(&f, NOW);
        let d = decide_default(&f, &attempt(&token, MEMBER));
        assert_eq!(d.outcome, Outcome::Ok);
        assert_eq!(d.attendance, Some(Attendance::Member));
        assert!(!d.late_sync);
    }

    #[test]
    fn the_previous_window_is_accepted_and_the_one_before_is_expired() {
        let f = facts();
        let previous = token_at(&f, NOW - 30);
        assert_eq!(
            decide_default(&f, &attempt(&previous, MEMBER)).outcome,
            Outcome::Ok
        );
        let older = token_at(&f, NOW - 61);
        assert_eq!(
            decide_default(&f, &attempt(&older, MEMBER)).outcome,
            Outcome::WindowExpired
        );
    }

    #[test]
    fn a_forged_or_foreign_token_is_invalid() {
        let f = facts();
        let foreign = signer().venue_token("ZZZZZZZZ", f.rotation, f.rotation.window_at(NOW));
        assert_eq!(
            decide_default(&f, &attempt(&foreign, MEMBER)).outcome,
            Outcome::InvalidToken
        );
        assert_eq!(
            decide_default(&f, &attempt("AAAAAAAAAAAAAAAA", MEMBER)).outcome,
            Outcome::InvalidToken
        );
    }

    #[test]
    fn a_token_far_in_the_future_is_refused() {
        let f = facts();
        let ahead = token_at(&f, NOW + 300);
        assert_eq!(
            decide_default(&f, &attempt(&ahead, MEMBER)).outcome,
            Outcome::WindowExpired
        );
    }

    #[test]
    fn before_opening_and_after_closing() {
        let mut f = facts();
        f.opens_at = NOW + 60;
        let token = token_at(&f, NOW);
        assert_eq!(
            decide_default(&f, &attempt(&token, MEMBER)).outcome,
            Outcome::NotOpenYet
        );
        let mut f = facts();
        f.closes_at = NOW - 60;
        assert_eq!(
            decide_default(&f, &attempt(&token, MEMBER)).outcome,
            Outcome::Closed
        );
    }

    #[test]
    fn cancelled_wins_over_everything() {
        let mut f = facts();
        f.cancelled = true;
        assert_eq!(
            decide_default(&f, &attempt("garbage", MEMBER)).outcome,
            Outcome::Cancelled
        );
    }

    #[test]
    fn visitors_are_guests_and_exempt_members_are_recorded_not_counted() {
        let f = facts();
        let token = token_at(&f, NOW);
        let visitor = decide_default(&f, &attempt(&token, VISITOR));
        assert_eq!(visitor.outcome, Outcome::NotExpected);
        assert_eq!(visitor.attendance, Some(Attendance::Guest));
        let invited = decide_default(&f, &attempt(&token, INVITED));
        assert_eq!(
            (invited.outcome, invited.attendance),
            (Outcome::Ok, Some(Attendance::Guest)),
            "an invited activist is welcome and not counted in the rate"
        );
        let exempt = decide_default(&f, &attempt(&token, EXEMPT));
        assert_eq!(exempt.outcome, Outcome::Exempt);
        assert_eq!(exempt.attendance, Some(Attendance::Guest));
        assert!(exempt.outcome.accepted() && visitor.outcome.accepted());
    }

    #[test]
    fn distance_flags_and_refuses_only_when_required() {
        let mut f = facts();
        let token = token_at(&f, NOW);
        let far = Location {
            latitude: 32.4100,
            longitude: 119.4129,
        };
        let near = Location {
            latitude: 32.3950,
            longitude: 119.4130,
        };
        let mut a = attempt(&token, MEMBER);
        a.location = Some(far);
        let flagged = decide_default(&f, &a);
        assert_eq!(flagged.outcome, Outcome::Ok);
        assert!(flagged.location_far);
        f.require_location = true;
        assert_eq!(decide_default(&f, &a).outcome, Outcome::LocationFar);
        a.location = None;
        assert_eq!(
            decide_default(&f, &a).outcome,
            Outcome::LocationMissing,
            "no location sent is told apart from too far"
        );
        a.location = Some(near);
        let d = decide_default(&f, &a);
        assert_eq!(d.outcome, Outcome::Ok);
        assert!(!d.location_far);
    }

    #[test]
    fn an_offline_scan_is_judged_by_its_tokens_window() {
        let mut f = facts();
        // Scanned 50 minutes after opening, submitted 5 hours later, after closing.
        let scanned = NOW - 50 * 60;
        f.opens_at = NOW - HOUR;
        f.closes_at = NOW - 30 * 60;
        let token = token_at(&f, scanned);
        let mut a = attempt(&token, MEMBER);
        a.now = NOW + 5 * HOUR;
        a.scanned_at = Some(scanned);
        let d = decide_default(&f, &a);
        assert_eq!(d.outcome, Outcome::Ok);
        assert!(d.late_sync);
        // A scan time far from the token's window is a photo scanned later: refused.
        a.scanned_at = Some(NOW + 4 * HOUR);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::OfflineRefused);
        // So is a scan time before the window, or in the future.
        a.scanned_at = Some(scanned - 10 * 60);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::OfflineRefused);
        a.scanned_at = Some(a.now + 600);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::OfflineRefused);
        // A phone clock a minute off still counts.
        a.scanned_at = Some(scanned + 60);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::Ok);
        // Without the offline flag an old window is a replay.
        a.scanned_at = None;
        assert_eq!(decide_default(&f, &a).outcome, Outcome::WindowExpired);
        // Beyond the limit it is refused.
        a.scanned_at = Some(scanned);
        a.now = NOW + 25 * HOUR;
        assert_eq!(decide_default(&f, &a).outcome, Outcome::WindowExpired);
    }

    #[test]
    fn a_camera_opened_scan_is_judged_at_wechats_scan_time() {
        let f = facts();
        let scanned = NOW - 300;
        let token = token_at(&f, scanned);
        let mut a = attempt(&token, MEMBER);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::WindowExpired);
        a.scancode_time = Some(scanned + 5);
        let d = decide_default(&f, &a);
        assert_eq!(d.outcome, Outcome::Ok);
        assert!(!d.late_sync);
        // A scan time that does not match the token's window, or too old, proves nothing.
        a.scancode_time = Some(NOW - 30);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::WindowExpired);
        let old = token_at(&f, NOW - 3600);
        let mut late = attempt(&old, MEMBER);
        late.scancode_time = Some(NOW - 3600);
        assert_eq!(decide_default(&f, &late).outcome, Outcome::WindowExpired);
    }

    #[test]
    fn an_offline_scan_of_a_window_before_opening_is_not_open_yet() {
        let mut f = facts();
        f.opens_at = NOW;
        let token = token_at(&f, NOW - 600);
        let mut a = attempt(&token, MEMBER);
        a.now = NOW + 60;
        a.scanned_at = Some(NOW - 600);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::NotOpenYet);
    }

    #[test]
    fn a_static_code_works_any_time_in_the_period() {
        let mut f = facts();
        f.rotation = Rotation { seconds: 0 };
        let token = signer().venue_token(CODE, f.rotation, 0);
        assert_eq!(
            decide_default(&f, &attempt(&token, MEMBER)).outcome,
            Outcome::Ok
        );
        // Offline, a static code proves nothing about time: refused unless opted in.
        let mut a = attempt(&token, MEMBER);
        a.scanned_at = Some(NOW - 600);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::OfflineRefused);
        f.offline_static = true;
        let d = decide_default(&f, &a);
        assert!(d.late_sync && d.outcome == Outcome::Ok);
        a.scanned_at = Some(NOW + 3600);
        assert_eq!(decide_default(&f, &a).outcome, Outcome::OfflineRefused);
    }

    #[test]
    fn every_outcome_has_a_slug_that_parses_back() {
        for &outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Ok(outcome));
            assert!(!outcome.message().is_empty());
        }
    }

    #[test]
    fn distance_is_about_right() {
        let d = distance_m(
            VENUE,
            Location {
                latitude: 32.4042,
                longitude: 119.4129,
            },
        );
        assert!((d - 1112.0).abs() < 5.0, "{d}");
    }
}
