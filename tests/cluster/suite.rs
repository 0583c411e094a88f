//! The cluster suite (run by `tests/cluster/run.sh`, a step of `.ci/test`): three server
//! processes started from `server/deploy/systemd/huodongri@.service`, behind HAProxy running
//! `server/deploy/haproxy/huodongri.cfg`, on the local PostgreSQL and Redis (or a Redis
//! Cluster). It shows, with short loads:
//!
//! 1. check-ins through the balancer while one instance is `kill -9`ed: every `ok` is in the
//!    database, rows = distinct people = the live count, and no member gets a wrong answer
//!    (a request cut off is repeated with the same nonce and gets the first answer);
//! 2. a rolling restart of all three under load: no request fails after retries;
//! 3. the projector page and the live board served by instance 1 follow check-ins taken
//!    through instances 2 and 3 within a second;
//! 4. an attachment uploaded through one instance is served by the other two;
//! 5. scheduled jobs run once across the three (the scheduler's clock moved to the 10th) and
//!    the preview they push reaches every member exactly once.
//!
//! cargo run -p api-tests --example cluster_suite -- --bin target/debug/huodongri
use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail, ensure};
use api_tests::load::{self, LoadBranch, OpenActivity};
use huodongri::{
    config::{Environment, Settings},
    db,
    entities::{checkin, push_outbox},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::SecretString;
use serde_json::{Value, json};

const UNIT: &str = "server/deploy/systemd/huodongri@.service";
const HAPROXY_CONFIG: &str = "server/deploy/haproxy/huodongri.cfg";
const TEMPLATE: &str = "TPL_ACTIVITY_PREVIEW";
const INSTANCES: u8 = 3;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// What a systemd unit asks for: its `Environment=` pairs and its `ExecStart=` words, with
/// `%i` replaced by the instance.
struct Unit {
    environment: Vec<(String, String)>,
    exec_start: Vec<String>,
}

fn read_unit(path: &Path, instance: u8) -> anyhow::Result<Unit> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let mut unit = Unit {
        environment: Vec::new(),
        exec_start: Vec::new(),
    };
    for line in text.lines().map(str::trim) {
        let line = line.replace("%i", &instance.to_string());
        if let Some(pair) = line.strip_prefix("Environment=") {
            let (key, value) = pair.split_once('=').context("Environment=KEY=VALUE")?;
            unit.environment.push((key.to_owned(), value.to_owned()));
        } else if let Some(command) = line.strip_prefix("ExecStart=") {
            unit.exec_start = command.split_whitespace().map(str::to_owned).collect();
        }
    }
    ensure!(
        !unit.exec_start.is_empty(),
        "{} has no ExecStart=",
        path.display()
    );
    Ok(unit)
}

struct Instance {
    number: u8,
    base: String,
    child: Option<Child>,
}

struct Cluster {
    bin: PathBuf,
    out: PathBuf,
    /// What every instance shares (stores, secrets, the WeChat fake): the suite's stand-in
    /// for /etc/huodongri/env.
    shared_env: Vec<(String, String)>,
    /// Settings of the current phase (e.g. the scheduler on, its clock moved).
    phase_env: Vec<(String, String)>,
    instances: Vec<Instance>,
    haproxy: Option<Child>,
    front: String,
    client: reqwest::Client,
    /// The shared Redis, to say who is missing from the live counters when they disagree.
    cache: Option<huodongri::cache::Cache>,
}

