//! What each command-line command does.

use anyhow::Context;

use app::domain::{
    accounts::{Email, Role, StaffName, MIN_PASSWORD_CHARS},
    device::OrganisationName,
    register::CqcLocationId,
};

use crate::{
    backups,
    credentials::{hash_password, hash_secret, new_access_code, new_password, normalise_access_code},
    migrate_data, register,
    settings::{Cli, Command, DatabaseUrl, DeviceCommand, OrgCommand, RegisterCommand, RoleArg, ServeArgs, Settings, UserCommand},
    startup::Application,
    store,
};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(&cli.settings, args).await,
        Command::Register { action } => run_register(&cli.settings, action).await,
        Command::Org { action: OrgCommand::Add { name } } => add_organisation(&cli.settings, &name).await,
        Command::Org { action: OrgCommand::RotateCode { name } } => rotate_code(&cli.settings, &name).await,
        Command::Org { action: OrgCommand::Disable { name } } => disable_organisation(&cli.settings, &name).await,
        Command::Device { action: DeviceCommand::Revoke { id } } => revoke_device(&cli.settings, id).await,
        Command::User { action: UserCommand::Add { email, name, role, services } } => {
            add_user(&cli.settings, &email, &name, role, &services).await
        }
        Command::Backup { file } => back_up(&cli.settings, &file).await,
        Command::Restore { file } => restore(&cli.settings, &file).await,
        Command::MigrateData { from, to } => migrate_data(&from, &to).await,
    }
}

async fn back_up(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let contents = backups::back_up(settings, file).await?;
    println!(
        "Backed up to {}: {} observations, {} audit trail entries, {} bytes.",
        file.display(),
        contents.observations,
        contents.audit_entries,
        contents.bytes
    );
    Ok(())
}

async fn restore(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let contents = backups::restore(settings, file).await?;
    println!(
        "Restored {} into {}: {} observations, {} audit trail entries. Start the server as usual.",
        file.display(),
        settings.data_dir.display(),
        contents.observations,
        contents.audit_entries
    );
    Ok(())
}

async fn migrate_data(from: &DatabaseUrl, to: &DatabaseUrl) -> anyhow::Result<()> {
    let copies = migrate_data::migrate(from.expose(), to.expose()).await?;
    for copy in &copies {
        let verdict = if copy.agrees() { "same" } else { "DIFFERENT" };
        println!("{:<28} {:>9} rows -> {:>9} rows, content {verdict}", copy.table, copy.source_rows, copy.target_rows);
    }
    let differing: Vec<&str> = copies.iter().filter(|copy| !copy.agrees()).map(|copy| copy.table.as_str()).collect();
    anyhow::ensure!(differing.is_empty(), "the copy differs from the original in: {}", differing.join(", "));
    let rows: i64 = copies.iter().map(|copy| copy.target_rows).sum();
    println!("Copied {} tables, {rows} rows; every table has the same rows and content in both.", copies.len());
    Ok(())
}

async fn serve(settings: &Settings, args: ServeArgs) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    if args.demo {
        report_demo_load(register::demo::load_if_empty(app.store().as_ref()).await?);
        if let Some(loaded) = crate::demo::load_if_empty(app.store().as_ref()).await? {
            println!(
                "Loaded {} fictional demo observations. Log in at /login as {} with the password {} (shown only now).",
                loaded.observations, loaded.email, loaded.password
            );
        }
    }
    println!("Care Home Feedback is running at http://{}", app.address());
    app.run_until_stopped().await.context("the server stopped with an error")
}

async fn run_register(settings: &Settings, action: RegisterCommand) -> anyhow::Result<()> {
    let store = store::open(settings).await?;
    match action {
        RegisterCommand::Demo => report_demo_load(register::demo::load_if_empty(store.as_ref()).await?),
        RegisterCommand::Import { file } => {
            let summary = register::import::import_file(store.as_ref(), &file).await?;
            println!("Imported {}: {} added, {} updated, {} unchanged.", file.display(), summary.added, summary.updated, summary.unchanged);
        }
    }
    Ok(())
}

