//! What each command-line command does.

use anyhow::Context;

use app::domain::device::OrganisationName;

use crate::{
    credentials::{hash_secret, new_access_code, normalise_access_code},
    register,
    settings::{Cli, Command, DeviceCommand, OrgCommand, RegisterCommand, ServeArgs, Settings},
    startup::Application,
    store,
};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(&cli.settings, args).await,
        Command::Register { action } => run_register(&cli.settings, action).await,
        Command::Org { action: OrgCommand::Add { name } } => add_organisation(&cli.settings, &name).await,
        Command::Device { action: DeviceCommand::Revoke { id } } => revoke_device(&cli.settings, id).await,
    }
}

async fn serve(settings: &Settings, args: ServeArgs) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    if args.demo {
        report_demo_load(register::demo::load_if_empty(app.store().as_ref()).await?);
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
            println!(
                "Imported {}: {} added, {} updated, {} unchanged.",
                file.display(),
                summary.added,
                summary.updated,
                summary.unchanged
            );
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

async fn revoke_device(settings: &Settings, id: uuid::Uuid) -> anyhow::Result<()> {
    let store = store::open(settings).await?;
    anyhow::ensure!(store.revoke_device(id).await?, "there is no device {id}");
    println!("Device {id} can no longer send observations.");
    Ok(())
}

fn report_demo_load(loaded: Option<u32>) {
    match loaded {
        Some(count) => println!("Loaded the fictional demo register: {count} services."),
        None => println!("The register already has services; demo data not loaded."),
    }
}