impl Cluster {
    fn start(&mut self, index: usize) -> anyhow::Result<()> {
        let number = self.instances[index].number;
        let unit = read_unit(Path::new(UNIT), number)?;
        let mut command = Command::new(&self.bin);
        command.args(&unit.exec_start[1..]);
        for (key, value) in &unit.environment {
            command.env(key, value);
        }
        // The unit's data directory is under /var/lib; the suite keeps each one in its own
        // folder of the run's output.
        let data_dir = self.out.join(format!("instance-{number}"));
        for (key, value) in self.shared_env.iter().chain(&self.phase_env) {
            command.env(key, value);
        }
        command.env("APP_APPLICATION__DATA_DIR", &data_dir);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.out.join(format!("instance-{number}.log")))?;
        command
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log));
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {}", self.bin.display()))?;
        self.instances[index].child = Some(child);
        Ok(())
    }

    /// SIGKILL: the instance gets no chance to finish anything.
    fn kill_hard(&mut self, index: usize) {
        if let Some(mut child) = self.instances[index].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits for the instance to drain and exit; returns how long it took.
    fn terminate(&mut self, index: usize) -> anyhow::Result<Duration> {
        self.signal_term(index)?;
        self.wait_exit(index)
    }

    fn signal_term(&self, index: usize) -> anyhow::Result<()> {
        if let Some(child) = &self.instances[index].child {
            let status = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()?;
            ensure!(status.success(), "kill -TERM failed");
        }
        Ok(())
    }

    fn wait_exit(&mut self, index: usize) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let Some(mut child) = self.instances[index].child.take() else {
            return Ok(Duration::ZERO);
        };
        loop {
            if let Some(exit) = child.try_wait()? {
                ensure!(exit.success(), "instance {} exited with {exit}", index + 1);
                return Ok(started.elapsed());
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                bail!("instance {} did not stop within 60 s of SIGTERM", index + 1);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    async fn wait_ready(&self, index: usize) -> anyhow::Result<()> {
        let url = format!("{}/readyz", self.instances[index].base);
        for _ in 0..600 {
            if let Ok(response) = self.client.get(&url).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!(
            "instance {} was not ready within 30 s; see its log in {}",
            index + 1,
            self.out.display()
        )
    }

    async fn start_all(&mut self) -> anyhow::Result<()> {
        for index in 0..self.instances.len() {
            self.start(index)?;
        }
        for index in 0..self.instances.len() {
            self.wait_ready(index).await?;
        }
        // HAProxy marks an instance up after two good checks 500 ms apart.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        Ok(())
    }

    fn start_haproxy(&mut self) -> anyhow::Result<()> {
        let log = std::fs::File::create(self.out.join("haproxy.log"))?;
        let mut command = Command::new("haproxy");
        command.args(["-db", "-f", HAPROXY_CONFIG]);
        command.env("HDR_FRONTEND", self.front.trim_start_matches("http://"));
        for instance in &self.instances {
            command.env(
                format!("HDR_APP{}", instance.number),
                instance.base.trim_start_matches("http://"),
            );
        }
        let check = Command::new("haproxy")
            .args(["-c", "-q", "-f", HAPROXY_CONFIG])
            .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
            .status()?;
        ensure!(check.success(), "haproxy -c refused {HAPROXY_CONFIG}");
        command
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log));
        let mut haproxy = command.spawn().context("cannot start haproxy")?;
        std::thread::sleep(Duration::from_millis(300));
        if let Some(exit) = haproxy.try_wait()? {
            bail!(
                "haproxy stopped at once ({exit}): {}",
                std::fs::read_to_string(self.out.join("haproxy.log")).unwrap_or_default()
            );
        }
        self.haproxy = Some(haproxy);
        Ok(())
    }

    fn stop_everything(&mut self) {
        for index in 0..self.instances.len() {
            self.kill_hard(index);
        }
        if let Some(mut haproxy) = self.haproxy.take() {
            let _ = haproxy.kill();
            let _ = haproxy.wait();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop_everything();
    }
}

/// One member's check-in, ready to send (and to send again with the same nonce).
struct Scan {
    person: i64,
    token: String,
    body: String,
}

#[derive(Default)]
struct LoadReport {
    /// People whose final answer was `ok`.
    ok: HashSet<i64>,
    /// How many times each person's scan was sent (the load comes round again).
    sends: HashMap<i64, u32>,
    /// Final answers other than `ok`: a member would have seen something wrong.
    wrong: Vec<String>,
    /// Scans still without an answer after every retry.
    gave_up: usize,
    /// Sends that were cut off (connection error, 502/503/504) and repeated by the client;
    /// HAProxy repeats most cuts itself (retry-on), so this is usually 0.
    repeated: usize,
    sent: usize,
    elapsed: Duration,
}

enum Answer {
    Final(u16, Value),
    GaveUp,
}

/// Sends one scan until it gets an answer, repeating it with the same nonce when the
/// connection fails or the balancer has no instance for it (about 6 s in all).
async fn send_scan(client: &reqwest::Client, front: &str, scan: &Scan) -> (Answer, usize) {
    let mut repeats = 0;
    for _ in 0..60 {
        let sent = client
            .post(format!("{front}/api/v1/checkins"))
            .bearer_auth(&scan.token)
            .header("content-type", "application/json")
            .body(scan.body.clone())
            .timeout(Duration::from_secs(5))
            .send()
            .await;
        match sent {
            Ok(response) if !matches!(response.status().as_u16(), 502..=504) => {
                let status = response.status().as_u16();
                let body = response.json().await.unwrap_or(Value::Null);
                return (Answer::Final(status, body), repeats);
            }
            _ => repeats += 1,
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (Answer::GaveUp, repeats)
}

/// `connections` clients send the scans in `scans` in turn, round and round, until `stop`.
async fn checkin_load(
    client: &reqwest::Client,
    front: &str,
    scans: Arc<Vec<Scan>>,
    connections: usize,
    stop: Arc<AtomicBool>,
) -> LoadReport {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, front, scans, next, stop) = (
            client.clone(),
            front.to_owned(),
            scans.clone(),
            next.clone(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut report = LoadReport::default();
            while !stop.load(Ordering::Relaxed) {
                // Past the last member the scans come round again: a repeat carries the same
                // nonce and must get the same `ok`.
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(scan) = scans.get(index % scans.len().max(1)) else {
                    break;
                };
                let (answer, repeats) = send_scan(&client, &front, scan).await;
                report.sent += 1;
                report.repeated += repeats;
                *report.sends.entry(scan.person).or_default() += 1;
                match answer {
                    Answer::Final(200, body) if body["result"] == "ok" => {
                        report.ok.insert(scan.person);
                    }
                    Answer::Final(status, body) => report
                        .wrong
                        .push(format!("person {}: {status} {body}", scan.person)),
                    Answer::GaveUp => report.gave_up += 1,
                }
            }
            report
        }));
    }
    let mut all = LoadReport::default();
    for task in tasks {
        let part = task.await.expect("a load task panicked");
        all.ok.extend(part.ok);
        for (person, n) in part.sends {
            *all.sends.entry(person).or_default() += n;
        }
        all.wrong.extend(part.wrong);
        all.gave_up += part.gave_up;
        all.repeated += part.repeated;
        all.sent += part.sent;
    }
    all.elapsed = started.elapsed();
    all
}

fn scans_for(
    settings: &Settings,
    people: &[i64],
    activity: &OpenActivity,
) -> anyhow::Result<Vec<Scan>> {
    let tokens = load::tokens_for(settings, people, Duration::from_secs(3600))?;
    Ok(people
        .iter()
        .zip(tokens)
        .map(|(person, token)| Scan {
            person: *person,
            token,
            body: json!({
                "activity_code": activity.code,
                "token": activity.venue_token,
                "nonce": uuid::Uuid::new_v4().simple().to_string(),
            })
            .to_string(),
        })
        .collect())
}

/// Every `ok` is stored, nobody is stored twice, and the live count (through the balancer)
/// equals the rows.
async fn verify_checkins(
    db: &DatabaseConnection,
    cluster: &Cluster,
    organiser: &str,
    plan_id: i64,
    report: &LoadReport,
) -> anyhow::Result<()> {
    let acknowledged = &report.ok;
    let rows: Vec<i64> = checkin::Entity::find()
        .filter(checkin::Column::PlanId.eq(plan_id))
        .filter(checkin::Column::Present.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.person_id)
        .collect();
    let people: HashSet<i64> = rows.iter().copied().collect();
    let lost = acknowledged.difference(&people).count();
    let live: Value = cluster
        .client
        .get(format!(
            "{}/api/v1/activities/{plan_id}/live",
            cluster.front
        ))
        .bearer_auth(organiser)
        .send()
        .await?
        .json()
        .await?;
    println!(
        "   acknowledged in this run {} · rows {} · distinct people {} · live present {} · ok answers not stored {lost}",
        acknowledged.len(),
        rows.len(),
        people.len(),
        live["present"]
    );
    ensure!(
        lost == 0,
        "{lost} acknowledged check-ins are not in the database"
    );
    ensure!(rows.len() == people.len(), "someone is stored twice");
    if live["present"].as_u64() != Some(rows.len() as u64)
        && let Some(cache) = &cluster.cache
    {
        let candidates: Vec<String> = rows.iter().map(i64::to_string).collect();
        let found = cache
            .set_contains(
                &huodongri::checkin::live::set_key(
                    plan_id,
                    huodongri::checkin::decision::Attendance::Member,
                ),
                &candidates,
            )
            .await?;
        for (person, in_set) in rows.iter().zip(found) {
            if !in_set {
                println!(
                    "   not in the live counters: person {person}, sent {} time(s)",
                    report.sends.get(person).copied().unwrap_or(0)
                );
            }
        }
    }
    ensure!(
        live["present"].as_u64() == Some(rows.len() as u64),
        "the live count {} differs from the rows {}",
        live["present"],
        rows.len()
    );
    Ok(())
}

fn report_load(name: &str, report: &LoadReport) {
    println!(
        "   {name}: {} scans in {:.1} s ({:.0}/s) · ok {} · repeated after a cut {} · wrong answers {} · unanswered {}",
        report.sent,
        report.elapsed.as_secs_f64(),
        report.sent as f64 / report.elapsed.as_secs_f64().max(0.001),
        report.ok.len(),
        report.repeated,
        report.wrong.len(),
        report.gave_up
    );
    for wrong in report.wrong.iter().take(5) {
        println!("     wrong: {wrong}");
    }
}

/// Reads server-sent events from `url` and hands each `data:` JSON to the returned channel.
fn events(
    client: &reqwest::Client,
    url: String,
    token: Option<String>,
) -> tokio::sync::mpsc::UnboundedReceiver<Value> {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let client = client.clone();
    tokio::spawn(async move {
        let mut request = client.get(&url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let Ok(mut response) = request.send().await else {
            return;
        };
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if let Some(data) = event.trim().strip_prefix("data: ")
                    && let Ok(json) = serde_json::from_str(data)
                    && sender.send(json).is_err()
                {
                    return;
                }
            }
        }
    });
    receiver
}

