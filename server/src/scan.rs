//! Every scan of a rotating code lands here (`POST /api/v1/checkins`): a meeting's code is
//! decided by check-in, a volunteer activity's by community service, a deputies' studio's
//! by the rota (presence on duty). This dispatcher sits
//! above both, so neither area imports the other's scan path.
use crate::{
    checkin::{
        AttendanceError, CheckinService,
        service::{Answer, Scan},
    },
    clock,
    community::volunteer,
    deputies::rota,
};

pub async fn check_in(
    service: &CheckinService,
    person_id: i64,
    scan: Scan,
) -> Result<Answer, AttendanceError> {
    let facts = service
        .facts
        .by_code(&service.db, &scan.activity_code)
        .await?;
    if facts.is_none()
        && let Some(item) = volunteer::by_code(&service.db, &scan.activity_code).await?
    {
        use chrono::SubsecRound;
        let now = clock::now().trunc_subsecs(6);
        return volunteer::check_in(
            &service.db,
            &service.signer,
            item,
            person_id,
            &scan.token,
            now,
        )
        .await;
    }
    if facts.is_none()
        && let Some(studio) = rota::by_code(&service.db, &scan.activity_code).await?
    {
        let now = clock::now();
        return rota::check_in(
            &service.db,
            &service.signer,
            studio,
            person_id,
            &scan.token,
            now,
        )
        .await;
    }
    service.check_in(person_id, scan, facts).await
}