async fn add_organisation(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let name = OrganisationName::parse(name)?;
    let store = store::open(settings).await?;
    let code = new_access_code();
    store.add_organisation(&name, &hash_secret(&normalise_access_code(&code))).await?;
    println!("Added {}. Its access code, shown only now: {code}", name.as_str());
    Ok(())
}

async fn rotate_code(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let name = OrganisationName::parse(name)?;
    let store = store::open(settings).await?;
    let code = new_access_code();
    let replaced = store.replace_access_code(&name, &hash_secret(&normalise_access_code(&code))).await?;
    anyhow::ensure!(replaced, "there is no organisation called {}", name.as_str());
    println!("{} has a new access code, shown only now: {code}. The old one no longer works.", name.as_str());
    Ok(())
}

async fn disable_organisation(settings: &Settings, name: &str) -> anyhow::Result<()> {
    let name = OrganisationName::parse(name)?;
    let store = store::open(settings).await?;
    anyhow::ensure!(store.withdraw_access_code(&name).await?, "there is no organisation called {}", name.as_str());
    println!(
        "{}'s access code no longer enrols devices. Devices already enrolled still work; use `device revoke` to stop one.",
        name.as_str()
    );
    Ok(())
}

async fn revoke_device(settings: &Settings, id: uuid::Uuid) -> anyhow::Result<()> {
    let store = store::open(settings).await?;
    anyhow::ensure!(store.revoke_device(id).await?, "there is no device {id}");
    println!("Device {id} can no longer send observations.");
    Ok(())
}

async fn add_user(settings: &Settings, email: &str, name: &str, role: RoleArg, services: &[String]) -> anyhow::Result<()> {
    let email = Email::parse(email)?;
    let name = StaffName::parse(name)?;
    let role = match role {
        RoleArg::Commissioner => Role::Commissioner,
        RoleArg::Admin => Role::Admin,
        RoleArg::Provider => Role::Provider,
    };
    match role {
        Role::Provider => anyhow::ensure!(!services.is_empty(), "a provider needs at least one --service (a CQC location ID)"),
        _ => anyhow::ensure!(services.is_empty(), "--service is for provider accounts only"),
    }
    let given = std::env::var("CHF_PASSWORD").ok().filter(|password| !password.is_empty());
    if let Some(password) = &given {
        anyhow::ensure!(password.chars().count() >= MIN_PASSWORD_CHARS, "CHF_PASSWORD must be at least {MIN_PASSWORD_CHARS} characters");
    }
    let password = given.clone().unwrap_or_else(new_password);
    let store = store::open(settings).await?;
    let mut locations = Vec::with_capacity(services.len());
    for raw in services {
        let id = CqcLocationId::parse(raw).map_err(|err| anyhow::anyhow!("--service {raw}: {}", err.message))?;
        anyhow::ensure!(store.service(&id).await?.is_some(), "--service {raw}: no service with this CQC location ID is in the register");
        locations.push(id);
    }
    let password_hash = hash_password(&password).map_err(|err| anyhow::anyhow!("cannot hash the password: {err}"))?;
    let user = store.add_user(&app::store::NewUser { email: email.clone(), name, role, password_hash }).await?;
    if !locations.is_empty() {
        store.set_provider_services(user, &locations).await?;
    }
    match given {
        Some(_) => println!("Added {} ({}).", email.as_str(), role.code()),
        None => println!("Added {} ({}). Their password, shown only now: {password}", email.as_str(), role.code()),
    }
    Ok(())
}

fn report_demo_load(loaded: Option<u32>) {
    match loaded {
        Some(count) => println!("Loaded the fictional demo register: {count} services."),
        None => println!("The register already has services; demo data not loaded."),
    }
}
