//! Typed configuration: command-line flags first, environment variables as fallback.

use std::{ffi::OsString, fmt, net::SocketAddr, path::PathBuf, str::FromStr};

use app::domain::{
    providers::DEFAULT_REPLY_WINDOW_DAYS,
    sync::{DEFAULT_DRAFT_EXPIRY_DAYS, DEFAULT_MAX_BODY_BYTES},
    triage::{PatternRule, ResponseTargets},
};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// Care Home Feedback: collects professionals' observations of care homes.
#[derive(Debug, Parser)]
#[command(name = "server", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    /// What to do; `serve` when none is given.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and its API (the default).
    Serve(ServeArgs),
    /// Manage the register of services.
    Register {
        #[command(subcommand)]
        action: RegisterCommand,
    },
    /// Manage the organisations whose professionals may enrol devices.
    Org {
        #[command(subcommand)]
        action: OrgCommand,
    },
    /// Manage professionals' enrolled devices.
    Device {
        #[command(subcommand)]
        action: DeviceCommand,
    },
    /// Manage the accounts of the commissioning unit's staff.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Copy the SQLite database to FILE while the server runs (a consistent
    /// copy as of the moment it starts). For PostgreSQL, use pg_dump.
    Backup { file: PathBuf },
    /// Put a backup made by `backup` in place in an empty data folder.
    Restore { file: PathBuf },
    /// Copy everything from a SQLite database into an empty PostgreSQL one,
    /// then compare every table's rows and content.
    MigrateData {
        /// The SQLite database to copy, such as sqlite://data/chf.db.
        #[arg(long)]
        from: DatabaseUrl,
        /// The empty PostgreSQL database to copy into, such as postgres://chf@db/chf.
        #[arg(long)]
        to: DatabaseUrl,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. The password is read from CHF_PASSWORD if set; otherwise
    /// one is generated and printed, shown only this once.
    Add {
        /// Login email address.
        #[arg(long)]
        email: String,
        /// Name shown in the audit trail.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// For a provider: the CQC location ID of a service it answers for; repeat for each.
        #[arg(long = "service")]
        services: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Commissioner,
    Admin,
    /// A care home's own account: sees only its services, and only what was shared with them.
    Provider,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organisation and print its access code (shown only this once).
    Add { name: String },
    /// Give an organisation a new access code (shown only this once); the old
    /// one stops working at once. Devices already enrolled keep working.
    RotateCode { name: String },
    /// Withdraw an organisation's access code: no more devices can enrol with
    /// it until `rotate-code` gives it a new one. Devices already enrolled keep
    /// working; withdraw one with `device revoke`.
    Disable { name: String },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Withdraw a device's enrolment: it can no longer send observations.
    Revoke { id: uuid::Uuid },
}

#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Load the fictional demo register when the register is empty.
    #[arg(long, env = "CHF_DEMO_DATA")]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Import services from a CSV file. Every row is checked first; one bad row
    /// and nothing is imported. Re-importing a file changes nothing.
    Import { file: PathBuf },
    /// Load the fictional demo register if the register is empty.
    Demo,
}

