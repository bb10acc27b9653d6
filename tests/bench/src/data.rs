//! Payloads shared by the server and the measurements, and the hand-written
//! types the generated ones are compared with.

use std::fmt::Write;

use serde::Deserialize;

/// The project name that selects a listing of `total` instances.
pub fn project_for(total: usize) -> String {
    format!("total_{total}")
}

/// The total a project name selects (see [`project_for`]).
pub fn total_of(project: &str) -> Option<usize> {
    project.strip_prefix("total_")?.parse().ok()
}

const STATUSES: [&str; 4] = [
    "STATUS_RUNNING",
    "STATUS_PAUSED",
    "STATUS_STARTING",
    "STATUS_TERMINATED",
];

/// Appends instance `i` of a listing as JSON: every property of
/// `InstanceModel`, the optional ones present, absent or `null` in turn.
pub fn write_instance(out: &mut String, i: usize) {
    let status = STATUSES[i % STATUSES.len()];
    let _ = write!(
        out,
        r#"{{"fid":"inst_{i:07}","name":"worker-{i:07}","project":"proj_01hbench","created_at":"2025-03-{day:02}T{hour:02}:14:07.123456Z","created_by":"user_01hbenchmark","instance_type":"it_8xH100_80GB","region":"us-central{zone}-a""#,
        day = 1 + i % 28,
        hour = i % 24,
        zone = i % 5,
    );
    match i % 3 {
        0 => {
            let _ = write!(out, r#","bid":"bid_{i:07}","reservation":null"#);
        }
        1 => {
            let _ = write!(out, r#","reservation":"res_{i:07}""#);
        }
        _ => {}
    }
    let _ = write!(
        out,
        r#","ssh_destination":"198.51.{a}.{b}:22","private_ip":"10.0.{a}.{b}","status":"{status}"}}"#,
        a = (i / 250) % 250,
        b = i % 250,
    );
}

/// One page of a listing of `total` instances: `limit` items starting at
/// item `page * limit`, with `next_cursor` naming the next page if any.
pub fn write_page(out: &mut String, total: usize, limit: usize, page: usize) {
    let start = (page * limit).min(total);
    let end = (start + limit).min(total);
    out.push_str(r#"{"data":["#);
    for i in start..end {
        if i > start {
            out.push(',');
        }
        write_instance(out, i);
    }
    out.push(']');
    if end < total {
        let _ = write!(out, r#","next_cursor":"p{}""#, page + 1);
    }
    out.push('}');
}

/// The page number a cursor names.
pub fn page_of(cursor: &str) -> Option<usize> {
    cursor.strip_prefix('p')?.parse().ok()
}

/// The body of `GET /v2/instances/{fid}/status`.
pub fn status_body(fid: &str) -> String {
    format!(
        r#"{{"fid":"{fid}","name":"worker-0000001","status":"STATUS_RUNNING","reservation":"res_0000001","end_time":null}}"#
    )
}

/// Hand-written equivalent of `InstanceStatus`: a derived enum with a
/// catch-all for values it does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum HandStatus {
    #[serde(rename = "STATUS_NEW")]
    New,
    #[serde(rename = "STATUS_CONFIRMED")]
    Confirmed,
    #[serde(rename = "STATUS_INITIALIZING")]
    Initializing,
    #[serde(rename = "STATUS_STARTING")]
    Starting,
    #[serde(rename = "STATUS_RUNNING")]
    Running,
    #[serde(rename = "STATUS_STOPPING")]
    Stopping,
    #[serde(rename = "STATUS_TERMINATED")]
    Terminated,
    #[serde(rename = "STATUS_RELOCATING")]
    Relocating,
    #[serde(rename = "STATUS_PREEMPTING")]
    Preempting,
    #[serde(rename = "STATUS_PREEMPTED")]
    Preempted,
    #[serde(rename = "STATUS_REPLACED")]
    Replaced,
    #[serde(rename = "STATUS_PAUSED")]
    Paused,
    #[serde(rename = "STATUS_ERROR")]
    Error,
    #[serde(other)]
    Unknown,
}

impl HandStatus {
    fn wire(self) -> &'static str {
        match self {
            HandStatus::New => "STATUS_NEW",
            HandStatus::Confirmed => "STATUS_CONFIRMED",
            HandStatus::Initializing => "STATUS_INITIALIZING",
            HandStatus::Starting => "STATUS_STARTING",
            HandStatus::Running => "STATUS_RUNNING",
            HandStatus::Stopping => "STATUS_STOPPING",
            HandStatus::Terminated => "STATUS_TERMINATED",
            HandStatus::Relocating => "STATUS_RELOCATING",
            HandStatus::Preempting => "STATUS_PREEMPTING",
            HandStatus::Preempted => "STATUS_PREEMPTED",
            HandStatus::Replaced => "STATUS_REPLACED",
            HandStatus::Paused => "STATUS_PAUSED",
            HandStatus::Error => "STATUS_ERROR",
            HandStatus::Unknown => "",
        }
    }
}

/// Hand-written equivalent of `InstanceModel`, generic over the type of
/// its status (to tell the cost of the status type from the rest).
#[derive(Debug, Clone, Deserialize)]
pub struct HandInstanceOf<S> {
    pub fid: String,
    pub name: String,
    pub project: String,
    pub created_at: String,
    pub created_by: String,
    pub instance_type: String,
    pub region: Option<String>,
    pub bid: Option<String>,
    pub reservation: Option<String>,
    pub ssh_destination: Option<String>,
    pub private_ip: Option<String>,
    pub status: S,
}

/// Hand-written equivalent of `GetInstancesResponse`.
#[derive(Debug, Clone, Deserialize)]
pub struct HandPageOf<S> {
    pub data: Vec<HandInstanceOf<S>>,
    pub next_cursor: Option<String>,
}

/// The hand-written page, with a derived status enum.
pub type HandPage = HandPageOf<HandStatus>;

/// A status as sent on the wire.
pub trait Wire {
    fn wire(&self) -> &str;
}

impl Wire for HandStatus {
    fn wire(&self) -> &str {
        HandStatus::wire(*self)
    }
}

impl Wire for fixture_excerpt_mithril::types::InstanceStatus {
    fn wire(&self) -> &str {
        self.as_str()
    }
}

/// Hand-written equivalent of `InstanceStatusResponse`.
#[derive(Debug, Clone, Deserialize)]
pub struct HandInstanceStatus {
    pub fid: String,
    pub name: String,
    pub status: HandStatus,
    pub bid: Option<String>,
    pub reservation: Option<String>,
    pub end_time: Option<String>,
}

fn opt(s: &Option<String>) -> usize {
    s.as_ref().map_or(1, |s| s.len() + 2)
}

/// A digest of every field, to check that both decodings saw the same data.
pub fn digest_hand<S: Wire>(items: &[HandInstanceOf<S>]) -> usize {
    items
        .iter()
        .map(|i| {
            i.fid.len()
                + i.name.len()
                + i.project.len()
                + i.created_at.len()
                + i.created_by.len()
                + i.instance_type.len()
                + opt(&i.region)
                + opt(&i.bid)
                + opt(&i.reservation)
                + opt(&i.ssh_destination)
                + opt(&i.private_ip)
                + i.status.wire().len()
        })
        .sum()
}

/// [`digest_hand`] of the generated type.
pub fn digest_generated(items: &[fixture_excerpt_mithril::types::InstanceModel]) -> usize {
    items
        .iter()
        .map(|i| {
            i.fid.len()
                + i.name.len()
                + i.project.len()
                + i.created_at.as_str().len()
                + i.created_by.len()
                + i.instance_type.len()
                + opt(&i.region)
                + opt(&i.bid)
                + opt(&i.reservation)
                + opt(&i.ssh_destination)
                + opt(&i.private_ip)
                + i.status.as_str().len()
        })
        .sum()
}

/// A digest of the status response (both types).
pub fn digest_status_hand(s: &HandInstanceStatus) -> usize {
    s.fid.len()
        + s.name.len()
        + s.status.wire().len()
        + opt(&s.bid)
        + opt(&s.reservation)
        + opt(&s.end_time)
}

/// [`digest_status_hand`] of the generated type.
pub fn digest_status_generated(s: &fixture_excerpt_mithril::types::InstanceStatusResponse) -> usize {
    s.fid.len()
        + s.name.len()
        + s.status.as_str().len()
        + opt(&s.bid)
        + opt(&s.reservation)
        + s.end_time.as_ref().map_or(1, |t| t.as_str().len() + 2)
}