/// Waits for the first event whose `read` value reaches `at_least`; how long after `since`
/// it was read (an event that arrived while another stream was awaited counts from `since`
/// too, so the figure is never smaller than the truth).
async fn until_count(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<Value>,
    read: impl Fn(&Value) -> Option<u64>,
    at_least: u64,
    since: Instant,
) -> anyhow::Result<Duration> {
    loop {
        let left = Duration::from_secs(5).saturating_sub(since.elapsed());
        match tokio::time::timeout(left, events.recv()).await {
            Ok(Some(event)) if read(&event).is_some_and(|n| n >= at_least) => {
                return Ok(since.elapsed());
            }
            Ok(Some(_)) => {}
            Ok(None) => bail!("the event stream ended"),
            Err(_) => bail!("no event showed {at_least} within 5 s"),
        }
    }
}

async fn check_in_directly(
    client: &reqwest::Client,
    base: &str,
    scan: &Scan,
) -> anyhow::Result<()> {
    let (answer, _) = send_scan(client, base, scan).await;
    match answer {
        Answer::Final(200, body) if body["result"] == "ok" => Ok(()),
        Answer::Final(status, body) => bail!("check-in through {base}: {status} {body}"),
        Answer::GaveUp => bail!("check-in through {base}: no answer"),
    }
}