/// Settings every command shares.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CHF_ADDR", default_value = "127.0.0.1:3000", global = true)]
    pub addr: SocketAddr,
    /// Folder for the SQLite database when no database URL is given; created if missing.
    #[arg(long, env = "CHF_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL: sqlite://data/chf.db, or postgres://user@host/db for several servers
    /// sharing one database. Defaults to chf.db in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<DatabaseUrl>,
    /// Log lines as human-readable text or as JSON.
    #[arg(long, env = "CHF_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    /// Folder with the built site (pkg/ and public files), as cargo-leptos writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: PathBuf,
    /// Set behind HTTPS: the session and device cookies become `__Host-` prefixed and
    /// Secure, and responses carry HSTS (one year).
    #[arg(long, env = "CHF_SECURE_COOKIES", global = true)]
    pub secure_cookies: bool,
    /// What the stop-and-call panel tells a professional who reports a risk of harm.
    #[arg(long, env = "CHF_SAFEGUARDING_ROUTE", default_value = DEFAULT_SAFEGUARDING_ROUTE, global = true)]
    pub safeguarding_route: String,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "CHF_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES as usize, global = true)]
    pub max_body_bytes: usize,
    /// Days after its last change that an unsent draft is deleted from a phone.
    #[arg(long, env = "CHF_DRAFT_EXPIRY_DAYS", default_value_t = DEFAULT_DRAFT_EXPIRY_DAYS, value_parser = clap::value_parser!(u32).range(1..=365), global = true)]
    pub draft_expiry_days: u32,
    /// Days a home has to reply to an observation shared with it.
    #[arg(long, env = "CHF_REPLY_WINDOW_DAYS", default_value_t = DEFAULT_REPLY_WINDOW_DAYS, value_parser = clap::value_parser!(u32).range(1..=365), global = true)]
    pub reply_window_days: u32,
    /// Extra text for the service worker's version. Normally empty: the hash of
    /// the built files already changes with every release.
    #[arg(long, env = "CHF_RELEASE_LABEL", default_value = "", global = true)]
    pub release_label: String,
    /// Working days a red observation has to be acknowledged before it is overdue.
    #[arg(long, env = "CHF_RED_TARGET_DAYS", default_value_t = ResponseTargets::STANDARD.red_working_days, global = true)]
    pub red_target_days: u32,
    /// Working days an amber observation has to be acknowledged before it is overdue.
    #[arg(long, env = "CHF_AMBER_TARGET_DAYS", default_value_t = ResponseTargets::STANDARD.amber_working_days, global = true)]
    pub amber_target_days: u32,
    /// Amber or red observations within the pattern window that flag a service.
    #[arg(long, env = "CHF_PATTERN_THRESHOLD", default_value_t = PatternRule::STANDARD.threshold, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub pattern_threshold: u32,
    /// Days the pattern window looks back.
    #[arg(long, env = "CHF_PATTERN_WINDOW_DAYS", default_value_t = PatternRule::STANDARD.window_days, value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub pattern_window_days: u32,
    /// Hours a staff login lasts.
    #[arg(long, env = "CHF_SESSION_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=168), global = true)]
    pub session_hours: u32,
    /// Seconds in which an account takes at most 5 failed logins from all
    /// clients together: someone else's guesses slow its owner this long at
    /// most, never lock them out.
    #[arg(long, env = "CHF_ACCOUNT_GUESS_WINDOW_SECS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=3600), global = true)]
    pub account_guess_window_secs: u32,
    /// Behind a load balancer: the header it puts the client's address in
    /// (e.g. x-forwarded-for), for the limits on guessing. Set it only when
    /// every request comes through that balancer.
    #[arg(long, env = "CHF_CLIENT_ADDRESS_HEADER", global = true)]
    pub client_address_header: Option<String>,
    /// Days a device's token lasts unused; each use in its second half renews it.
    #[arg(long, env = "CHF_DEVICE_TOKEN_DAYS", default_value_t = 180, value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub device_token_days: u32,
    /// Seconds a client has to send a request's headers; a kept-alive
    /// connection with no new request is closed after the same time.
    #[arg(long, env = "CHF_HEADER_TIMEOUT_SECS", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=600), global = true)]
    pub header_timeout_secs: u32,
    /// Seconds a request's body may go without receiving a byte.
    #[arg(long, env = "CHF_BODY_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=600), global = true)]
    pub body_timeout_secs: u32,
    /// Duty email addresses told at once when a red observation arrives
    /// (comma-separated). None: no alerts.
    #[arg(long, env = "CHF_ALERT_EMAIL_TO", value_delimiter = ',', global = true)]
    pub alert_email_to: Vec<String>,
    /// The mail server alerts go through: smtp://host:25 (plain, for a relay
    /// on the same network), smtp://host:587?tls=required (STARTTLS), or
    /// smtps://user:password@host (TLS); as lettre reads it.
    #[arg(long, env = "CHF_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// A chat channel's incoming webhook (Teams, Slack) that red observations
    /// are posted to as JSON `{"text": …}`, besides the email.
    #[arg(long, env = "CHF_ALERT_WEBHOOK_URL", global = true)]
    pub alert_webhook_url: Option<String>,
    /// When the daily digest of new, overdue and unassigned observations is
    /// emailed to the duty addresses, as HH:MM in UTC (08:00 UTC is 08:00 in
    /// winter, 09:00 in summer). None: no digest.
    #[arg(long, env = "CHF_DIGEST_AT", global = true)]
    pub digest_at: Option<TimeOfDay>,
    /// Who alert emails come from.
    #[arg(long, env = "CHF_ALERT_EMAIL_FROM", default_value = "Care Home Feedback <no-reply@localhost>", global = true)]
    pub alert_email_from: String,
    /// The address staff reach this server at, for the links in alerts.
    #[arg(long, env = "CHF_PUBLIC_URL", default_value = "http://127.0.0.1:3000", global = true)]
    pub public_url: String,
    /// Seconds before an alert that failed is tried again; doubled with each
    /// failure, at most half an hour.
    #[arg(long, env = "CHF_ALERT_RETRY_SECS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=1800), global = true)]
    pub alert_retry_secs: u32,
    /// TEST ONLY: commit the first N sync batches but answer them with 503, as
    /// if the reply were lost on the way to the phone.
    #[arg(long, env = "CHF_TEST_LOSE_SYNC_REPLIES", default_value_t = 0, hide = true, global = true)]
    pub test_lose_sync_replies: u32,
}

impl Settings {
    /// The database to use: the given URL, or a SQLite file in the data folder.
    pub fn database_url(&self) -> DatabaseUrl {
        self.database_url.clone().unwrap_or_else(|| DatabaseUrl(format!("sqlite://{}", self.data_dir.join("chf.db").display())))
    }

    /// Settings for a test or a tool: a free port, a data folder, and every
    /// other setting at its flag's default. The defaults are written once, on
    /// the flags above; the environment is left out, so a test gets the same
    /// settings wherever it runs.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        let command = Cli::command().mut_args(|arg| arg.env(None::<&'static str>));
        let args = [OsString::from("server"), "--addr".into(), "127.0.0.1:0".into(), "--data-dir".into(), data_dir.into().into_os_string()];
        let matches = command.try_get_matches_from(args).expect("the flags' defaults parse");
        Cli::from_arg_matches(&matches).expect("the flags' defaults parse").settings
    }
}

/// A time of day as HH:MM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOfDay(pub chrono::NaiveTime);

impl FromStr for TimeOfDay {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        chrono::NaiveTime::parse_from_str(s, "%H:%M").map(Self).map_err(|_| format!("\"{s}\" is not a time like 08:00"))
    }
}

/// A placeholder until a deployment configures its own route and numbers.
pub const DEFAULT_SAFEGUARDING_ROUTE: &str = "If someone is in danger now, call 999. Otherwise call the adult \
    safeguarding team of the local council now; out of hours, call its emergency duty service.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A database URL. It may hold a password, so `Debug` shows only its scheme.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn scheme(&self) -> &str {
        self.0.split(':').next().unwrap_or_default()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({}://…)", self.scheme())
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.contains(':') {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!("\"{s}\" is not a URL like sqlite://data/chf.db"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_defaults_to_a_file_in_the_data_folder() {
        let settings = Settings::for_data_dir("/tmp/x");
        assert_eq!(settings.database_url().expose(), "sqlite:///tmp/x/chf.db");
    }

    #[test]
    fn database_url_debug_hides_credentials() {
        let url: DatabaseUrl = "postgres://me:secret@db/chf".parse().unwrap();
        assert!(!format!("{url:?}").contains("secret"));
    }

    #[test]
    fn a_test_or_tools_settings_are_the_flags_defaults() {
        let settings = Settings::for_data_dir("/tmp/x");
        assert_eq!(settings.addr.port(), 0);
        assert_eq!(settings.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(settings.max_body_bytes as u64, DEFAULT_MAX_BODY_BYTES);
        assert_eq!((settings.red_target_days, settings.amber_target_days), (1, 5));
        assert_eq!((settings.pattern_threshold, settings.pattern_window_days), (2, 28));
        assert_eq!((settings.draft_expiry_days, settings.session_hours, settings.device_token_days), (14, 12, 180));
        assert_eq!((settings.header_timeout_secs, settings.body_timeout_secs, settings.test_lose_sync_replies), (20, 30, 0));
        assert_eq!(settings.site_root, PathBuf::from("target/site"));
        assert!(!settings.secure_cookies && settings.client_address_header.is_none() && settings.database_url.is_none());
    }

    #[test]
    fn no_subcommand_means_serve_with_defaults() {
        let cli = Cli::try_parse_from(["server"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.settings.addr.port(), 3000);
    }

    #[test]
    fn flags_come_after_the_subcommand_too() {
        let cli = Cli::try_parse_from(["server", "serve", "--demo", "--addr", "127.0.0.1:0"]).unwrap();
        assert_eq!(cli.settings.addr.port(), 0);
        assert!(matches!(cli.command, Some(Command::Serve(ServeArgs { demo: true }))));
    }
}