struct RunningLoad {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<LoadReport>,
}

struct Suite {
    cluster: Cluster,
    db: DatabaseConnection,
    fake: wechat_fake::FakeWechat,
    branch: LoadBranch,
    activity: OpenActivity,
    scans: Vec<Scan>,
    organiser: String,
    load_connections: usize,
}

impl Suite {
    fn take_scans(&mut self, how_many: usize) -> Arc<Vec<Scan>> {
        let rest = self.scans.split_off(how_many.min(self.scans.len()));
        Arc::new(std::mem::replace(&mut self.scans, rest))
    }

    /// Starts check-ins through the balancer by `how_many` members, round and round.
    fn start_load(&mut self, how_many: usize) -> RunningLoad {
        let scans = self.take_scans(how_many);
        let stop = Arc::new(AtomicBool::new(false));
        let (client, front, flag) = (
            self.cluster.client.clone(),
            self.cluster.front.clone(),
            stop.clone(),
        );
        let connections = self.load_connections;
        let task =
            tokio::spawn(
                async move { checkin_load(&client, &front, scans, connections, flag).await },
            );
        RunningLoad { stop, task }
    }

    /// Stops the load; every answer was `ok`, none was lost, and the stores agree.
    async fn finish_load(&self, load: RunningLoad) -> anyhow::Result<()> {
        load.stop.store(true, Ordering::Relaxed);
        let report = load.task.await?;
        report_load("load", &report);
        ensure!(report.wrong.is_empty(), "members got wrong answers");
        ensure!(report.gave_up == 0, "requests failed after every retry");
        ensure!(!report.ok.is_empty(), "no check-in succeeded");
        verify_checkins(
            &self.db,
            &self.cluster,
            &self.organiser,
            self.activity.plan_id,
            &report,
        )
        .await
    }

    async fn kill_one_under_load(&mut self) -> anyhow::Result<()> {
        println!("== 1. check-ins through HAProxy while instance 2 is killed with SIGKILL");
        let load = self.start_load(2500);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        self.cluster.kill_hard(1);
        println!("   instance 2 killed (SIGKILL) 1.5 s into the load");
        tokio::time::sleep(Duration::from_secs(3)).await;
        self.finish_load(load).await?;
        self.cluster.start(1)?;
        self.cluster.wait_ready(1).await?;
        Ok(())
    }

    async fn rolling_restart_under_load(&mut self) -> anyhow::Result<()> {
        println!("== 2. a rolling restart of the three (SIGTERM, drain, start) under load");
        let load = self.start_load(2500);
        tokio::time::sleep(Duration::from_millis(500)).await;
        for index in 0..self.cluster.instances.len() {
            let took = self.cluster.terminate(index)?;
            self.cluster.start(index)?;
            self.cluster.wait_ready(index).await?;
            println!(
                "   instance {} drained and stopped in {:.1} s, back and ready",
                index + 1,
                took.as_secs_f64()
            );
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        self.finish_load(load).await
    }

    async fn live_views_follow_other_instances(&mut self) -> anyhow::Result<()> {
        println!(
            "== 3. the projector page and the live board on instance 1 follow instances 2 and 3"
        );
        let instance_one = self.cluster.instances[0].base.clone();
        let link: Value = self
            .cluster
            .client
            .post(format!(
                "{instance_one}/api/v1/activities/{}/display-link",
                self.activity.plan_id
            ))
            .bearer_auth(&self.organiser)
            .send()
            .await?
            .json()
            .await?;
        let url = link["url"].as_str().context("display link")?;
        let path = url
            .split_once("/display/")
            .map(|(_, rest)| rest)
            .context("display link path")?;
        let (code, query) = path.split_once('?').context("display key")?;
        let mut projector = events(
            &self.cluster.client,
            format!("{instance_one}/display/{code}/events?{query}"),
            None,
        );
        let city: i64 = huodongri::orgs::find_by_code(&self.db, "BENCH")
            .await?
            .context("city")?
            .id;
        let mut board = events(
            &self.cluster.client,
            format!("{instance_one}/api/v1/orgs/{city}/live-board/events"),
            Some(self.organiser.clone()),
        );
        let present = |event: &Value| event["counts"]["present"].as_u64();
        let board_present = |event: &Value| event["total"]["present"].as_u64();
        let mut now_present = {
            let first = projector.recv().await.context("projector's first event")?;
            present(&first).context("projector's count")?
        };
        let first_board = board.recv().await.context("board's first event")?;
        ensure!(
            board_present(&first_board) == Some(now_present),
            "the board shows {} and the projector {now_present}",
            first_board["total"]["present"]
        );
        let scans = self.take_scans(2);
        for (scan, index) in scans.iter().zip([1usize, 2]) {
            let through = self.cluster.instances[index].base.clone();
            let sent = Instant::now();
            check_in_directly(&self.cluster.client, &through, scan).await?;
            let answered_at = Instant::now();
            let answered = answered_at - sent;
            now_present += 1;
            let on_projector =
                until_count(&mut projector, present, now_present, answered_at).await?;
            let on_board = until_count(&mut board, board_present, now_present, answered_at).await?;
            println!(
                "   check-in through instance {}: answered in {} ms; projector on instance 1 showed it {} ms later, the live board {} ms later",
                index + 1,
                answered.as_millis(),
                on_projector.as_millis(),
                on_board.as_millis()
            );
            ensure!(
                on_projector < Duration::from_secs(1),
                "the projector took {on_projector:?}"
            );
            ensure!(
                on_board < Duration::from_secs(1),
                "the live board took {on_board:?}"
            );
        }
        Ok(())
    }

    async fn attachments_are_shared(&mut self) -> anyhow::Result<()> {
        println!("== 4. an attachment taken by instance 1 is served by instances 2 and 3");
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.extend_from_slice(uuid::Uuid::new_v4().simple().to_string().as_bytes());
        let base = self.cluster.instances[0].base.clone();
        let stored: Value = self
            .cluster
            .client
            .post(format!(
                "{base}/api/v1/attachments?owner_type=activity&owner_id={}&name=%E7%AD%BE%E5%88%B0%E8%A1%A8.pdf",
                self.activity.plan_id
            ))
            .bearer_auth(&self.organiser)
            .header("content-type", "application/octet-stream")
            .body(bytes.clone())
            .send()
            .await?
            .json()
            .await?;
        let id = stored["id"]
            .as_i64()
            .with_context(|| format!("upload: {stored}"))?;
        for index in [1usize, 2] {
            let base = &self.cluster.instances[index].base;
            let response = self
                .cluster
                .client
                .get(format!("{base}/api/v1/attachments/{id}/content"))
                .bearer_auth(&self.organiser)
                .send()
                .await?;
            ensure!(
                response.status().is_success(),
                "instance {} answered {} for the attachment",
                index + 1,
                response.status()
            );
            ensure!(
                response.bytes().await?.as_ref() == bytes.as_slice(),
                "instance {} served other bytes",
                index + 1
            );
        }
        println!(
            "   {} bytes uploaded through instance 1, the same bytes read through 2 and 3",
            bytes.len()
        );
        Ok(())
    }

    async fn jobs_once_and_preview_once(&mut self) -> anyhow::Result<()> {
        println!(
            "== 5. scheduled jobs once across the three; the preview reaches each member once"
        );
        let next_month = load::month_from_today(1);
        let plan = load::plan_through(
            &self.cluster.client,
            &self.cluster.front,
            &self.organiser,
            self.branch.branch,
            &next_month,
            &["submit", "approve"],
        )
        .await;
        // The scheduler's clock: next month's 10th, 09:00:05 in Shanghai, when the preview of
        // every approved plan is published and pushed.
        let due = chrono::NaiveDate::parse_from_str(&format!("{next_month}-10"), "%Y-%m-%d")?
            .and_hms_opt(9, 0, 5)
            .context("time")?
            .and_local_timezone(huodongri::clock::shanghai())
            .single()
            .context("time")?;
        let offset = (due - huodongri::clock::now()).num_seconds();
        for index in 0..self.cluster.instances.len() {
            self.cluster.signal_term(index)?;
        }
        for index in 0..self.cluster.instances.len() {
            self.cluster.wait_exit(index)?;
        }
        self.cluster.phase_env = vec![
            ("APP_SCHEDULER__ENABLED".into(), "true".into()),
            ("APP_SCHEDULER__TICK_SECS".into(), "1".into()),
            (
                "APP_SCHEDULER__CLOCK_OFFSET_SECS".into(),
                offset.to_string(),
            ),
        ];
        self.cluster.start_all().await?;
        println!("   the three restarted with their schedulers on and the clock at {due}");
        let started = Instant::now();
        loop {
            let rows = push_outbox::Entity::find()
                .filter(push_outbox::Column::PlanId.eq(plan))
                .count(&self.db)
                .await?;
            let open = push_outbox::Entity::find()
                .filter(push_outbox::Column::PlanId.eq(plan))
                .filter(push_outbox::Column::Status.is_in(["pending", "sending"]))
                .count(&self.db)
                .await?;
            if rows > 0 && open == 0 {
                break;
            }
            ensure!(
                started.elapsed() < Duration::from_secs(60),
                "the preview was not pushed within 60 s ({rows} rows, {open} open)"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Let every scheduler tick at least twice more: a job that could run twice would.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let mut ran: HashMap<String, Vec<u8>> = HashMap::new();
        for instance in &self.cluster.instances {
            let log = std::fs::read_to_string(
                self.cluster
                    .out
                    .join(format!("instance-{}.log", instance.number)),
            )?;
            for line in log.lines().filter(|l| l.contains("scheduled jobs ran")) {
                let json: Value = serde_json::from_str(line).unwrap_or(Value::Null);
                let jobs = json["fields"]["jobs"]
                    .as_str()
                    .or(json["jobs"].as_str())
                    .unwrap_or(line)
                    .to_owned();
                for job in jobs
                    .trim_matches(|c| c == '[' || c == ']')
                    .split(',')
                    .map(|j| j.trim().trim_matches('"').to_owned())
                    .filter(|j| !j.is_empty())
                {
                    ran.entry(job).or_default().push(instance.number);
                }
            }
        }
        let mut names: Vec<_> = ran.keys().cloned().collect();
        names.sort();
        for job in &names {
            println!("   {job}: ran on instance(s) {:?}", ran[job]);
        }
        let preview = format!("preview_push:{next_month}");
        ensure!(
            ran.get(&preview).is_some_and(|on| on.len() == 1),
            "{preview} ran {:?} times",
            ran.get(&preview)
        );
        let twice: Vec<_> = ran.iter().filter(|(_, on)| on.len() > 1).collect();
        ensure!(twice.is_empty(), "jobs ran more than once: {twice:?}");
        let marker = format!("plan={plan}");
        let mut per_person: HashMap<String, usize> = HashMap::new();
        for message in self.fake.delivered() {
            if message
                .page
                .as_deref()
                .is_some_and(|p| p.ends_with(&marker))
            {
                *per_person.entry(message.openid).or_insert(0) += 1;
            }
        }
        let members = self.branch.people.len();
        let twice = per_person.values().filter(|n| **n > 1).count();
        println!(
            "   preview of plan {plan}: {} of {members} members got it, {twice} more than once ({:.1} s after the restart)",
            per_person.len(),
            started.elapsed().as_secs_f64()
        );
        ensure!(twice == 0, "{twice} members got the preview twice");
        ensure!(
            per_person.len() == members,
            "{} of {members} members got the preview",
            per_person.len()
        );
        Ok(())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let bin = PathBuf::from(arg("--bin").unwrap_or_else(|| "target/debug/huodongri".into()));
    let out = PathBuf::from(arg("--out").unwrap_or_else(|| {
        std::env::temp_dir()
            .join(format!("hdr-cluster-{}", std::process::id()))
            .display()
            .to_string()
    }));
    std::fs::create_dir_all(&out)?;
    let database_url = env_or(
        "TEST_DATABASE_URL",
        "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
    );
    let redis_url = env_or("TEST_REDIS_URL", "redis://127.0.0.1:6379/");
    let members: usize = env_or("CLUSTER_MEMBERS", "6000").parse()?;
    let run = uuid::Uuid::new_v4().simple().to_string();
    let schema = format!("cluster_{run}");
    let prefix = format!("cluster:{run}:");
    let secret = |name: &str| format!("{name}-{run}-{run}");

    let fake = wechat_fake::spawn().await;
    let mut settings = Settings::load(Environment::Local, None)?;
    settings.application.data_dir = out.join("suite");
    settings.database.url = Some(SecretString::from(database_url.clone()));
    settings.database.schema = Some(schema.clone());
    settings.secrets.jwt_secret = Some(SecretString::from(secret("jwt")));
    settings.secrets.qr_secret = Some(SecretString::from(secret("qr")));
    let db = db::connect(&settings.database, &settings.application.data_dir).await?;
    db::migrate(&db).await?;
    let started = Instant::now();
    let branch = load::seed_branch(&db, members, Some("o-cluster-")).await?;
    load::grant_consent(&db, &branch.people, TEMPLATE, 1).await?;
    for i in 0..members {
        fake.accept(&format!("o-cluster-{i}"), TEMPLATE);
    }
    let activity = load::open_activity_today(&db, &settings, &branch, 3600).await?;
    let scans = scans_for(&settings, &branch.people, &activity)?;
    let organiser =
        load::tokens_for(&settings, &[branch.organiser], Duration::from_secs(3600))?.remove(0);
    println!(
        "== seeded {members} members and today's activity in {:.1} s (schema {schema})",
        started.elapsed().as_secs_f64()
    );

    let shared_env: Vec<(String, String)> = vec![
        ("DATABASE_URL".into(), database_url.clone()),
        ("APP_DATABASE__SCHEMA".into(), schema.clone()),
        ("APP_DATABASE__MAX_CONNECTIONS".into(), "8".into()),
        ("APP_DATABASE__MIN_CONNECTIONS".into(), "1".into()),
        ("REDIS_URL".into(), redis_url.clone()),
        ("APP_CACHE__KEY_PREFIX".into(), prefix.clone()),
        ("APP_SECRETS__JWT_SECRET".into(), secret("jwt")),
        ("APP_SECRETS__QR_SECRET".into(), secret("qr")),
        ("APP_WECHAT__APP_SECRET".into(), fake.secret().to_owned()),
        ("APP_WECHAT__APPID".into(), fake.appid().to_owned()),
        ("APP_WECHAT__BASE_URL".into(), fake.uri()),
        ("APP_PUSH__IDLE_POLL_MS".into(), "200".into()),
        ("APP_APPLICATION__WORKERS".into(), "2".into()),
        (
            "APP_APPLICATION__PUBLIC_BASE_URL".into(),
            "http://127.0.0.1:8180".into(),
        ),
        ("APP_SCHEDULER__ENABLED".into(), "false".into()),
        ("RUST_LOG".into(), "info".into()),
    ];
    let mut instances = Vec::new();
    for number in 1..=INSTANCES {
        let unit = read_unit(Path::new(UNIT), number)?;
        let bind = unit
            .environment
            .iter()
            .find(|(key, _)| key == "APP_APPLICATION__BIND")
            .map(|(_, value)| value.clone())
            .context("the unit sets APP_APPLICATION__BIND")?;
        instances.push(Instance {
            number,
            base: format!("http://{bind}"),
            child: None,
        });
    }
    let mut cluster = Cluster {
        bin,
        out: out.clone(),
        shared_env,
        phase_env: Vec::new(),
        instances,
        haproxy: None,
        front: format!("http://{}", env_or("CLUSTER_FRONTEND", "127.0.0.1:8180")),
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()?,
        cache: huodongri::cache::Cache::redis(&redis_url, &prefix, Duration::from_secs(2)).ok(),
    };
    cluster.start_haproxy()?;
    cluster.start_all().await?;
    println!(
        "== three instances ({}) behind HAProxy at {}; logs in {}",
        cluster
            .instances
            .iter()
            .map(|i| i.base.trim_start_matches("http://").to_owned())
            .collect::<Vec<_>>()
            .join(", "),
        cluster.front,
        out.display()
    );
    let mut suite = Suite {
        cluster,
        db,
        fake,
        branch,
        activity,
        scans,
        organiser,
        load_connections: env_or("CLUSTER_CONNECTIONS", "32").parse()?,
    };
    let outcome = async {
        suite.kill_one_under_load().await?;
        suite.rolling_restart_under_load().await?;
        suite.live_views_follow_other_instances().await?;
        suite.attachments_are_shared().await?;
        suite.jobs_once_and_preview_once().await?;
        anyhow::Ok(())
    }
    .await;
    suite.cluster.stop_everything();
    match outcome {
        Ok(()) => {
            use sea_orm::ConnectionTrait;
            let _ = suite
                .db
                .execute_unprepared(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .await;
            println!(
                "== cluster suite passed in {:.0} s",
                started.elapsed().as_secs_f64()
            );
            let _ = std::fs::remove_dir_all(&out);
            Ok(())
        }
        Err(e) => {
            println!(
                "!! cluster suite failed: {e:#}; logs kept in {}",
                out.display()
            );
            Err(e)
        }
    }
}
